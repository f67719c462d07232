import { afterAll, describe, expect, it } from 'vitest';
import { compareRecords, isCrmError, type SortKey, type StoredRecord } from '../../src/storage/index.js';
import { indexedStringCapacity } from '../../adapters/sql/table-layout.js';
import { dialectTargets } from './dialect-targets.js';
import { customersSchema, storedCustomer } from './stored-schema.js';

// PostgreSQL's btree keeps about 2,700 bytes per index entry (after compression), MariaDB's
// columns and index prefixes are bounded. Indexed columns hold up to indexedStringCapacity bytes on
// every dialect (the core's schemas stay within: ids 128 characters, names 300), a longer value is
// refused alike everywhere with nothing written, and strings no index names have no limit.
const schema = customersSchema({
  firstName: { type: 'string', optional: true },
  organizationId: { type: 'string', optional: true },
  ownerId: { type: 'string', optional: true },
  lifecycleStage: { type: 'string', optional: true },
  'custom.note': { type: 'string', optional: true },
}, 'customers', {
  // Strings an index names, or that are references, get bounded columns; the others have none.
  indexes: [{ name: 'by_name', fields: ['name'] }, { name: 'by_first', fields: ['firstName'] }, { name: 'by_stage', fields: ['lifecycleStage'] }],
  references: [{ field: 'organizationId', collection: 'customers' }, { field: 'ownerId', collection: 'customers' }],
});

let seed = 12345;
const nextRandom = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
/** `units` UTF-16 units a compressor cannot shrink: random CJK characters (3 bytes each) or random ASCII. */
const randomText = (units: number, wide: boolean) =>
  Array.from({ length: units }, () => String.fromCharCode(wide ? 0x4e00 + Math.floor(nextRandom() * 20_000) : 33 + Math.floor(nextRandom() * 94))).join('');

const longs: [string, string][] = [
  ['10,000 ASCII characters', 'a'.repeat(9_999) + 'z'],
  ['3,000 multi-byte characters', '😀' + '€'.repeat(2_999)],
  ['10,000 characters that do not compress', randomText(10_000, false)],
  ['3,000 multi-byte characters that do not compress', randomText(3_000, true)],
];

describe('long strings on every dialect', () => {
  const targets = dialectTargets();
  afterAll(async () => {
    for (const target of targets) await target.end();
  });
  for (const target of targets) {
    it(`${target.name}: custom strings of 10,000 characters are stored, found and sorted`, async () => {
      const adapter = await target.create();
      try {
        await adapter.open(schema);
        const records = longs.map(([, long], i) => storedCustomer(`r${i}`, { custom: { note: long } }));
        expect(await adapter.insertMany('customers', records)).toEqual(records.map(() => ({ ok: true })));
        for (const record of records) {
          const long = (record.custom as { note: string }).note;
          const found = await adapter.find('customers', { filter: { field: 'custom.note', op: 'eq', value: long }, sort: [{ field: 'id', direction: 'asc' }] });
          expect(found).toEqual([record]);
          expect(await adapter.count('customers', { field: 'custom.note', op: 'startsWith', value: long.slice(0, -1) })).toBe(1);
          expect(await adapter.count('customers', { field: 'custom.note', op: 'eq', value: long.slice(0, -1) })).toBe(0);
        }
        for (const direction of ['asc', 'desc'] as const) {
          const sort: SortKey[] = [{ field: 'custom.note', direction }, { field: 'id', direction }];
          const sorted = await adapter.find('customers', { sort });
          expect(sorted.map((r) => r.id)).toEqual([...records].sort(compareRecords(sort)).map((r) => r.id));
        }
      } finally {
        await adapter.close();
        await target.destroy(adapter);
      }
    });

    it(`${target.name}: indexed columns hold values of their full capacity, even incompressible ones`, async () => {
      const adapter = await target.create();
      try {
        await adapter.open(schema);
        const id = randomText(indexedStringCapacity.id / 3, true).slice(0, -1) + 'ab'; // 509 + 2 bytes
        const key = randomText(indexedStringCapacity.key / 3, true); // 1,536 bytes
        const ref = randomText(indexedStringCapacity.ref / 3, true).slice(0, -1) + 'ab';
        const record: StoredRecord = { ...storedCustomer(id, { firstName: key, lifecycleStage: key, organizationId: ref, ownerId: ref }), name: key };
        expect(await adapter.insertMany('customers', [record])).toEqual([{ ok: true }]);
        expect(await adapter.getMany('customers', [id])).toEqual([record]);
        for (const [field, value] of [['id', id], ['name', key], ['firstName', key], ['lifecycleStage', key], ['organizationId', ref], ['ownerId', ref]] as const) {
          expect(await adapter.count('customers', { field, op: 'eq', value }), field).toBe(1);
          expect(await adapter.count('customers', { field, op: 'startsWith', value: value.slice(0, -1) }), field).toBe(1);
        }
      } finally {
        await adapter.close();
        await target.destroy(adapter);
      }
    });

    it.each(longs)(`${target.name}: %s in an indexed column is refused with AdapterError, nothing written`, async (_title, long) => {
      const adapter = await target.create();
      try {
        await adapter.open(schema);
        const stored = storedCustomer('kept', { firstName: 'x' });
        await adapter.insertMany('customers', [stored]);
        const attempts: StoredRecord[] = [
          storedCustomer(long, {}),
          { ...storedCustomer('n', {}), name: long },
          storedCustomer('o', { organizationId: long }),
          storedCustomer('l', { lifecycleStage: long }),
        ];
        for (const attempt of attempts) {
          const error = await adapter.insertMany('customers', [storedCustomer('first', {}), attempt]).then(() => undefined, (e: unknown) => e);
          expect(isCrmError(error, 'adapter'), String(error)).toBe(true);
          const update = await adapter
            .updateMany('customers', [{ record: { ...attempt, id: 'kept', version: 2 }, expectedVersion: 1 }])
            .then(() => undefined, (e: unknown) => e);
          expect(isCrmError(update, 'adapter'), String(update)).toBe(true);
        }
        expect(await adapter.find('customers', { sort: [{ field: 'id', direction: 'asc' }] })).toEqual([stored]);
      } finally {
        await adapter.close();
        await target.destroy(adapter);
      }
    });
  }
});
