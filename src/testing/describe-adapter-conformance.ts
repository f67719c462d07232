import { describe } from 'vitest';
import type { ConformanceGroup, ConformanceOptions } from './conformance-options.js';
import { useConformanceHarness, type ConformanceHarness } from './conformance-harness.js';
import { defineAggregateTests } from './aggregate-tests.js';
import { defineBadInputTests } from './bad-input-tests.js';
import { defineConcurrencyTests } from './concurrency-tests.js';
import { defineCrudTests } from './crud-tests.js';
import { defineCustomFieldTests } from './custom-fields-tests.js';
import { defineLogicTests } from './logic-tests.js';
import { defineOperatorTests } from './operators-tests.js';
import { definePaginationTests } from './pagination-tests.js';
import { defineScanTests } from './scan-tests.js';
import { defineSortTests } from './sort-tests.js';
import { defineTransactionTests } from './transactions-tests.js';

type GroupDefinition = (harness: () => ConformanceHarness) => void;

const groups: Partial<Record<ConformanceGroup, GroupDefinition>> = {
  crud: defineCrudTests,
  operators: defineOperatorTests,
  logic: defineLogicTests,
  sort: defineSortTests,
  pagination: definePaginationTests,
  concurrency: defineConcurrencyTests,
  transactions: defineTransactionTests,
  'bad-input': defineBadInputTests,
  scan: defineScanTests,
  aggregate: defineAggregateTests,
  'custom-fields': defineCustomFieldTests,
};

/**
 * The adapter conformance suite. Call it from a vitest test file with a factory
 * for your adapter; it registers well over a hundred tests covering CRUD, every
 * filter operator with absent values, nested and / or / not, sort order and ties,
 * cursor pagination under concurrent inserts, version conflicts, transactions
 * (when the adapter declares them), scans, aggregates and bad input.
 *
 * @example
 * ```ts
 * // my-adapter.test.ts
 * import { describeAdapterConformance } from 'crmkit/testing';
 * import { myAdapter } from '../src/index.js';
 *
 * describeAdapterConformance({ name: 'my adapter', createAdapter: () => myAdapter({ url: process.env.MY_URL! }) });
 * ```
 */
export function describeAdapterConformance(options: ConformanceOptions): void {
  describe(`crmkit adapter conformance: ${options.name}`, { timeout: options.timeout }, () => {
    const harness = useConformanceHarness(options);
    for (const [group, define] of Object.entries(groups) as [ConformanceGroup, GroupDefinition][]) {
      const reason = options.skip?.[group];
      if (reason !== undefined) {
        describe.skip(`${group} (skipped: ${reason})`, () => define(harness));
        continue;
      }
      define(harness);
    }
  });
}
