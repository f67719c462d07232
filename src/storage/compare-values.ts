import type { ScalarValue } from './filter.js';

/**
 * Orders two strings by Unicode code point, the order every adapter uses (the
 * order of UTF-8 bytes, which SQL's binary collations give). JavaScript's `<`
 * orders by UTF-16 code unit, which differs for characters above U+FFFF.
 *
 * @example
 * ```ts
 * compareStrings('a', 'b'); // -1
 * compareStrings('\u{1F600}', '\uFFFD'); // 1 (code unit order would say -1)
 * ```
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (D800-DFFF) encode code points above FFFF: lift them above E000-FFFF.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/**
 * Orders two present values of the same field type: strings by code point,
 * numbers numerically, `false` before `true`, dates chronologically.
 *
 * @example
 * ```ts
 * compareValues(new Date(0), new Date(1)); // -1
 * ```
 */
export function compareValues(a: ScalarValue, b: ScalarValue): number {
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  const x = a instanceof Date ? a.getTime() : Number(a);
  const y = b instanceof Date ? b.getTime() : Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * True when two present values of the same field type are equal (dates by instant).
 *
 * @example
 * ```ts
 * valuesEqual(new Date(5), new Date(5)); // true
 * ```
 */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}
