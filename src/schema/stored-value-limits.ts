/**
 * The codes of the validation issues crmkit raises beyond zod's own, for values
 * no adapter could store the same way as the others or that would lose data. They appear as `issue.code` in a
 * `ValidationError`'s `issues` (and `malformed_string` in an `InvalidQueryError`'s).
 *
 * - `malformed_string`: a string (or an object key) that is not well-formed UTF-16 (a lone surrogate);
 * - `reserved_key`: an object key `__proto__`, `constructor` or `prototype`;
 * - `too_deep`: objects and arrays nested deeper than {@link maxRecordDepth};
 * - `date_out_of_range`: a date outside the years 0001 to 9999 (UTC), see {@link storedDateRange};
 * - `list_element_too_long`: an element of a filterable string list over {@link maxListElementBytes} UTF-8 bytes;
 * - `list_too_long`: a filterable string list of more than {@link maxListElements} elements;
 * - `phone_extension`: a phone number with an extension, which E.164 cannot hold;
 * - `negative_amount`: a negative amount of money (a refund is an interaction of kind `refund` with a positive amount).
 *
 * @example
 * ```ts
 * if (error.issues.some((issue) => issue.code === 'malformed_string')) showEncodingHelp();
 * ```
 */
export const storedValueIssueCodes = [
  'malformed_string',
  'reserved_key',
  'too_deep',
  'date_out_of_range',
  'list_element_too_long',
  'list_too_long',
  'phone_extension',
  'negative_amount',
] as const;

/** One of {@link storedValueIssueCodes}. */
export type StoredValueIssueCode = (typeof storedValueIssueCodes)[number];

/**
 * Object keys refused anywhere in a record (custom free JSON included) and as
 * field names in a host's custom field schema: JavaScript gives them special
 * meaning, so a value stored under them could be lost or reach a prototype.
 *
 * @example
 * ```ts
 * reservedKeys.includes('__proto__'); // true
 * ```
 */
export const reservedKeys = ['__proto__', 'constructor', 'prototype'] as const;

/** One of {@link reservedKeys}. */
export type ReservedKey = (typeof reservedKeys)[number];

/**
 * How deep objects and arrays may nest inside a record (the record itself is
 * level 0, `custom` level 1). Deeper input is a `too_deep` validation issue.
 *
 * @example
 * ```ts
 * maxRecordDepth; // 64
 * ```
 */
export const maxRecordDepth = 64;

/**
 * The most UTF-8 bytes one element of a filterable string list (`tags`,
 * `emails`, `phones`, a custom `string[]`) may take: every adapter indexes
 * elements, and databases limit index keys (MariaDB at 2,048 bytes in crmkit's
 * layout, PostgreSQL's B-tree at about 2,700). Longer is `list_element_too_long`.
 *
 * @example
 * ```ts
 * maxListElementBytes; // 1024
 * ```
 */
export const maxListElementBytes = 1024;

/**
 * The most elements a filterable string list may hold (the built-in lists have
 * lower limits of their own: 200 tags, 100 emails, 100 phones). More is `list_too_long`.
 *
 * @example
 * ```ts
 * maxListElements; // 1000
 * ```
 */
export const maxListElements = 1000;

/**
 * The instants a stored date may take, in epoch milliseconds: from
 * `0001-01-01T00:00:00.000Z` to `9999-12-31T23:59:59.999Z`. Every day and week
 * bucket of such a date, in every time zone, is a valid `Date`, and every
 * adapter stores it exactly. Other dates are `date_out_of_range`.
 *
 * @example
 * ```ts
 * new Date(storedDateRange.min).toISOString(); // '0001-01-01T00:00:00.000Z'
 * ```
 */
export const storedDateRange = {
  min: Date.parse('0001-01-01T00:00:00.000Z'),
  max: Date.parse('9999-12-31T23:59:59.999Z'),
} as const;
