import { afterEach, beforeEach } from './conformance-runner.js';
import { createCrm, type Crm } from '../crm.js';
import type { CrmAdapter } from '../storage/adapter.js';
import type { ConformanceOptions } from './conformance-options.js';
import { conformanceCustomFields, conformanceUnique } from './conformance-fixtures.js';
import { testClock, type TestClock } from './test-clock.js';

/** What each conformance test gets: a crm over a fresh adapter, that adapter and the crm's clock. */
export interface ConformanceHarness {
  /** A crm over a fresh adapter, with the suite's custom fields on customers. */
  readonly crm: Crm<typeof conformanceCustomFields>;
  /** The fresh adapter. */
  readonly adapter: CrmAdapter;
  /** The crm's clock, fixed at 2025-01-01T00:00:00Z until moved. */
  readonly clock: TestClock;
}

/**
 * Registers `beforeEach` / `afterEach` hooks that give every test a crm over a
 * new adapter, and returns a getter for it.
 *
 * @internal
 */
export function useConformanceHarness(options: ConformanceOptions): () => ConformanceHarness {
  let current: ConformanceHarness | undefined;
  beforeEach(async () => {
    const adapter = await options.createAdapter();
    const clock = testClock();
    const crm = await createCrm({ adapter, clock, customFields: conformanceCustomFields, unique: conformanceUnique });
    current = { crm, adapter, clock };
  });
  afterEach(async () => {
    if (current === undefined) return;
    const { adapter } = current;
    current = undefined;
    await adapter.close();
    await options.destroyAdapter?.(adapter);
  });
  return () => {
    if (current === undefined) throw new Error('the conformance harness is only available inside a test');
    return current;
  };
}
