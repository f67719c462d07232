import { describe, expect, it } from './conformance-runner.js';
import type { FindOptions, ScanOptions } from '../services/find-options.js';
import type { ConformanceHarness } from './conformance-harness.js';
import { seedCustomers, type ConformanceCustomer } from './conformance-fixtures.js';
import { expectCrmError } from './expect-crm-error.js';

/** Every batch of a scan, as yielded. @internal */
async function batchesOf(scan: AsyncIterable<readonly ConformanceCustomer[]>): Promise<ConformanceCustomer[][]> {
  const batches: ConformanceCustomer[][] = [];
  for await (const batch of scan) batches.push([...batch]);
  return batches;
}

/** Streaming reads: every matching record once, in order, in bounded batches. @internal */
export function defineScanTests(harness: () => ConformanceHarness): void {
  describe('scan', () => {
    it.each([1, 2, 3, 8, 9, 10_000])('yields every record once, in id order, in batches of at most %i', async (batchSize) => {
      const { crm } = harness();
      const { labelsOf } = await seedCustomers(crm);
      const batches = await batchesOf(crm.customers.scan({ batchSize }));
      expect(labelsOf(batches.flat()).join('')).toBe('ATGEMZFB');
      for (const batch of batches) {
        expect(batch.length).toBeGreaterThan(0);
        expect(batch.length).toBeLessThanOrEqual(batchSize);
      }
    });

    it('uses 1000 per batch by default', async () => {
      const { crm } = harness();
      await crm.customers.createMany(Array.from({ length: 1001 }, (_, i) => ({ name: `c${i}` })));
      const batches = await batchesOf(crm.customers.scan());
      expect(batches.flat()).toHaveLength(1001);
      for (const batch of batches) expect(batch.length).toBeLessThanOrEqual(1000);
    });

    it.each([
      ['a filter', { where: { field: 'ownerId', op: 'exists', value: true } }, 'ATEZ'],
      ['a descending sort with absent values', { sort: [{ field: 'custom.score', direction: 'desc' }] }, 'MATEGBFZ'],
      ['a filter and a sort on two keys', { where: { field: 'lifecycleStage', op: 'nin', value: ['other'] }, sort: [{ field: 'lifecycleStage' }, { field: 'name', direction: 'desc' }] }, 'ZGAETBF'],
      ['a filter matching nothing', { where: { field: 'name', op: 'eq', value: 'nobody' } }, ''],
      ['a string sort by code point', { sort: [{ field: 'name', direction: 'asc' }] }, 'ABGZTEFM'],
    ] as const)('with %s yields the same records as find, in the same order', async (_title, options, expected) => {
      const { crm } = harness();
      const { labelsOf } = await seedCustomers(crm);
      const batches = await batchesOf(crm.customers.scan({ ...(options as ScanOptions), batchSize: 2 }));
      expect(labelsOf(batches.flat()).join('')).toBe(expected);
      expect(batches.flat().map((r) => r.id)).toEqual((await crm.customers.find(options as FindOptions)).items.map((r) => r.id));
    });

    it('scanning an empty collection yields no batch', async () => {
      const { crm } = harness();
      expect(await batchesOf(crm.customers.scan({ batchSize: 5 }))).toEqual([]);
    });

    it('yields records equal to what get returns, dates as dates', async () => {
      const { crm } = harness();
      const { byLabel } = await seedCustomers(crm);
      const scanned = (await batchesOf(crm.customers.scan({ batchSize: 3 }))).flat();
      const ada = scanned.find((r) => r.id === byLabel.A.id)!;
      expect(ada).toEqual(await crm.customers.get(byLabel.A.id));
      expect(ada.custom.since).toBeInstanceOf(Date);
    });

    it('scans another collection than customers', async () => {
      const { crm, clock } = harness();
      const ada = await crm.customers.create({ name: 'Ada' });
      for (let i = 0; i < 5; i++) {
        clock.advance(1000);
        await crm.interactions.create({ customerId: ada.id, channel: 'email', kind: 'message', subject: `m${i}`, occurredAt: new Date(Date.UTC(2024, 0, 5 - i)) });
      }
      const subjects: string[] = [];
      for await (const batch of crm.interactions.scan({ sort: [{ field: 'occurredAt' }], batchSize: 2 })) subjects.push(...batch.map((r) => r.subject!));
      expect(subjects).toEqual(['m4', 'm3', 'm2', 'm1', 'm0']);
    });

    it('a scan stopped early can be left without reading the rest', async () => {
      const { crm } = harness();
      await seedCustomers(crm);
      for await (const batch of crm.customers.scan({ batchSize: 2 })) {
        expect(batch).toHaveLength(2);
        break;
      }
      // the adapter is still usable afterwards
      expect(await crm.customers.count()).toBe(8);
      await crm.customers.create({ name: 'after the scan' });
      expect(await crm.customers.count()).toBe(9);
    });

    it.each([
      ['0', 0],
      ['-1', -1],
      ['1.5', 1.5],
      ['10001', 10_001],
      ['NaN', Number.NaN],
      ['a string', '10'],
    ] as const)('a batchSize of %s is rejected with invalid_query', async (_title, batchSize) => {
      const { crm } = harness();
      await crm.customers.create({ name: 'Ada' });
      await expectCrmError(() => batchesOf(crm.customers.scan({ batchSize: batchSize as number })), 'invalid_query');
    });

    it('a bad sort is rejected with invalid_query', async () => {
      const { crm } = harness();
      await expectCrmError(() => batchesOf(crm.customers.scan({ sort: [{ field: 'tags' as string }] })), 'invalid_query');
    });
  });
}
