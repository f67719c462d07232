import type { ConformanceGroup, ConformanceOptions } from './conformance-options.js';
import { describe, registerSkipped, registerWith, vitestRunner, type ConformanceRunner } from './conformance-runner.js';
import { useConformanceHarness, type ConformanceHarness } from './conformance-harness.js';
import { defineAbsentValueTests } from './absent-values-tests.js';
import { defineAdapterContractTests } from './adapter-contract-tests.js';
import { defineAggregateBucketTests } from './aggregate-bucket-tests.js';
import { defineCalendarBucketTests } from './calendar-bucket-tests.js';
import { defineChangeFeedTests } from './change-feed-tests.js';
import { defineHistoryTests } from './history-tests.js';
import { defineKeysetAfterTests } from './keyset-after-tests.js';
import { defineRelatedFilterTests } from './related-filter-tests.js';
import { defineUniqueKeyTests } from './unique-key-tests.js';
import { defineUpsertTests } from './upsert-tests.js';
import { defineAggregateTests } from './aggregate-tests.js';
import { defineBadInputTests } from './bad-input-tests.js';
import { defineConcurrencyTests } from './concurrency-tests.js';
import { defineConcurrentUpdateTests } from './concurrent-update-tests.js';
import { defineCrudTests } from './crud-tests.js';
import { defineCustomFieldTests } from './custom-fields-tests.js';
import { defineExactValueTests } from './exact-values-tests.js';
import { defineLogicTests } from './logic-tests.js';
import { defineOperatorTests } from './operators-tests.js';
import { definePaginationTests } from './pagination-tests.js';
import { defineScanTests } from './scan-tests.js';
import { defineSortTests } from './sort-tests.js';
import { defineStringMatchingTests } from './string-matching-tests.js';
import { defineTransactionTests } from './transactions-tests.js';

type GroupDefinition = (harness: () => ConformanceHarness) => void;

const groups: Partial<Record<ConformanceGroup, GroupDefinition>> = {
  crud: defineCrudTests,
  operators: defineOperatorTests,
  logic: defineLogicTests,
  sort: defineSortTests,
  pagination: definePaginationTests,
  concurrency: (harness) => (defineConcurrencyTests(harness), defineConcurrentUpdateTests(harness)),
  transactions: defineTransactionTests,
  'bad-input': defineBadInputTests,
  scan: defineScanTests,
  aggregate: defineAggregateTests,
  'aggregate-buckets': defineAggregateBucketTests,
  'custom-fields': defineCustomFieldTests,
  'adapter-contract': defineAdapterContractTests,
  'string-matching': defineStringMatchingTests,
  'absent-values': defineAbsentValueTests,
  'exact-values': defineExactValueTests,
  'keyset-after': defineKeysetAfterTests,
  'unique-keys': defineUniqueKeyTests,
  upserts: defineUpsertTests,
  'calendar-buckets': defineCalendarBucketTests,
  history: defineHistoryTests,
  'change-feed': defineChangeFeedTests,
  'related-filters': defineRelatedFilterTests,
};

/**
 * The adapter conformance suite. Call it from a test file with a factory
 * for your adapter (vitest by default; pass `runner` for Jest, node:test or
 * another runner, see {@link ConformanceRunner}); it registers over five hundred tests, each on a fresh
 * adapter, in these groups (see {@link conformanceGroups}): CRUD; every filter
 * operator with absent values; nested and / or / not; sort order, ties and
 * absent values; cursor pagination while records are inserted and deleted
 * between pages; version conflicts and per-item bulk results (also straight at
 * the adapter's compare-and-set); transactions; bad input to every write method
 * and query (typed errors, nothing written); scans; aggregates; custom fields;
 * the adapter's own promises checked straight at it (limits, total order,
 * counts, getMany, per-item outcomes, transaction isolation); string matching
 * that case, padding and empty strings cannot fool; stored `null`s and
 * required fields the data lacks; exact numbers, sums and instants.
 *
 * It reads `adapter.capabilities`: without `transactions` it checks that
 * `crm.transaction` throws `unsupported` and skips the rest of that group
 * (visibly); without `scan` or `aggregate` the core's fallbacks must give the
 * same answers, and the same tests check them. The semantics it enforces are
 * written down in `docs/semantics.md`.
 *
 * @example
 * ```ts
 * // my-adapter.test.ts
 * import { describeAdapterConformance } from 'crmkit/testing';
 * import { myAdapter } from '../src/index.js';
 *
 * describeAdapterConformance({
 *   name: 'my adapter',
 *   createAdapter: () => myAdapter({ url: process.env.MY_URL! }),
 *   destroyAdapter: (adapter) => dropTestDatabase(adapter),
 *   timeout: 20_000,
 * });
 * ```
 */
export function describeAdapterConformance(options: ConformanceOptions): void {
  registerWith(options.runner ?? vitestRunner, options.timeout, () => {
    describe(`crmkit adapter conformance: ${options.name}`, () => {
      const harness = useConformanceHarness(options);
      for (const [group, define] of Object.entries(groups) as [ConformanceGroup, GroupDefinition][]) {
        const reason = options.skip?.[group];
        if (reason !== undefined) {
          describe(`${group} (skipped: ${reason})`, () => registerSkipped(reason, () => define(harness)));
          continue;
        }
        define(harness);
      }
    });
  });
}
