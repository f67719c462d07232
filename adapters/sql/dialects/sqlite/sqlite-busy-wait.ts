import { AdapterError } from '../../../../src/storage/index.js';

/** How long (ms) a SQLite write waits for another connection's write lock by default. */
export const defaultSqliteBusyTimeout = 5_000;

/** The first pause (ms) between two tries for a SQLite lock; pauses double up to {@link maxPauseMs}. */
const firstPauseMs = 1;

/** The longest pause (ms) between two tries for a SQLite lock. */
const maxPauseMs = 50;

/**
 * Whether a driver error is SQLite saying another connection holds the lock it
 * needs (`SQLITE_BUSY` and its extended codes such as `SQLITE_BUSY_SNAPSHOT`).
 *
 * @example
 * ```ts
 * isSqliteBusy(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })); // true
 * ```
 */
export function isSqliteBusy(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 4; cause = cause.cause, depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) return true;
  }
  return false;
}

/**
 * Runs `attempt` until it does not fail with {@link isSqliteBusy}, pausing
 * between tries with timers (random pauses from 1 ms, doubling to 50 ms) so the
 * event loop keeps running while another connection or process holds the lock.
 * After `timeoutMs` it fails with an `AdapterError` whose cause is the last
 * busy error. Only for work that is safe to run again: a statement in
 * autocommit, or the `BEGIN IMMEDIATE` that opens a write transaction.
 *
 * @example
 * ```ts
 * await retryWhileBusy(() => db.executeQuery(CompiledQuery.raw('BEGIN IMMEDIATE')), 5_000, 'starting a write');
 * ```
 */
export async function retryWhileBusy<T>(attempt: () => Promise<T>, timeoutMs: number, what: string): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isSqliteBusy(error)) throw error;
      if (performance.now() >= deadline) {
        throw new AdapterError(`sqlite: ${what}: the database stayed locked by another connection for ${timeoutMs} ms (busyTimeout)`, {
          cause: error,
        });
      }
      const pause = Math.random() * Math.min(maxPauseMs, firstPauseMs * 2 ** tries);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(pause, deadline - performance.now()))));
    }
  }
}
