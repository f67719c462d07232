const loneSurrogate = /\p{Cs}/u;

/**
 * Encodes a string into the bytes crmkit compares, sorts and indexes in SQL:
 * UTF-8, so that byte order (`memcmp`, `bytea`, `VARBINARY`) is Unicode code
 * point order, NUL bytes are kept, and substrings stay substrings. A lone
 * surrogate (not valid Unicode, but a JavaScript string may hold one) becomes
 * `F8 hi lo`, bytes UTF-8 never uses: equality and substrings stay exact, and
 * lone surrogates sort after every valid character.
 *
 * @example
 * ```ts
 * encodeKey('a\u0000b'); // <Buffer 61 00 62>
 * ```
 */
export function encodeKey(value: string): Buffer {
  if (!loneSurrogate.test(value)) return Buffer.from(value, 'utf8');
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    const next = value.charCodeAt(i + 1);
    if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      i++;
      continue;
    }
    parts.push(Buffer.from(value.slice(start, i), 'utf8'), Buffer.from([0xf8, unit >> 8, unit & 0xff]));
    start = i + 1;
  }
  parts.push(Buffer.from(value.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

/**
 * The inverse of {@link encodeKey}.
 *
 * @example
 * ```ts
 * decodeKey(encodeKey('😀')); // '😀'
 * ```
 */
export function decodeKey(bytes: Uint8Array): string {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!buffer.includes(0xf8)) return buffer.toString('utf8');
  let out = '';
  let start = 0;
  for (let i = 0; i < buffer.length; i++) {
    if (buffer[i] !== 0xf8) continue;
    out += buffer.toString('utf8', start, i) + String.fromCharCode((buffer[i + 1]! << 8) | buffer[i + 2]!);
    i += 2;
    start = i + 1;
  }
  return out + buffer.toString('utf8', start);
}

/**
 * The smallest byte string greater than every string starting with `prefix`:
 * `prefix` followed by `FF`, a byte neither UTF-8 nor {@link encodeKey} uses.
 * `startsWith` becomes the index-friendly range `[prefix, upperBound)`.
 *
 * @example
 * ```ts
 * prefixUpperBound(encodeKey('ab')); // <Buffer 61 62 ff>
 * ```
 */
export function prefixUpperBound(prefix: Buffer): Buffer {
  return Buffer.concat([prefix, Buffer.from([0xff])]);
}
