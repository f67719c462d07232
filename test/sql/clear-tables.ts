import { tableLayouts } from '../../adapters/sql/table-layout.js';
import { valuesTableName } from '../../adapters/sql/table-names.js';

/**
 * The quoted names of every crmkit table (collections and their `string[]`
 * side tables) under a prefix and, on PostgreSQL, a schema. The conformance
 * runs on the servers create their tables once per file and empty them after
 * each test, which is many times faster than creating and dropping a schema
 * (dozens of DDL statements) for each of several hundred tests.
 */
export function crmkitTableNames(quote: (name: string) => string, prefix: string, schema?: string): string[] {
  const names = tableLayouts.flatMap((layout) => [valuesTableName(layout), layout.table]);
  return names.map((name) => (schema === undefined ? quote(prefix + name) : `${quote(schema)}.${quote(prefix + name)}`));
}
