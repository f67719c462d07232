import type { Clock } from '../services/clock.js';

/** A clock for tests: fixed until moved. */
export interface TestClock extends Clock {
  /** Sets the current instant. */
  set(at: Date): void;
  /** Moves the current instant forward by `ms` milliseconds. */
  advance(ms: number): void;
}

/**
 * A clock that stands still at `start` until set or advanced.
 *
 * @example
 * ```ts
 * const clock = testClock(new Date('2025-01-01T00:00:00Z'));
 * const crm = await createCrm({ adapter, clock });
 * clock.advance(60_000);
 * ```
 */
export function testClock(start = new Date('2025-01-01T00:00:00.000Z')): TestClock {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    set: (at) => void (now = at.getTime()),
    advance: (ms) => void (now += ms),
  };
}
