import { fc } from '@fast-check/vitest';
import {
  keysetFilter,
  readPath,
  type CrmAdapter,
  type FieldType,
  type ScalarValue,
  type SortKey,
  type StorageFilter,
  type StorageSchema,
  type StoredRecord,
} from '../../src/storage/index.js';

/**
 * What the differential property tests share: one `customers` collection (so
 * the SQL adapter exercises real columns, `ext` JSON paths and its `string[]`
 * side table, and IndexedDB its indexes), random records and random storage
 * queries, and a pager. Each test hands the same data to the memory adapter
 * (the reference) and to the adapters under test and requires equal answers.
 */
export const differentialCollection = 'customers';

/** The collection's filterable fields and the indexes an adapter may use. */
export const differentialSchema: StorageSchema = {
  collections: {
    customers: {
      name: 'customers',
      fields: {
        id: { type: 'string', optional: false },
        createdAt: { type: 'date', optional: false },
        updatedAt: { type: 'date', optional: false },
        version: { type: 'number', optional: false },
        name: { type: 'string', optional: false },
        lifecycleStage: { type: 'string', optional: true },
        ownerId: { type: 'string', optional: true },
        emails: { type: 'string[]', optional: false },
        tags: { type: 'string[]', optional: false },
        'custom.score': { type: 'number', optional: true },
        'custom.ratio': { type: 'number', optional: true },
        'custom.vip': { type: 'boolean', optional: true },
        'custom.since': { type: 'date', optional: true },
        // Declared required, but stored records may lack it (written before the host's schema made it
        // required): adapters must not trust the catalogue for absent-value handling.
        'custom.label': { type: 'string', optional: false },
      },
      indexes: [
        { name: 'customers_stage_name', fields: ['lifecycleStage', 'name'] },
        { name: 'customers_owner', fields: ['ownerId'] },
        { name: 'customers_emails', fields: ['emails'] },
        { name: 'customers_score', fields: ['custom.score'] },
        { name: 'customers_vip', fields: ['custom.vip'] },
        { name: 'customers_since', fields: ['custom.since'] },
        { name: 'customers_ratio', fields: ['custom.ratio'] },
        { name: 'customers_label', fields: ['custom.label'] },
        { name: 'customers_name', fields: ['name'] },
      ],
    },
  },
};

const collection = differentialSchema.collections.customers!;
const fieldTypes = Object.fromEntries(
  Object.entries(collection.fields).filter(([path]) => path !== 'updatedAt').map(([path, { type }]) => [path, type]),
) as Record<string, FieldType>;
const sortable = Object.keys(fieldTypes).filter((field) => fieldTypes[field] !== 'string[]' && field !== 'id');

// Characters chosen to disagree between code-unit and code-point order, plus ties, case, NUL and the empty string.
const pieces = ['', 'a', 'b', 'B', 'ab', 'é', '\u0000', '\uFFFD', '\uE000', '😀', '𝄞', 'Ｚ', 'a😀', 'a\uFFFD'];
const text = fc.array(fc.constantFrom(...pieces), { maxLength: 3 }).map((parts) => parts.join(''));
const stages = ['lead', 'customer', 'churned', '😀', ''];
const emails = ['a@x', 'b@x', '😀@x', 'c@x'];
/**
 * A few days of 2024 (ties and neighbours), and the ends of the range crmkit stores (years 0001 and
 * 9999, UTC), and the instants either side of 1970, where flooring to a day or week bucket goes wrong first.
 */
const instant = fc.oneof(
  fc.integer({ min: 0, max: 5 }).map((n) => new Date(Date.UTC(2024, 0, 1 + n))),
  fc.constantFrom(
    '0001-01-01T00:00:00.000Z',
    '0001-01-07T23:59:59.999Z',
    '9999-12-31T23:59:59.999Z',
    '9999-12-27T00:00:00.000Z',
    '1969-12-31T23:59:59.999Z',
    '1970-01-01T00:00:00.000Z',
  ).map((iso) => new Date(iso)),
);
/** Integers whose sums leave the range doubles add exactly (2^53), so only an exact sum gets them right. */
export const integerValue = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(2 ** 53 - 1, -(2 ** 53 - 1), 1e9));
/** Doubles that differ in their last bits (`99.99999999999999` is not `100`), and fractions. */
export const fractionalValue = fc.constantFrom(99.99999999999999, 100, 0.5, -0.5, 0.1, 0.30000000000000004, 1e-300);

const valueOf: Record<FieldType, fc.Arbitrary<ScalarValue>> = {
  string: text,
  number: fc.oneof(integerValue, fractionalValue, fc.constant(-0)),
  boolean: fc.boolean(),
  date: instant,
  'string[]': text,
};

