// idb recognizes IndexedDB objects by the global classes; fake-indexeddb/auto installs them.
import 'fake-indexeddb/auto';
import { fc, test } from '@fast-check/vitest';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { expect } from 'vitest';
import { indexedDbAdapter } from '../../adapters/indexeddb/index.js';
import { memoryAdapter } from '../../adapters/memory/index.js';
import { relatedFilterFallback } from '../../src/services/related-filter-fallback.js';
import {
  havingOperators,
  type RelatedFunction,
  type ScalarValue,
  type StorageFilter,
  type StorageOperations,
  type StorageSchema,
  type StoredRecord,
} from '../../src/storage/index.js';
import { openDialectSubjects } from '../sql/dialect-targets.js';

/**
 * Differential test of related filters: random owners and events (an event's
 * `ownerId` names an owner, a missing one, or nothing), random related nodes
 * (count / sum / min / max with every comparison, zero-including ones too,
 * under `not`, `and`, `or`, two deep) go to the memory adapter (the
 * reference, measuring natively), to crmkit/sql on SQLite, PGlite and the
 * PostgreSQL and MariaDB servers whose URLs are set (one statement each), and
 * through the core's streaming fallback to IndexedDB (fake-indexeddb) and to
 * the memory adapter; every find and count must be identical.
 */

const stamp = { id: { type: 'string', optional: false }, createdAt: { type: 'date', optional: false }, updatedAt: { type: 'date', optional: false }, version: { type: 'number', optional: false } } as const;

const schema: StorageSchema = {
  collections: {
    owners: {
      name: 'owners',
      fields: { ...stamp, tier: { type: 'string', optional: true } },
      indexes: [],
    },
    events: {
      name: 'events',
      fields: {
        ...stamp,
        ownerId: { type: 'string', optional: true },
        kind: { type: 'string', optional: true },
        amount: { type: 'number', optional: true },
        at: { type: 'date', optional: true },
      },
      indexes: [{ name: 'events_owner', fields: ['ownerId', 'at'] }],
      references: [{ field: 'ownerId', collection: 'owners' }],
    },
  },
};

const created = new Date(Date.UTC(2024, 0, 1));
const ownerIds = ['o1', 'o2', 'o3', 'o4', 'o5', 'o6', 'o7', 'o8'];
const day = (n: number) => new Date(Date.UTC(2024, 0, 1 + n));
const amounts = fc.oneof(fc.integer({ min: -3, max: 5 }), fc.constantFrom(0.5, 100));

const owners: StoredRecord[] = ownerIds.map((id, i) => ({ id, createdAt: created, updatedAt: created, version: 1, ...(i % 3 === 0 ? {} : { tier: i % 2 === 0 ? 'gold' : 'basic' }) }) as StoredRecord);

const events = fc
  .array(
    fc.record(
      {
        ownerId: fc.constantFrom(...ownerIds.slice(0, 6), 'ghost'),
        kind: fc.constantFrom('purchase', 'refund'),
        amount: amounts,
        at: fc.integer({ min: 0, max: 6 }).map(day),
      },
      { requiredKeys: [] },
    ),
    { maxLength: 30 },
  )
  .map((rows) => rows.map((fields, i) => ({ id: `e${String(i).padStart(2, '0')}`, createdAt: created, updatedAt: created, version: 1, ...fields }) as unknown as StoredRecord));

const eventCondition: fc.Arbitrary<StorageFilter> = fc.oneof(
  fc.constantFrom('purchase', 'refund').map((value) => ({ field: 'kind', op: 'eq', value }) as StorageFilter),
  fc.integer({ min: 0, max: 6 }).map((n) => ({ field: 'at', op: 'gte', value: day(n) }) as StorageFilter),
  fc.integer({ min: -1, max: 4 }).map((value) => ({ not: { field: 'amount', op: 'gt', value } }) as StorageFilter),
  fc.boolean().map((value) => ({ field: 'amount', op: 'exists', value }) as StorageFilter),
);

const having = fc.constantFrom<RelatedFunction>('count', 'sum', 'min', 'max').chain((fn) =>
  fc.record({
    fn: fc.constant(fn),
    field: fn === 'count' ? fc.constant(undefined) : fn === 'sum' ? fc.constant('amount') : fc.constantFrom('amount', 'at'),
    op: fc.constantFrom(...havingOperators),
    n: fc.integer({ min: -1, max: 6 }),
  }),
).map(({ fn, field, op, n }) => {
  const value: ScalarValue = field === 'at' ? day(n) : n;
  return { fn, op, value, ...(field === undefined ? {} : { field }) };
});

