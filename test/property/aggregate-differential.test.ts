import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { memoryAdapter } from '../../adapters/memory/index.js';
import type { SqlAdapter } from '../../adapters/sql/index.js';
import {
  aggregateRecords,
  isCrmError,
  type AggregateGroupKey,
  type AggregateMeasure,
  type AggregateQuery,
  type AggregateRow,
  type CrmAdapter,
} from '../../src/storage/index.js';
import { openDialectSubjects } from '../sql/dialect-targets.js';
import {
  differentialCollection as collection,
  differentialFilter as filter,
  differentialRecords as records,
  differentialSchema as schema,
} from './differential-arbitraries.js';

/**
 * Differential test of aggregates: the same random records and group-by queries
 * go to the core's reference (`aggregateRecords` over the memory adapter's
 * matches) and to crmkit/sql's native `aggregate` on SQLite, PGlite and the
 * servers whose URLs are set. Keys include near-equal doubles, absent values of
 * a field declared required, and day / week buckets of dates at the ends of
 * the stored range and around 1970; sums include integers whose total crosses
 * 2^53 (exact, or `out_of_range` on every adapter alike).
 */

const groupKey: fc.Arbitrary<AggregateGroupKey> = fc.oneof(
  fc.constantFrom('lifecycleStage', 'ownerId', 'custom.vip', 'custom.ratio', 'custom.label', 'custom.score'),
  fc.record({ field: fc.constantFrom('custom.since', 'createdAt'), bucket: fc.constantFrom('day' as const, 'week' as const) }),
);

const measure: fc.Arbitrary<Omit<AggregateMeasure, 'name'>> = fc.oneof(
  fc.constant({ fn: 'count' as const }),
  fc.record({ fn: fc.constant('count' as const), field: fc.constantFrom('custom.label', 'custom.ratio', 'custom.since', 'lifecycleStage') }),
  fc.record({ fn: fc.constant('sum' as const), field: fc.constantFrom('custom.score', 'custom.ratio') }),
  fc.record({
    fn: fc.constantFrom('min' as const, 'max' as const),
    field: fc.constantFrom('custom.ratio', 'custom.score', 'name', 'custom.label', 'custom.since', 'createdAt'),
  }),
);

const aggregateQuery: fc.Arbitrary<AggregateQuery> = fc.record({
  filter: fc.option(filter, { nil: undefined }),
  groupBy: fc.uniqueArray(groupKey, { maxLength: 2, selector: (key) => (typeof key === 'string' ? key : key.field) }),
  measures: fc.array(measure, { minLength: 1, maxLength: 3 }).map((list) => list.map((m, i) => ({ ...m, name: `m${i}` }))),
}).map(({ filter: where, ...rest }) => (where === undefined ? rest : { ...rest, filter: where }));

type Outcome = { rows: AggregateRow[] } | { error: string };

async function reference(adapter: CrmAdapter, query: AggregateQuery): Promise<Outcome> {
  const matches = await adapter.find(collection, { filter: query.filter, sort: [{ field: 'id', direction: 'asc' }] });
  try {
    return { rows: await aggregateRecords([matches], query) };
  } catch (error) {
    return { error: isCrmError(error) ? error.code : String(error) };
  }
}

async function native(adapter: SqlAdapter, query: AggregateQuery): Promise<Outcome> {
  try {
    const rows: AggregateRow[] = [];
    for await (const row of adapter.aggregate!(collection, query)) rows.push(row);
    return { rows };
  } catch (error) {
    return { error: isCrmError(error) ? error.code : String(error) };
  }
}

/**
 * Sums of integers must be equal to the last digit; sums with fractions may differ in their
 * last bits by the order of addition (documented in `docs/semantics.md`).
 */
function expectSameOutcome(actual: Outcome, expected: Outcome, query: AggregateQuery, context: string) {
  if ('error' in expected || 'error' in actual) {
    expect(actual, context).toEqual(expected);
    return;
  }
  expect(actual.rows.map((r) => r.key), context).toEqual(expected.rows.map((r) => r.key));
  expected.rows.forEach((row, i) => {
    for (const m of query.measures) {
      const want = row.values[m.name];
      const got = actual.rows[i]!.values[m.name];
      if (m.fn === 'sum' && m.field === 'custom.ratio' && typeof want === 'number' && typeof got === 'number') {
        expect(Math.abs(got - want), `${context} ${m.name}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
      } else {
        expect(got, `${context} ${m.name}`).toEqual(want);
      }
    }
  });
}

const subjects = openDialectSubjects(schema);

test.prop([records, fc.array(aggregateQuery, { minLength: 1, maxLength: 4 })], { numRuns: 60 })(
  'crmkit/sql aggregates exactly as the core reference on every dialect: keys, counts, sums, min and max',
  async (rows, queries) => {
    const memory = memoryAdapter();
    await memory.open(schema);
    await memory.insertMany(collection, rows);
    for (const [name, subject] of subjects) {
      await subject.insertMany(collection, rows);
      try {
        for (const query of queries) {
          const context = `${name}: ${JSON.stringify(query)}`;
          expectSameOutcome(await native(subject, query), await reference(memory, query), query, context);
        }
      } finally {
        await subject.deleteMany(collection, rows.map((r) => ({ id: r.id })));
      }
    }
  },
);
