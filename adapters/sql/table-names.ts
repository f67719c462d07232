import { createHash } from 'node:crypto';
import { AdapterError } from '../../src/storage/index.js';
import type { SqlDialect } from './sql-dialect.js';
import type { TableLayout } from './table-layout.js';

const identifier = /^[A-Za-z_][A-Za-z0-9_]{0,39}$/;

/** Where crmkit's tables live: a prefix for every name and, on PostgreSQL, a schema. */
export interface TableNaming {
  /** Prepended to every table and index name, for example `crm_`. */
  readonly prefix: string;
  /** The PostgreSQL schema, or none for the connection's search path. */
  readonly schema?: string;
}

/**
 * Checks a prefix or schema name: letters, digits and `_`, at most 40
 * characters, so names never need escaping and stay under identifier limits.
 *
 * @example
 * ```ts
 * checkIdentifier('crm_', 'tablePrefix');
 * ```
 */
export function checkIdentifier(name: string, what: string, allowEmpty = false): void {
  if (allowEmpty && name === '') return;
  if (typeof name !== 'string' || !identifier.test(name)) {
    throw new AdapterError(`${what} must be letters, digits and _ (at most 40, not starting with a digit), got ${JSON.stringify(name)}`);
  }
}

/**
 * The quoted, schema-qualified name of a table or of a name within the schema.
 *
 * @example
 * ```ts
 * qualifiedName(postgresDialect, { prefix: 'crm_', schema: 'app' }, 'customers'); // "app"."crm_customers"
 * ```
 */
export function qualifiedName(dialect: SqlDialect, naming: TableNaming, name: string): string {
  const table = dialect.quote(naming.prefix + name);
  return naming.schema === undefined ? table : `${dialect.quote(naming.schema)}.${table}`;
}

/**
 * An index or constraint name, shortened with a hash when it would pass the
 * 63-character limit of PostgreSQL (and 64 of MySQL).
 *
 * @example
 * ```ts
 * objectName({ prefix: 'crm_' }, 'interactions_customer_id_occurred_at');
 * ```
 */
export function objectName(naming: TableNaming, name: string): string {
  const full = naming.prefix + name;
  if (full.length <= 60) return full;
  return `${full.slice(0, 47)}_${createHash('sha256').update(full).digest('hex').slice(0, 12)}`;
}

/**
 * The side table holding one row per element of a collection's `string[]` fields.
 *
 * @example
 * ```ts
 * valuesTableName(layout); // 'customers_values'
 * ```
 */
export function valuesTableName(layout: TableLayout): string {
  return `${layout.table}_values`;
}
