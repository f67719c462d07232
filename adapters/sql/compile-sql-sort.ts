import type { SortKey } from '../../src/storage/index.js';
import type { CollectionTable } from './collection-table.js';
import { fieldExpression, lookupField } from './field-expression.js';
import type { SqlDialect } from './sql-dialect.js';
import { sqlJoin, type SqlFragment } from './sql-fragment.js';

/**
 * Compiles a sort (ending with `id`) into ORDER BY terms: byte order for
 * strings, absent values first in `asc` and last in `desc` on every dialect.
 * A key is treated as possibly absent unless it is one every stored record has
 * or `present` (what the query's filter requires present) holds it; the
 * catalogue's `optional: false` is not trusted.
 *
 * @example
 * ```ts
 * compileSqlSort(sqliteDialect, table, [{ field: 'name', direction: 'asc' }, { field: 'id', direction: 'asc' }]);
 * ```
 */
export function compileSqlSort(
  dialect: SqlDialect,
  table: CollectionTable,
  sort: readonly SortKey[],
  present: ReadonlySet<string> = new Set(),
): SqlFragment {
  const terms: SqlFragment[] = [];
  for (const { field: path, direction } of sort) {
    const target = fieldExpression(dialect, lookupField(table, path));
    terms.push(dialect.orderTerm(target.expression, direction, target.field.nullable && !present.has(path)));
    if (path === 'id') break; // id is unique: later keys never decide
  }
  return sqlJoin(terms, ', ');
}
