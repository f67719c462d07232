import type { WriteOutcome } from '../storage/write-outcome.js';

/**
 * A write outcome without its optional `reason` and `index`, so cases about
 * codes hold for adapters that fill them in and for those written before them.
 *
 * @internal
 * @example
 * ```ts
 * expect(outcomes.map(withoutReason)).toEqual([{ ok: true }, { ok: false, code: 'conflict' }]);
 * ```
 */
export function withoutReason(outcome: WriteOutcome): WriteOutcome {
  return outcome.ok ? outcome : { ok: false, code: outcome.code };
}
