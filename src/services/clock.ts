/**
 * Where the crm reads the time: timestamps, relative dates in filters, SLA
 * checks. Inject a fixed or steppable clock in tests.
 *
 * @example
 * ```ts
 * let now = new Date('2025-01-01T00:00:00Z');
 * const crm = await createCrm({ adapter: memoryAdapter(), clock: { now: () => now } });
 * ```
 */
export interface Clock {
  /** The current instant. */
  now(): Date;
}

/** The clock of the machine. */
export const systemClock: Clock = { now: () => new Date() };
