const dateTag = '$date';
const escapeTag = '$esc';

/**
 * Serializes a record into the JSON text kept in the `doc` column. Dates become
 * `{"$date": <epoch ms>}`; a stored object that itself has a `$date` or `$esc`
 * key is wrapped as `{"$esc": [[key, value], …]}`, so no data is mistaken for a
 * date. NUL characters and lone surrogates are escaped by JSON itself, so the
 * text holds neither (PostgreSQL's `text` cannot hold U+0000).
 *
 * @example
 * ```ts
 * encodeRecord({ id: 'a', at: new Date(0) }); // '{"id":"a","at":{"$date":0}}'
 * ```
 */
export function encodeRecord(record: object): string {
  return JSON.stringify(record, function (this: Record<string, unknown>, key, value: unknown) {
    const raw = this[key];
    if (raw instanceof Date) return { [dateTag]: raw.getTime() };
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && (Object.hasOwn(value, dateTag) || Object.hasOwn(value, escapeTag))) {
      return { [escapeTag]: Object.entries(value) };
    }
    return value;
  });
}

/**
 * Parses what {@link encodeRecord} wrote.
 *
 * @example
 * ```ts
 * decodeRecord('{"at":{"$date":0}}'); // { at: new Date(0) }
 * ```
 */
export function decodeRecord<T = Record<string, unknown>>(text: string): T {
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    const object = value as Record<string, unknown>;
    if (Object.hasOwn(object, dateTag) && typeof object[dateTag] === 'number') {
      let single = true;
      for (const key in object) if (key !== dateTag) single = false;
      if (single) return new Date(object[dateTag]);
    }
    if (Object.hasOwn(object, escapeTag) && Array.isArray(object[escapeTag])) {
      let single = true;
      for (const key in object) if (key !== escapeTag) single = false;
      if (single) return Object.fromEntries(object[escapeTag] as [string, unknown][]);
    }
    return value;
  }) as T;
}
