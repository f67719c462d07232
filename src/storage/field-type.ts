/**
 * The types a filterable field can have. Every field a filter or sort names has
 * exactly one of these; objects and arrays of objects are stored but not filterable.
 */
export const fieldTypes = ['string', 'number', 'boolean', 'date', 'string[]'] as const;

/** One of {@link fieldTypes}. */
export type FieldType = (typeof fieldTypes)[number];

/** The field types that can be sorted on and compared with `lt`/`gt`. */
export const scalarFieldTypes = ['string', 'number', 'boolean', 'date'] as const;

/** One of {@link scalarFieldTypes}. */
export type ScalarFieldType = (typeof scalarFieldTypes)[number];

/**
 * True when a field of this type holds one value (as opposed to an array).
 *
 * @example
 * ```ts
 * isScalarFieldType('date'); // true
 * isScalarFieldType('string[]'); // false
 * ```
 */
export function isScalarFieldType(type: FieldType): type is ScalarFieldType {
  return type !== 'string[]';
}
