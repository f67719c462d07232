/**
 * `text` as UTF-8 in unpadded base64url, with the platform's `btoa` (browsers
 * and Node alike), for opaque cursors.
 *
 * @example
 * ```ts
 * toBase64Url('{"a":1}'); // 'eyJhIjoxfQ'
 * ```
 */
export function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Reads what {@link toBase64Url} wrote; throws on text that is not base64url of UTF-8.
 *
 * @example
 * ```ts
 * fromBase64Url('eyJhIjoxfQ'); // '{"a":1}'
 * ```
 */
export function fromBase64Url(text: string): string {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}
