/**
 * The zone a crm uses when none is given: UTC, never the host process's zone.
 *
 * @example
 * ```ts
 * defaultTimeZone; // 'UTC'
 * ```
 */
export const defaultTimeZone = 'UTC';

/** Names already looked up (creating an `Intl.DateTimeFormat` is slow). */
const canonicalNames = new Map<string, string | undefined>();

/**
 * The canonical IANA name of a time zone (`'europe/berlin'` gives
 * `'Europe/Berlin'`, `'Etc/UTC'` and `'GMT'` give `'UTC'`), or `undefined` when
 * the runtime does not know the zone. Offsets such as `'+01:00'` are not zones:
 * their rules do not follow the place's daylight saving time.
 *
 * @example
 * ```ts
 * canonicalTimeZone('Europe/Berlin'); // 'Europe/Berlin'
 * canonicalTimeZone('Mars/Olympus'); // undefined
 * ```
 */
export function canonicalTimeZone(name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return undefined;
  if (canonicalNames.has(name)) return canonicalNames.get(name);
  let canonical: string | undefined;
  try {
    canonical = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    canonical = undefined;
  }
  if (canonicalNames.size < 1000) canonicalNames.set(name, canonical);
  return canonical;
}

/**
 * True when `timeZone` is absent or UTC, where calendar days are plain 86,400,000 ms steps.
 *
 * @example
 * ```ts
 * isUtcTimeZone(undefined); // true
 * isUtcTimeZone('Europe/Berlin'); // false
 * ```
 */
export function isUtcTimeZone(timeZone: string | undefined): boolean {
  return timeZone === undefined || timeZone === defaultTimeZone || canonicalTimeZone(timeZone) === defaultTimeZone;
}
