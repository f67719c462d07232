// idb recognizes IndexedDB objects by the global classes; fake-indexeddb/auto installs them.
import 'fake-indexeddb/auto';
import { fc, test } from '@fast-check/vitest';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { expect } from 'vitest';
import { indexedDbAdapter } from '../../adapters/indexeddb/index.js';
import { memoryAdapter } from '../../adapters/memory/index.js';
import {
  keysetFilter,
  readPath,
  type CrmAdapter,
  type ScalarValue,
  type SortKey,
  type StorageFilter,
  type StorageSchema,
  type StoredRecord,
} from '../../src/storage/index.js';

/**
 * Differential test: the same random records, filters, sorts and page sizes go
 * to the memory adapter (the reference) and to the IndexedDB adapter
 * (fake-indexeddb); every answer must be identical, page by page.
 */

const schema: StorageSchema = {
  collections: {
    people: {
      name: 'people',
      fields: {
        id: { type: 'string', optional: false },
        createdAt: { type: 'date', optional: false },
        updatedAt: { type: 'date', optional: false },
        version: { type: 'number', optional: false },
        name: { type: 'string', optional: false },
        stage: { type: 'string', optional: true },
        owner: { type: 'string', optional: true },
        emails: { type: 'string[]', optional: false },
        tags: { type: 'string[]', optional: false },
        'custom.score': { type: 'number', optional: true },
        'custom.vip': { type: 'boolean', optional: true },
        'custom.since': { type: 'date', optional: true },
      },
      indexes: [
        { name: 'people_stage_name', fields: ['stage', 'name'] },
        { name: 'people_owner', fields: ['owner'] },
        { name: 'people_emails', fields: ['emails'] },
        { name: 'people_score', fields: ['custom.score'] },
        { name: 'people_vip', fields: ['custom.vip'] },
        { name: 'people_since', fields: ['custom.since'] },
        { name: 'people_name', fields: ['name'] },
      ],
    },
  },
};

/**
 * The same collection with every field declared required: the adapter then
 * indexes absent values under the absent key (dense slots, as layout format 1
 * did for every field) instead of leaving them out of optional fields' indexes.
 */
const denseSchema: StorageSchema = {
  collections: {
    people: {
      ...schema.collections.people!,
      fields: Object.fromEntries(Object.entries(schema.collections.people!.fields).map(([path, field]) => [path, { ...field, optional: false }])),
    },
  },
};

type FieldKind = 'string' | 'number' | 'boolean' | 'date' | 'string[]';
const fields: Record<string, FieldKind> = {
  id: 'string',
  name: 'string',
  stage: 'string',
  owner: 'string',
  emails: 'string[]',
  tags: 'string[]',
  'custom.score': 'number',
  'custom.vip': 'boolean',
  'custom.since': 'date',
  createdAt: 'date',
  version: 'number',
};
const sortable = Object.keys(fields).filter((field) => fields[field] !== 'string[]');

// Characters chosen to disagree between code-unit and code-point order, plus ties, case, NUL and the empty string.
const pieces = ['', 'a', 'b', 'B', 'ab', 'é', '\u0000', '\uFFFD', '\uE000', '😀', '𝄞', 'Ｚ', 'a😀', 'a\uFFFD'];
const text = fc.array(fc.constantFrom(...pieces), { maxLength: 3 }).map((parts) => parts.join(''));
const stages = ['lead', 'customer', 'churned', '😀', ''];
const instant = fc.integer({ min: 0, max: 5 }).map((n) => new Date(Date.UTC(2024, 0, 1 + n)));

const value: Record<FieldKind, fc.Arbitrary<ScalarValue>> = {
  string: text,
  number: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(0.5, -0.5, 1e9)),
  boolean: fc.boolean(),
  date: instant,
  'string[]': text,
};

const record = fc.record(
  {
    name: text,
    stage: fc.option(fc.constantFrom(...stages), { nil: undefined }),
    owner: fc.option(fc.constantFrom('u1', 'u2', 'U1', '😀'), { nil: undefined }),
    emails: fc.uniqueArray(fc.constantFrom('a@x', 'b@x', '😀@x', 'c@x'), { maxLength: 3 }),
    tags: fc.array(text, { maxLength: 3 }),
    custom: fc.record(
      {
        score: fc.option(value.number, { nil: undefined }),
        vip: fc.option(fc.boolean(), { nil: null }),
        since: fc.option(instant, { nil: undefined }),
      },
      { requiredKeys: [] },
    ),
    version: fc.integer({ min: 1, max: 3 }),
    createdAt: instant,
  },
  { requiredKeys: ['name', 'emails', 'tags', 'custom', 'version', 'createdAt'] },
);

const records = fc
  .uniqueArray(fc.tuple(fc.oneof(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 1, maxLength: 4 }), text.filter((s) => s !== '')), record), {
    maxLength: 40,
    selector: ([id]) => id,
  })
  .map((rows) =>
    rows.map(([id, fieldsOf]): StoredRecord => {
      const out: Record<string, unknown> = { id, updatedAt: fieldsOf.createdAt };
      for (const [key, v] of Object.entries(fieldsOf)) if (v !== undefined) out[key] = v;
      return out as unknown as StoredRecord;
    }),
  );

