/**
 * The keys crmkit writes into IndexedDB indexes. IndexedDB orders strings by
 * UTF-16 code unit and refuses booleans and absent values as keys; the filter
 * language orders strings by Unicode code point, puts absent values first, and
 * sorts booleans `false` before `true`. These encodings make IndexedDB's key
 * order the filter language's order, so index ranges and index walks give the
 * reference answers exactly.
 */

/** The key that stands for an absent (missing or null) value: below every other key of a field. */
export const absentKey = -Infinity;

/** A scalar index key as crmkit writes it. */
export type ScalarIndexKey = string | number;

const aboveSurrogates = /[\uD800-\uFFFF]/;

/**
 * Encodes a string so that IndexedDB's code-unit order on the result is the
 * code-point order of the input. Code units from U+E000 to U+FFFF move below
 * the surrogates (which encode code points above U+FFFF); everything else, and
 * so every string without such units, is unchanged.
 *
 * @example
 * ```ts
 * encodeStringKey('Ada'); // 'Ada'
 * encodeStringKey('\u{1F600}') > encodeStringKey('\uFFFD'); // true, as in code-point order
 * ```
 */
export function encodeStringKey(text: string): string {
  if (!aboveSurrogates.test(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out += String.fromCharCode(unit >= 0xe000 ? unit - 0x800 : unit >= 0xd800 ? unit + 0x2000 : unit);
  }
  return out;
}

/**
 * Encodes one scalar value of a record (or of a filter) as an index key:
 * strings in code-point order, numbers as they are, dates as epoch
 * milliseconds, booleans as 0 and 1, absent as {@link absentKey}. Returns
 * `undefined` for anything else (an object where a scalar was expected), which
 * IndexedDB then leaves out of the index.
 *
 * @example
 * ```ts
 * encodeScalarKey(new Date(5)); // 5
 * encodeScalarKey(true); // 1
 * encodeScalarKey(undefined); // -Infinity
 * ```
 */
export function encodeScalarKey(value: unknown): ScalarIndexKey | undefined {
  if (value === undefined || value === null) return absentKey;
  switch (typeof value) {
    case 'string':
      return encodeStringKey(value);
    case 'number':
      return Number.isNaN(value) ? undefined : value;
    case 'boolean':
      return value ? 1 : 0;
    default:
      if (value instanceof Date) {
        const time = value.getTime();
        return Number.isNaN(time) ? undefined : time;
      }
      return undefined;
  }
}

/**
 * Encodes a `string[]` value for a multi-entry index: its distinct elements,
 * each in code-point order. Absent and empty arrays give no entries.
 *
 * @example
 * ```ts
 * encodeMultiKey(['vip', 'vip', 'math']); // ['vip', 'math']
 * ```
 */
export function encodeMultiKey(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const out = new Set<string>();
  for (const element of value) if (typeof element === 'string') out.add(encodeStringKey(element));
  return [...out];
}

/**
 * The smallest string greater than every string that starts with `prefix` (in
 * code-unit order), or `undefined` when there is none. With it, "starts with"
 * becomes the key range `[prefix, successor)`.
 *
 * @example
 * ```ts
 * prefixSuccessor('ab'); // 'ac'
 * prefixSuccessor('a\uFFFF'); // 'b'
 * ```
 */
export function prefixSuccessor(prefix: string): string | undefined {
  let end = prefix.length;
  while (end > 0 && prefix.charCodeAt(end - 1) === 0xffff) end--;
  if (end === 0) return undefined;
  return prefix.slice(0, end - 1) + String.fromCharCode(prefix.charCodeAt(end - 1) + 1);
}