const relatedNode: fc.Arbitrary<StorageFilter> = fc
  .record({ where: fc.option(eventCondition, { nil: undefined }), having })
  .map(({ where, having }) => ({ related: { collection: 'events', via: 'ownerId', ...(where === undefined ? {} : { where }), having } }) as StorageFilter);

const ownerFilter: fc.Arbitrary<StorageFilter> = fc.letrec<{ node: StorageFilter }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    relatedNode,
    relatedNode,
    fc.constantFrom('gold', 'basic').map((value) => ({ field: 'tier', op: 'eq', value }) as StorageFilter),
    tie('node').map((inner) => ({ not: inner }) as StorageFilter),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((and) => ({ and }) as StorageFilter),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((or) => ({ or }) as StorageFilter),
  ),
})).node;

const sqlSubjects = openDialectSubjects(schema);
let counter = 0;
const byId = [{ field: 'id', direction: 'asc' }] as const;

test.prop([events, fc.array(ownerFilter, { minLength: 1, maxLength: 5 })], { numRuns: 60 })(
  'every adapter, and the core fallback over memory and IndexedDB, select the same owners by related filters',
  async (rows, filters) => {
    const reference = memoryAdapter();
    await reference.open(schema);
    await reference.insertMany('owners', owners);
    await reference.insertMany('events', rows);
    const memoryBelow = memoryAdapter();
    await memoryBelow.open(schema);
    await memoryBelow.insertMany('owners', owners);
    await memoryBelow.insertMany('events', rows);
    const idb = indexedDbAdapter({ name: `related-differential-${process.pid}-${counter++}`, indexedDB, IDBKeyRange });
    await idb.open(schema);
    await idb.insertMany('owners', owners);
    await idb.insertMany('events', rows);
    // The memory adapter below the fallback, its related pushdown unused: the layer strips every related node.
    const subjects = new Map<string, StorageOperations>([
      ['fallback over memory', relatedFilterFallback({ keysetAfter: true, aggregate: false, batchSize: 3 })(withoutRelated(memoryBelow))],
      ['fallback over indexeddb', relatedFilterFallback({ keysetAfter: idb.capabilities.keysetAfter === true, aggregate: false, batchSize: 4 })(idb)],
    ]);
    for (const [name, sql] of sqlSubjects) {
      await sql.insertMany('owners', owners);
      await sql.insertMany('events', rows);
      subjects.set(name, sql);
    }
    try {
      for (const filter of filters) {
        const expected = (await reference.find('owners', { filter, sort: byId })).map((r) => r.id);
        for (const [name, subject] of subjects) {
          const context = `${name}: ${JSON.stringify(filter)}`;
          expect((await subject.find('owners', { filter, sort: byId })).map((r) => r.id), context).toEqual(expected);
          expect(await subject.count('owners', filter), context).toBe(expected.length);
          expect((await subject.find('owners', { filter, sort: byId, limit: 2 })).map((r) => r.id), context).toEqual(expected.slice(0, 2));
        }
      }
    } finally {
      for (const [name, sql] of sqlSubjects) {
        void name;
        await sql.deleteMany('events', rows.map((r) => ({ id: r.id })));
        await sql.deleteMany('owners', owners.map((r) => ({ id: r.id })));
      }
      await idb.deleteDatabase();
    }
  },
  180_000,
);

/** The storage with any related node refused, so a test knows the layer above answered them all. */
function withoutRelated(storage: StorageOperations): StorageOperations {
  const refuse = (filter: StorageFilter | undefined) => {
    if (filter !== undefined && JSON.stringify(filter).includes('"related"')) throw new Error('a related node reached the storage below the fallback');
  };
  return {
    ...storage,
    find: (collection, query) => (refuse(query.filter), storage.find(collection, query)),
    count: (collection, filter) => (refuse(filter), storage.count(collection, filter)),
    ...(storage.scan ? { scan: (collection, query, size) => (refuse(query.filter), storage.scan!(collection, query, size)) } : {}),
  };
}
