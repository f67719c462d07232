/**
 * The closed list of filter operators. Their meaning, for every adapter:
 *
 * | operator | matches when the field… |
 * | --- | --- |
 * | `eq`, `ne` | equals / does not equal the value (`ne` also matches an absent field) |
 * | `lt`, `lte`, `gt`, `gte` | is present and orders before / after the value |
 * | `in`, `nin` | equals one / none of the listed values (`nin` also matches an absent field); on a `string[]` field: has any / has none of them |
 * | `contains` | string: has the value as a substring; `string[]`: has the value as an element |
 * | `startsWith` | is a string beginning with the value; `string[]`: has an element beginning with it (prefix search over normalized tokens) |
 * | `endsWith` | is a string ending with the value |
 * | `exists` | is present (value `true`) or absent (value `false`) |
 *
 * Absent means missing or `null`. Comparisons are case-sensitive and order strings
 * by Unicode code point. See `docs/semantics.md`.
 */
export const filterOperators = [
  'eq',
  'ne',
  'lt',
  'lte',
  'gt',
  'gte',
  'in',
  'nin',
  'contains',
  'startsWith',
  'endsWith',
  'exists',
] as const;

/** One of {@link filterOperators}. */
export type FilterOperator = (typeof filterOperators)[number];

/** Which operators each field type accepts. */
export const operatorsByFieldType = {
  string: ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'nin', 'contains', 'startsWith', 'endsWith', 'exists'],
  number: ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'nin', 'exists'],
  date: ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'nin', 'exists'],
  boolean: ['eq', 'ne', 'in', 'nin', 'exists'],
  'string[]': ['contains', 'startsWith', 'in', 'nin', 'exists'],
} as const satisfies Record<string, readonly FilterOperator[]>;
