// idb recognizes IndexedDB objects by the global classes; fake-indexeddb/auto installs them.
import 'fake-indexeddb/auto';
import { fc, test } from '@fast-check/vitest';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { expect } from 'vitest';
import { indexedDbAdapter } from '../../adapters/indexeddb/index.js';
import { memoryAdapter } from '../../adapters/memory/index.js';
import type { StorageSchema } from '../../src/storage/index.js';
import {
  differentialCollection as collection,
  differentialPages as pages,
  differentialQuery as query,
  differentialRecords as records,
  differentialSchema as schema,
} from './differential-arbitraries.js';

/**
 * Differential test: the same random records, filters, sorts and page sizes go
 * to the memory adapter (the reference) and to the IndexedDB adapter
 * (fake-indexeddb); every answer must be identical, page by page.
 */

/**
 * The same collection with every field declared required: the adapter then
 * indexes absent values under the absent key (dense slots, as layout format 1
 * did for every field) instead of leaving them out of optional fields' indexes.
 */
const denseSchema: StorageSchema = {
  collections: {
    [collection]: {
      ...schema.collections[collection]!,
      fields: Object.fromEntries(Object.entries(schema.collections[collection]!.fields).map(([path, field]) => [path, { ...field, optional: false }])),
    },
  },
};

let counter = 0;

test.prop([records, fc.array(query, { minLength: 1, maxLength: 6 })], { numRuns: 200 })(
  'the IndexedDB adapter answers exactly as the memory adapter: finds, counts, pages, scans',
  async (rows, queries) => {
    const reference = memoryAdapter();
    await reference.open(schema);
    const inserted = await reference.insertMany(collection, rows);
    // Optional fields' indexes sparse (absent values left out), and every index dense.
    for (const layoutSchema of [schema, denseSchema]) {
      const subject = indexedDbAdapter({ name: `differential-${process.pid}-${counter++}`, indexedDB, IDBKeyRange });
      await subject.open(layoutSchema);
      try {
        expect(await subject.insertMany(collection, rows)).toEqual(inserted);
        for (const { filter: where, sort: order, limit } of queries) {
          const expected = (await reference.find(collection, { filter: where, sort: order })).map((r) => r.id);
          const actual = await subject.find(collection, { filter: where, sort: order });
          expect(actual.map((r) => r.id)).toEqual(expected);
          expect(await subject.count(collection, where)).toBe(expected.length);
          const limited = await subject.find(collection, { filter: where, sort: order, limit });
          expect(limited.map((r) => r.id)).toEqual(expected.slice(0, limit));
          expect(await pages(subject, where, order, limit)).toEqual(await pages(reference, where, order, limit));
          const scanned: string[] = [];
          for await (const batch of subject.scan!(collection, { filter: where, sort: order }, limit)) scanned.push(...batch.map((r) => r.id));
          expect(scanned).toEqual(expected);
        }
        const byId = await subject.getMany(collection, rows.map((r) => r.id));
        expect(byId).toEqual(rows);
      } finally {
        await subject.deleteDatabase();
      }
    }
  },
  120_000,
);
