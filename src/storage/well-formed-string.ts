const nativeIsWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * True when `value` is well-formed UTF-16: every surrogate is half of a pair, so
 * the string is a sequence of Unicode code points and has one UTF-8 encoding.
 * crmkit refuses other strings in records (`malformed_string` validation issue)
 * and in filter values (`invalid_query`), because adapters cannot agree on how to
 * store, match or order half a character.
 *
 * @example
 * ```ts
 * isWellFormedString('a😀'); // true
 * isWellFormedString('\uDC41'); // false: a lone low surrogate
 * ```
 */
export function isWellFormedString(value: string): boolean {
  return nativeIsWellFormed === undefined ? !loneSurrogate.test(value) : nativeIsWellFormed.call(value);
}

/**
 * The number of bytes `value` takes in UTF-8, without encoding it.
 *
 * @example
 * ```ts
 * utf8ByteLength('é😀'); // 6
 * ```
 */
export function utf8ByteLength(value: string): number {
  let bytes = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
