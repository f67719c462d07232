/**
 * The days of a week, Monday first (ISO order), as business calendars name them.
 *
 * @example
 * ```ts
 * weekdays[0]; // 'monday'
 * ```
 */
export const weekdays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/** One of {@link weekdays}. */
export type Weekday = (typeof weekdays)[number];
