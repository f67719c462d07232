import { afterAll, describe, expect, it } from 'vitest';
import {
  aggregateRecords,
  compareRecords,
  compileFilter,
  keysetFilter,
  readPath,
  type AggregateQuery,
  type SortKey,
  type StorageFilter,
  type StoredRecord,
} from '../../src/storage/index.js';
import { dialectTargets } from './dialect-targets.js';
import { customersSchema, storedCustomer } from './stored-schema.js';

// The catalogue calls these fields required, but the stored data predates that schema (or a host
// schema changed): the adapter must answer from the data, as the core's reference does.
const schema = customersSchema({
  'custom.label': { type: 'string', optional: false },
  'custom.rank': { type: 'number', optional: false },
  'custom.seen': { type: 'date', optional: false },
  'custom.tags': { type: 'string[]', optional: false },
  firstName: { type: 'string', optional: false },
  lifecycleStage: { type: 'string', optional: false }, // an indexed real column: pages split at the absent values
});

const records: StoredRecord[] = [
  storedCustomer('a', { firstName: 'Ada', lifecycleStage: 'lead', custom: { label: 'x', rank: 2, seen: new Date(5), tags: ['t'] } }),
  storedCustomer('b', { custom: {} }),
  storedCustomer('c', { firstName: 'Cy', lifecycleStage: 'won', custom: { label: 'y', rank: 1, seen: new Date(-5), tags: [] } }),
  storedCustomer('d', {}),
  storedCustomer('e', { firstName: 'Ed', lifecycleStage: 'lead', custom: { label: 'x', rank: 2, seen: new Date(5), tags: ['t', 'u'] } }),
];

const sorts: SortKey[][] = [
  ...['custom.label', 'custom.rank', 'custom.seen', 'firstName', 'lifecycleStage'].flatMap((field) =>
    (['asc', 'desc'] as const).map((direction): SortKey[] => [
      { field, direction },
      { field: 'id', direction },
    ]),
  ),
  [
    { field: 'lifecycleStage', direction: 'desc' },
    { field: 'custom.label', direction: 'asc' },
    { field: 'id', direction: 'desc' },
  ],
  [
    { field: 'lifecycleStage', direction: 'asc' },
    { field: 'firstName', direction: 'desc' },
    { field: 'id', direction: 'asc' },
  ],
];

const reference = (filter: StorageFilter | undefined, sort: readonly SortKey[]) =>
  records.filter(compileFilter(filter)).sort(compareRecords(sort)).map((r) => r.id);

describe('absent values of fields the catalogue calls required are found on every dialect', () => {
  const targets = dialectTargets();
  afterAll(async () => {
    for (const target of targets) await target.end();
  });
  for (const target of targets) {
    it(`${target.name}: pages, scans, exists and count(field) read the data, not the catalogue`, async () => {
      const adapter = await target.create();
      try {
        await adapter.open(schema);
        await adapter.insertMany('customers', records);
        for (const sort of sorts) {
          const expected = reference(undefined, sort);
          // Page by page with a limit of 1, as the core does with cursors.
          for (const limit of [1, 2, 3]) {
            const paged: string[] = [];
            let after: StorageFilter | undefined;
            for (let page = 0; page < records.length + 1; page++) {
              const found = await adapter.find('customers', { filter: after, sort, limit });
              paged.push(...found.map((r) => r.id));
              if (found.length < limit) break;
              after = keysetFilter(sort, sort.map(({ field }) => readPath(found.at(-1)!, field) as never));
            }
            expect(paged, `${JSON.stringify(sort)} limit ${limit}`).toEqual(expected);
            const where: StorageFilter = { field: 'id', op: 'ne', value: 'c' };
            const firstPage = await adapter.find('customers', { filter: where, sort, limit });
            expect(firstPage.map((r) => r.id), `${JSON.stringify(sort)} limit ${limit}`).toEqual(reference(where, sort).slice(0, limit));
          }
          const paged: string[] = [];
          let filter: StorageFilter | undefined;
          for (let page = 0; page < records.length + 1; page++) {
            const [record] = await adapter.find('customers', { filter, sort, limit: 1 });
            if (record === undefined) break;
            paged.push(record.id);
            filter = keysetFilter(sort, sort.map(({ field }) => readPath(record, field) as never));
          }
          expect(paged, JSON.stringify(sort)).toEqual(expected);
          expect((await adapter.find('customers', { sort })).map((r) => r.id), JSON.stringify(sort)).toEqual(expected);
          for (const batchSize of [1, 2, 10]) {
            const scanned: string[] = [];
            for await (const batch of adapter.scan!('customers', { sort }, batchSize)) {
              expect(batch.length).toBeGreaterThan(0);
              expect(batch.length).toBeLessThanOrEqual(batchSize);
              scanned.push(...batch.map((r) => r.id));
            }
            expect(scanned, `${JSON.stringify(sort)} batches of ${batchSize}`).toEqual(expected);
          }
        }
        const idSort: SortKey[] = [{ field: 'id', direction: 'asc' }];
        const filters: StorageFilter[] = [
          { field: 'custom.tags', op: 'exists', value: true },
          { field: 'custom.tags', op: 'exists', value: false },
          { not: { field: 'custom.tags', op: 'exists', value: true } },
          { field: 'custom.label', op: 'exists', value: false },
          { field: 'firstName', op: 'exists', value: false },
          { field: 'custom.tags', op: 'nin', value: ['t'] },
        ];
        for (const where of filters) {
          expect((await adapter.find('customers', { filter: where, sort: idSort })).map((r) => r.id), JSON.stringify(where)).toEqual(
            reference(where, idSort),
          );
          expect(await adapter.count('customers', where), JSON.stringify(where)).toBe(reference(where, idSort).length);
        }
        const query: AggregateQuery = {
          groupBy: [],
          measures: [
            { name: 'records', fn: 'count' },
            { name: 'tags', fn: 'count', field: 'custom.tags' },
            { name: 'labels', fn: 'count', field: 'custom.label' },
            { name: 'names', fn: 'count', field: 'firstName' },
          ],
        };
        const rows = [];
        for await (const row of adapter.aggregate!('customers', query)) rows.push(row);
        expect(rows).toEqual(await aggregateRecords([records], query));
        expect(rows[0]!.values).toEqual({ records: 5, tags: 3, labels: 3, names: 3 });
      } finally {
        await adapter.close();
        await target.destroy(adapter);
      }
    });
  }
});
