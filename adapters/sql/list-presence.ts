import type { StoredField } from './collection-table.js';
import type { SqlDialect } from './sql-dialect.js';
import { sql, sqlText, type SqlFragment } from './sql-fragment.js';

/**
 * True (never NULL) when the `string[]` field is present in the row aliased
 * `t`. The side table cannot tell an empty list from an absent one, so every
 * row keeps a marker in `ext`: 1 present, 0 absent. Rows written before
 * markers were written for every list have none; for them the catalogue
 * decides, as it did when they were written (an optional list had its marker
 * when present, a required one had none).
 *
 * @example
 * ```ts
 * sql`SELECT COUNT(*) FROM t WHERE ${listPresent(sqliteDialect, field)}`;
 * ```
 */
export function listPresent(dialect: SqlDialect, field: StoredField): SqlFragment {
  const marker = dialect.extNumber(`t.${dialect.quote('ext')}`, (field.storage as { key: string }).key);
  return sql`(COALESCE(${marker}, ${sqlText(field.optional ? '0' : '1')}) = 1)`;
}
