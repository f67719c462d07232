import type { CrmAdapter } from '../storage/adapter.js';
import type { ConformanceRunner } from './conformance-runner.js';

/** The groups of the conformance suite; `skip` takes their names. */
export const conformanceGroups = [
  'crud',
  'operators',
  'logic',
  'sort',
  'pagination',
  'concurrency',
  'transactions',
  'bad-input',
  'scan',
  'aggregate',
  'aggregate-buckets',
  'custom-fields',
  'adapter-contract',
  'string-matching',
  'absent-values',
  'exact-values',
  'keyset-after',
  'unique-keys',
  'upserts',
  'calendar-buckets',
  'history',
  'change-feed',
  'related-filters',
] as const;

/** One of {@link conformanceGroups}. */
export type ConformanceGroup = (typeof conformanceGroups)[number];

/** Options of `describeAdapterConformance`. */
export interface ConformanceOptions {
  /** Shown in the test names, for example `sqlite :memory:`. */
  readonly name: string;
  /**
   * Makes a new, empty adapter. Called before every test; the suite opens it
   * through `createCrm` and closes it after the test.
   */
  readonly createAdapter: () => CrmAdapter | Promise<CrmAdapter>;
  /** Called after every test, after `close()`, to drop what the adapter left behind. */
  readonly destroyAdapter?: (adapter: CrmAdapter) => void | Promise<void>;
  /** Groups to leave out, with the reason shown in the output. */
  readonly skip?: Partial<Record<ConformanceGroup, string>>;
  /** Per-test timeout in milliseconds (the runner's default otherwise). */
  readonly timeout?: number;
  /**
   * The test runner to register with: `{ describe, it, expect, beforeEach, afterEach }`
   * of Jest, node:test (with the `expect` package) or a runner of your own.
   * Vitest's ({@link vitestRunner}) by default.
   */
  readonly runner?: ConformanceRunner;
}