const record = fc.record(
  {
    name: text,
    lifecycleStage: fc.option(fc.constantFrom(...stages), { nil: undefined }),
    ownerId: fc.option(fc.constantFrom('u1', 'u2', 'U1', '😀'), { nil: undefined }),
    emails: fc.uniqueArray(fc.constantFrom(...emails), { maxLength: 3 }),
    tags: fc.array(text, { maxLength: 3 }),
    custom: fc.record(
      {
        score: fc.option(integerValue, { nil: undefined }),
        ratio: fc.option(fractionalValue, { nil: undefined }),
        vip: fc.option(fc.boolean(), { nil: null }),
        since: fc.option(instant, { nil: undefined }),
        label: fc.option(text, { nil: undefined }),
      },
      { requiredKeys: [] },
    ),
    version: fc.integer({ min: 1, max: 3 }),
    createdAt: instant,
  },
  { requiredKeys: ['name', 'emails', 'tags', 'custom', 'version', 'createdAt'] },
);

/** Up to 40 records with unique ids (hex or the awkward text pieces), absent and null values included. */
export const differentialRecords: fc.Arbitrary<StoredRecord[]> = fc
  .uniqueArray(
    fc.tuple(fc.oneof(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 1, maxLength: 4 }), text.filter((s) => s !== '')), record),
    { maxLength: 40, selector: ([id]) => id },
  )
  .map((rows) =>
    rows.map(([id, fieldsOf]): StoredRecord => {
      const out: Record<string, unknown> = { id, updatedAt: fieldsOf.createdAt };
      for (const [key, v] of Object.entries(fieldsOf)) if (v !== undefined) out[key] = v;
      return out as unknown as StoredRecord;
    }),
  );

const operatorsOf: Record<FieldType, readonly string[]> = {
  string: ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'nin', 'contains', 'startsWith', 'endsWith', 'exists'],
  number: ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'nin', 'exists'],
  date: ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'nin', 'exists'],
  boolean: ['eq', 'ne', 'in', 'nin', 'exists'],
  'string[]': ['contains', 'startsWith', 'in', 'nin', 'exists'],
};

const condition: fc.Arbitrary<StorageFilter> = fc.constantFrom(...Object.keys(fieldTypes)).chain((field) => {
  const type = fieldTypes[field]!;
  return fc.constantFrom(...operatorsOf[type]).chain((op) => {
    const one =
      field === 'lifecycleStage' ? fc.oneof(fc.constantFrom(...stages), text) : field === 'emails' ? fc.constantFrom('a@x', '😀@x', 'z@x') : valueOf[type];
    const operand: fc.Arbitrary<unknown> = op === 'exists' ? fc.boolean() : op === 'in' || op === 'nin' ? fc.array(one, { maxLength: 3 }) : one;
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

/** Up to two sort keys (sometimes in opposite directions), always ending with `id`. */
const sort: fc.Arbitrary<SortKey[]> = fc
  .tuple(fc.uniqueArray(fc.constantFrom(...sortable), { maxLength: 2 }), fc.constantFrom<SortKey['direction']>('asc', 'desc'), fc.boolean())
  .map(([keys, direction, mixed]) => {
    const out: SortKey[] = keys.map((field, i) => ({ field, direction: mixed && i === 0 ? (direction === 'asc' ? 'desc' : 'asc') : direction }));
    out.push({ field: 'id', direction });
    return out;
  });

/** A random filter over the collection's fields (nested and / or / not). */
export const differentialFilter = filter;

/** A random storage query: an optional nested filter, a total sort and a page size. */
export const differentialQuery = fc.record({ filter: fc.option(filter, { nil: undefined }), sort, limit: fc.integer({ min: 1, max: 7 }) });

/**
 * Every page of a query through the adapter, continuing with the core's keyset
 * filter after each page's last record, as `find` with a cursor does.
 */
export async function differentialPages(adapter: CrmAdapter, where: StorageFilter | undefined, order: SortKey[], limit: number): Promise<string[][]> {
  const out: string[][] = [];
  let after: StorageFilter | undefined;
  for (let i = 0; i < 100; i++) {
    const combined = after === undefined ? where : where === undefined ? after : { and: [where, after] };
    const page = await adapter.find(differentialCollection, { filter: combined, sort: order, limit });
    if (page.length > 0) out.push(page.map((r) => r.id));
    if (page.length < limit) return out;
    const last = page.at(-1)!;
    after = keysetFilter(order, order.map(({ field }) => readPath(last, field) as ScalarValue | undefined));
  }
  throw new Error('pagination did not end');
}
