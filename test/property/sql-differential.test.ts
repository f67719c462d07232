import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { memoryAdapter } from '../../adapters/memory/index.js';
import { openDialectSubjects } from '../sql/dialect-targets.js';
import {
  differentialCollection as collection,
  differentialPages as pages,
  differentialQuery as query,
  differentialRecords as records,
  differentialSchema as schema,
} from './differential-arbitraries.js';

/**
 * Differential test: the same random records, filters, sorts and page sizes go
 * to the memory adapter (the reference) and to crmkit/sql on SQLite, PGlite,
 * and the PostgreSQL and MariaDB servers whose URLs are set; every answer must
 * be identical, page by page. The generators (`differential-arbitraries.ts`)
 * use the `customers` table, so real columns, `ext` JSON paths and the
 * `string[]` side table are all exercised.
 */

const subjects = openDialectSubjects(schema);

test.prop([records, fc.array(query, { minLength: 1, maxLength: 4 })], { numRuns: 60 })(
  'crmkit/sql answers exactly as the memory adapter on every dialect: finds, counts, pages',
  async (rows, queries) => {
    const reference = memoryAdapter();
    await reference.open(schema);
    const expectedInserts = await reference.insertMany(collection, rows);
    for (const [name, subject] of subjects) {
      expect(await subject.insertMany(collection, rows), name).toEqual(expectedInserts);
      try {
        for (const { filter: where, sort: order, limit } of queries) {
          const expected = (await reference.find(collection, { filter: where, sort: order })).map((r) => r.id);
          const context = `${name}: ${JSON.stringify({ where, order })}`;
          expect((await subject.find(collection, { filter: where, sort: order })).map((r) => r.id), context).toEqual(expected);
          expect(await subject.count(collection, where), context).toBe(expected.length);
          expect(await pages(subject, where, order, limit), context).toEqual(await pages(reference, where, order, limit));
        }
      } finally {
        await subject.deleteMany(collection, rows.map((r) => ({ id: r.id })));
      }
    }
  },
);
