import { AdapterError, type ScalarValue } from '../../src/storage/index.js';
import type { CollectionTable, StoredField } from './collection-table.js';
import { encodeKey } from './key-encoding.js';
import { paramKindOf, type SqlDialect } from './sql-dialect.js';
import { sqlParam, sqlText, type ParamKind, type SqlFragment } from './sql-fragment.js';

/** The SQL expression reading a scalar field of the row aliased `t`, and the kind of its values. */
export interface FieldExpression {
  /** The field. */
  readonly field: StoredField;
  /** The expression: NULL when the field is absent. */
  readonly expression: SqlFragment;
  /** How values compared with it are bound. */
  readonly kind: ParamKind;
}

/**
 * Looks up a field of a table, failing with `AdapterError` for a path the
 * collection does not have (the core rejects those before they get here).
 *
 * @example
 * ```ts
 * const field = lookupField(table, 'custom.tier');
 * ```
 */
export function lookupField(table: CollectionTable, path: string): StoredField {
  const field = table.fields.get(path);
  if (field === undefined) throw new AdapterError(`${table.collection} has no filterable field ${JSON.stringify(path)}`);
  return field;
}

/**
 * The expression reading a scalar field: its column, or its value in `ext`
 * (strings as bytes, numbers, dates and booleans as doubles).
 *
 * @example
 * ```ts
 * fieldExpression(sqliteDialect, lookupField(table, 'name')).expression.text; // t."name"
 * ```
 */
export function fieldExpression(dialect: SqlDialect, field: StoredField): FieldExpression {
  const { storage } = field;
  if (storage.kind === 'column') {
    return { field, expression: sqlText(`t.${dialect.quote(storage.column)}`), kind: paramKindOf[storage.columnKind] };
  }
  if (storage.kind === 'values') throw new AdapterError(`${field.path} is a list, not a scalar`);
  const ext = `t.${dialect.quote('ext')}`;
  return field.type === 'string'
    ? { field, expression: dialect.extBinary(ext, storage.key), kind: 'bin' }
    : { field, expression: dialect.extNumber(ext, storage.key), kind: 'num' };
}

/**
 * A filter value as a bound parameter of the field's representation.
 *
 * @example
 * ```ts
 * valueParam(expression, new Date(0)); // sqlParam(0, 'int')
 * ```
 */
export function valueParam(target: FieldExpression, value: ScalarValue): SqlFragment {
  return sqlParam(encodeValue(value), target.kind);
}

/**
 * A scalar value as stored for comparison: strings as {@link encodeKey} bytes,
 * dates as epoch milliseconds, booleans as 0 / 1.
 *
 * @example
 * ```ts
 * encodeValue(true); // 1
 * ```
 */
export function encodeValue(value: ScalarValue): unknown {
  if (typeof value === 'string') return encodeKey(value);
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}
