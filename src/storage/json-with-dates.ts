/**
 * JSON text of a value that may hold dates: each `Date` as
 * `{ "$date": "<ISO instant>" }`, so {@link parseJsonWithDates} gives dates back.
 * Stored filters (segments) and rule definitions (automation) are kept this way.
 *
 * @example
 * ```ts
 * stringifyJsonWithDates({ at: new Date(0) }); // '{"at":{"$date":"1970-01-01T00:00:00.000Z"}}'
 * ```
 */
export function stringifyJsonWithDates(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, replaced: unknown) {
    const raw = this[key];
    return raw instanceof Date ? { $date: raw.toISOString() } : replaced;
  });
}

/**
 * The value {@link stringifyJsonWithDates} wrote, its dates as `Date`s.
 *
 * @example
 * ```ts
 * parseJsonWithDates('{"at":{"$date":"1970-01-01T00:00:00.000Z"}}'); // { at: new Date(0) }
 * ```
 */
export function parseJsonWithDates(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1 && keys[0] === '$date' && typeof (value as { $date: unknown }).$date === 'string') return new Date((value as { $date: string }).$date);
    }
    return value;
  });
}
