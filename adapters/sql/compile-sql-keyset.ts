import type { Condition, ScalarValue, SortKey, StorageValue } from '../../src/storage/index.js';
import type { CollectionTable } from './collection-table.js';
import { fieldExpression, lookupField } from './field-expression.js';
import type { SqlDialect } from './sql-dialect.js';
import { sql, sqlText, type SqlFragment } from './sql-fragment.js';

const never = sqlText('(1=0)');

/** A keyset position: the sort and the values of the last record seen (`undefined` for absent). */
export interface KeysetPosition {
  /** The order, ending with the key that decides ties. */
  readonly sort: readonly SortKey[];
  /** The last record's value of each key. */
  readonly after: readonly (ScalarValue | undefined)[];
}

/**
 * Compiles "strictly after `position`" into a condition the planners use as an
 * index range: for a key `a` (desc) then `id` (desc) after `(x, y)` it is
 * `a <= x AND (a < x OR id < y)`, the same rows as the core's
 * `a < x OR a IS NULL OR (a = x AND id < y)` but with the bound `a <= x` on its
 * own, where an index on `a` (or on `(kind, a)` under `kind = ?`) serves it.
 * Absent values keep their place (first in `asc`, last in `desc`): a `desc`
 * key keeps its `IS NULL` branch, and an absent position value becomes
 * `IS NULL` / `IS NOT NULL` tests. The catalogue's `optional: false` is not
 * trusted (stored rows may predate the schema): only the fields every stored
 * record has (`id`, `version`, `createdAt`, `updatedAt`) and the fields in
 * `present` (those the rest of the filter requires present, see
 * {@link presentFields}) go without the NULL branch. Comparisons go through
 * `condition`, so values are encoded exactly as in any other filter.
 *
 * @example
 * ```ts
 * compileSqlKeyset(sqliteDialect, table, { sort, after: [new Date(0), '01J…'] }, (c) => compileSqlFilter(sqliteDialect, table, c));
 * ```
 */
export function compileSqlKeyset(
  dialect: SqlDialect,
  table: CollectionTable,
  position: KeysetPosition,
  condition: (condition: Condition<StorageValue>) => SqlFragment,
  present: ReadonlySet<string> = new Set(),
): SqlFragment {
  const { sort, after } = position;
  const step = (i: number): SqlFragment | undefined => {
    const { field: path, direction } = sort[i]!;
    const value = after[i];
    const rest = i + 1 < sort.length ? step(i + 1) : undefined; // undefined: no row equal on this key is after
    const field = lookupField(table, path);
    const nullable = field.nullable && !present.has(path);
    const v = fieldExpression(dialect, field).expression;
    const compare = (op: 'gt' | 'gte' | 'lt' | 'lte' | 'eq') => condition({ field: path, op, value: value as ScalarValue });
    if (value === undefined) {
      if (direction === 'asc') return rest === undefined ? sql`${v} IS NOT NULL` : sql`(${v} IS NOT NULL OR ${rest})`;
      return rest === undefined ? undefined : sql`(${v} IS NULL AND ${rest})`;
    }
    const strict = compare(direction === 'asc' ? 'gt' : 'lt');
    const ranged =
      rest === undefined ? strict : sql`(${compare(direction === 'asc' ? 'gte' : 'lte')} AND (${strict} OR ${rest}))`;
    return direction === 'desc' && nullable ? sql`(${v} IS NULL OR ${ranged})` : ranged;
  };
  return step(0) ?? never;
}
