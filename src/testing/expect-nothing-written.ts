import { expect } from './conformance-runner.js';
import type { Crm } from '../crm.js';
import type { CrmError, CrmErrorCode } from '../storage/errors.js';
import { expectCrmError } from './expect-crm-error.js';
import { recordEvents } from './record-events.js';
import { snapshotCollections, type ScannableCollections } from './snapshot-collections.js';

/**
 * Expects `action` to fail with a crmkit error of `code` (`validation` unless
 * told) and to leave every collection exactly as it was, without emitting an
 * event. Returns the error so a test can look at its issues.
 *
 * @example
 * ```ts
 * const error = await expectNothingWritten(crm, () => crm.customers.create({ name: 42 } as never));
 * expect(error.issues.map((i) => i.path)).toContainEqual(['name']);
 * ```
 */
export async function expectNothingWritten(
  crm: ScannableCollections & Pick<Crm, 'events'>,
  action: () => unknown,
  code: CrmErrorCode = 'validation',
): Promise<CrmError> {
  const before = await snapshotCollections(crm);
  const recording = recordEvents(crm);
  try {
    const error = await expectCrmError(action, code);
    // Give events queued on microtasks a chance to fire before checking there were none.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(recording.names(), 'events emitted by a failed write').toEqual([]);
    expect(await snapshotCollections(crm), 'the store after a failed write').toEqual(before);
    return error;
  } finally {
    recording.stop();
  }
}