const operatorsOf: Record<FieldKind, readonly string[]> = {
  string: ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'nin', 'contains', 'startsWith', 'endsWith', 'exists'],
  number: ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'nin', 'exists'],
  date: ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'nin', 'exists'],
  boolean: ['eq', 'ne', 'in', 'nin', 'exists'],
  'string[]': ['contains', 'in', 'nin', 'exists'],
};

const condition: fc.Arbitrary<StorageFilter> = fc
  .constantFrom(...Object.keys(fields))
  .chain((field) => {
    const kind = fields[field]!;
    return fc.constantFrom(...operatorsOf[kind]).chain((op) => {
      const one = field === 'stage' ? fc.oneof(fc.constantFrom(...stages), text) : field === 'emails' ? fc.constantFrom('a@x', '😀@x', 'z@x') : value[kind];
      const operand: fc.Arbitrary<unknown> =
        op === 'exists' ? fc.boolean() : op === 'in' || op === 'nin' ? fc.array(one, { maxLength: 3 }) : one;
      return operand.map((v) => ({ field, op, value: v }) as StorageFilter);
    });
  });

const filter: fc.Arbitrary<StorageFilter> = fc.letrec<{ node: StorageFilter }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    condition,
    fc.array(tie('node'), { maxLength: 3 }).map((and) => ({ and })),
    fc.array(tie('node'), { maxLength: 3 }).map((or) => ({ or })),
    tie('node').map((not) => ({ not })),
  ),
})).node;

const sort: fc.Arbitrary<SortKey[]> = fc
  .tuple(
    fc.uniqueArray(fc.constantFrom(...sortable.filter((f) => f !== 'id')), { maxLength: 2 }),
    fc.constantFrom<SortKey['direction']>('asc', 'desc'),
    fc.boolean(),
  )
  .map(([keys, direction, mixed]) => {
    const out: SortKey[] = keys.map((field, i) => ({ field, direction: mixed && i === 0 ? (direction === 'asc' ? 'desc' : 'asc') : direction }));
    out.push({ field: 'id', direction });
    return out;
  });

const query = fc.record({ filter: fc.option(filter, { nil: undefined }), sort, limit: fc.integer({ min: 1, max: 7 }) });

let counter = 0;

async function pages(adapter: CrmAdapter, filter: StorageFilter | undefined, order: SortKey[], limit: number): Promise<string[][]> {
  const out: string[][] = [];
  let after: StorageFilter | undefined;
  for (let i = 0; i < 100; i++) {
    const where = after === undefined ? filter : filter === undefined ? after : { and: [filter, after] };
    const page = await adapter.find('people', { filter: where, sort: order, limit });
    if (page.length > 0) out.push(page.map((r) => r.id));
    if (page.length < limit) return out;
    const last = page.at(-1)!;
    after = keysetFilter(order, order.map(({ field }) => readPath(last, field) as ScalarValue | undefined));
  }
  throw new Error('pagination did not end');
}

test.prop([records, fc.array(query, { minLength: 1, maxLength: 6 })], { numRuns: 200 })(
  'the IndexedDB adapter answers exactly as the memory adapter: finds, counts, pages, scans',
  async (rows, queries) => {
    const reference = memoryAdapter();
    await reference.open(schema);
    const inserted = await reference.insertMany('people', rows);
    // Optional fields' indexes sparse (absent values left out), and every index dense.
    for (const layoutSchema of [schema, denseSchema]) {
      const subject = indexedDbAdapter({ name: `differential-${process.pid}-${counter++}`, indexedDB, IDBKeyRange });
      await subject.open(layoutSchema);
      try {
        expect(await subject.insertMany('people', rows)).toEqual(inserted);
        for (const { filter: where, sort: order, limit } of queries) {
          const expected = (await reference.find('people', { filter: where, sort: order })).map((r) => r.id);
          const actual = await subject.find('people', { filter: where, sort: order });
          expect(actual.map((r) => r.id)).toEqual(expected);
          expect(await subject.count('people', where)).toBe(expected.length);
          const limited = await subject.find('people', { filter: where, sort: order, limit });
          expect(limited.map((r) => r.id)).toEqual(expected.slice(0, limit));
          expect(await pages(subject, where, order, limit)).toEqual(await pages(reference, where, order, limit));
          const scanned: string[] = [];
          for await (const batch of subject.scan!('people', { filter: where, sort: order }, limit)) scanned.push(...batch.map((r) => r.id));
          expect(scanned).toEqual(expected);
        }
        const byId = await subject.getMany('people', rows.map((r) => r.id));
        expect(byId).toEqual(rows);
      } finally {
        await subject.deleteDatabase();
      }
    }
  },
  120_000,
);
