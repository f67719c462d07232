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
export function valuesTableName(layout: Pick<TableLayout, 'table'>): string {
  return `${layout.table}_values`;
}

const plainPath = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/;

/**
 * A column or table name for a dotted path or collection name: `purchase.amount`
 * becomes `purchase_amount`, `lifecycleStage` `lifecycle_stage`. Anything else
 * (quotes, spaces, NUL, a name already `taken`, one longer than 40) becomes
 * letters, digits and `_` plus 10 hex digits of its SHA-256, so no name from a
 * schema reaches SQL text unchecked.
 *
 * @example
 * ```ts
 * sqlName('custom.tier', new Set()); // 'custom_tier'
 * ```
 */
export function sqlName(path: string, taken: ReadonlySet<string>): string {
  const snake = path.replace(/\./g, '_').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  if (plainPath.test(path) && snake.length <= 40 && !taken.has(snake)) return snake;
  const safe = snake.replace(/[^a-z0-9_]/gi, '_').toLowerCase().slice(0, 28).replace(/^[^a-z]/, 'f');
  return `${safe}_${createHash('sha256').update(path, 'utf8').digest('hex').slice(0, 10)}`;
}
