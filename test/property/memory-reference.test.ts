/**
 * The memory adapter (through `crm.customers.find`, every page via cursors)
 * against a plain reference written here from the documented semantics
 * (docs/semantics.md), without the core's compileFilter / compareRecords:
 * random customers, random nested filters with every operator, random sorts
 * and page sizes. A second property inserts records between pages.
 */
import { fc, test } from '@fast-check/vitest';
import { createCrm, type Filter, type SortInput } from 'crmkit';
import { memoryAdapter } from 'crmkit/memory';
import { collectPages, conformanceCustomFields, testClock, type ConformanceCustomer } from 'crmkit/testing';
import { expect } from 'vitest';
import { customerInputArbitrary, customersArbitrary, filterArbitrary, propertyClockStart, sortArbitrary, type GeneratedCustomer } from './arbitraries.js';

// ---- the reference semantics, written out plainly ----

/** Reads a dotted path through own properties; missing and null are both "absent" (undefined). */
function read(record: object, path: string): unknown {
  let current: unknown = record;
  for (const step of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.prototype.hasOwnProperty.call(current, step)) return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current === null ? undefined : current;
}

/** Strings by Unicode code point, case-sensitive; numbers and dates numerically; false before true. */
function compareScalars(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') {
    const x = Array.from(a, (ch) => ch.codePointAt(0)!);
    const y = Array.from(b, (ch) => ch.codePointAt(0)!);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
    return Math.sign(x.length - y.length);
  }
  const x = a instanceof Date ? a.getTime() : Number(a);
  const y = b instanceof Date ? b.getTime() : Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function same(a: unknown, b: unknown): boolean {
  return a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;
}

/** A relative date resolved the plain way: `ago` is now minus the duration. */
function resolve(value: unknown, now: Date): unknown {
  if (typeof value !== 'object' || value === null || value instanceof Date || !('relative' in value)) return value;
  const { duration } = value as unknown as { duration: { seconds?: number; days?: number } };
  return new Date(now.getTime() - (duration.seconds ?? 0) * 1000 - (duration.days ?? 0) * 86_400_000);
}

function matches(record: object, filter: Filter, now: Date): boolean {
  if ('and' in filter) return filter.and.every((f) => matches(record, f, now));
  if ('or' in filter) return filter.or.some((f) => matches(record, f, now));
  if ('not' in filter) return !matches(record, filter.not, now);
  if ('related' in filter) throw new Error('the reference model has no related filters');
  const actual = read(record, filter.field);
  const present = actual !== undefined;
  const raw = filter.value;
  const value = Array.isArray(raw) ? raw.map((v) => resolve(v, now)) : resolve(raw, now);
  const isIn = () => present && (Array.isArray(actual) ? actual.some((a) => (value as unknown[]).some((v) => same(a, v))) : (value as unknown[]).some((v) => same(actual, v)));
  switch (filter.op) {
    case 'eq':
      return present && same(actual, value);
    case 'ne':
      return !(present && same(actual, value));
    case 'lt':
      return present && compareScalars(actual, value) < 0;
    case 'lte':
      return present && compareScalars(actual, value) <= 0;
    case 'gt':
      return present && compareScalars(actual, value) > 0;
    case 'gte':
      return present && compareScalars(actual, value) >= 0;
    case 'in':
      return isIn();
    case 'nin':
      return !isIn();
    case 'contains':
      return typeof actual === 'string' ? actual.includes(value as string) : Array.isArray(actual) && actual.includes(value);
    case 'startsWith':
      if (Array.isArray(actual)) return actual.some((element) => String(element).startsWith(value as string));
      return typeof actual === 'string' && actual.startsWith(value as string);
    case 'endsWith':
      return typeof actual === 'string' && actual.endsWith(value as string);
    case 'exists':
      return present === value;
  }
}

/** The user's keys up to and including an `id` key, then `id` in the last key's direction (asc when none). */
function completeSort(sort: SortInput): { field: string; direction: 'asc' | 'desc' }[] {
  const keys: { field: string; direction: 'asc' | 'desc' }[] = [];
  for (const key of sort) {
    keys.push({ field: key.field, direction: key.direction ?? 'asc' });
    if (key.field === 'id') return keys;
  }
  return [...keys, { field: 'id', direction: keys.at(-1)?.direction ?? 'asc' }];
}

/** Absent first ascending, last descending; then by value. */
function comparator(sort: SortInput): (a: object, b: object) => number {
  const keys = completeSort(sort);
  return (a, b) => {
    for (const { field, direction } of keys) {
      const x = read(a, field);
      const y = read(b, field);
      const c = x === undefined ? (y === undefined ? 0 : -1) : y === undefined ? 1 : compareScalars(x, y);
      if (c !== 0) return direction === 'asc' ? c : -c;
    }
    return 0;
  };
}

// ---- the properties ----

async function crmWith(customers: readonly GeneratedCustomer[]) {
  const clock = testClock(propertyClockStart);
  const crm = await createCrm({ adapter: memoryAdapter(), clock, customFields: conformanceCustomFields });
  const stored: ConformanceCustomer[] = [];
  for (const { input, advanceMs } of customers) {
    clock.advance(advanceMs);
    stored.push(await crm.customers.create(input));
  }
  return { crm, clock, stored };
}

test.prop([customersArbitrary(), filterArbitrary(), sortArbitrary(), fc.integer({ min: 1, max: 12 })], { numRuns: 250 })(
  'find, paged through every cursor, equals the reference filter and order',
  async (customers, filter, sort, limit) => {
    const { crm, clock, stored } = await crmWith(customers);
    const now = clock.now();
    const expected = stored.filter((r) => matches(r, filter, now)).sort(comparator(sort));
    const { items, pages } = await collectPages(crm.customers, { where: filter, sort, limit });
    expect(items.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    expect(items).toEqual(expected);
    pages.slice(0, -1).forEach((page) => expect(page.items).toHaveLength(limit));
    expect(pages.at(-1)!.nextCursor).toBeUndefined();
    expect(await crm.customers.count(filter)).toBe(expected.length);
  },
);

test.prop([customersArbitrary(15), filterArbitrary(undefined, { relativeDates: false }), sortArbitrary(), fc.integer({ min: 1, max: 5 }), fc.array(customerInputArbitrary, { minLength: 1, maxLength: 8 })], {
  numRuns: 150,
})('records inserted between pages: the others once each, the new ones exactly when they sort after the cursor', async (customers, filter, sort, limit, extra) => {
  const { crm, clock, stored } = await crmWith(customers);
  const now = clock.now();
  const compare = comparator(sort);
  const pending = [...extra];
  const inserted: { record: ConformanceCustomer; after: ConformanceCustomer }[] = [];
  const { items } = await collectPages(crm.customers, { where: filter, sort, limit }, async (page) => {
    const input = pending.shift();
    if (input !== undefined) inserted.push({ record: await crm.customers.create(input), after: page.items.at(-1)! });
  });
  const ids = items.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  const insertedIds = new Set(inserted.map((i) => i.record.id));
  const original = stored.filter((r) => matches(r, filter, now)).sort(compare);
  expect(ids.filter((id) => !insertedIds.has(id))).toEqual(original.map((r) => r.id));
  for (const { record, after } of inserted) {
    const shouldSee = matches(record, filter, now) && compare(record, after) > 0;
    expect(ids.includes(record.id), `${record.name} inserted after ${after.name}`).toBe(shouldSee);
  }
  const final = [...stored, ...inserted.map((i) => i.record)].filter((r) => matches(r, filter, now)).sort(compare).map((r) => r.id);
  expect(final.filter((id) => ids.includes(id))).toEqual(ids);
});

test.prop([customersArbitrary(20), sortArbitrary(), fc.integer({ min: 1, max: 7 })], { numRuns: 100 })(
  'scan yields the reference order in batches no larger than asked',
  async (customers, sort, batchSize) => {
    const { crm, stored } = await crmWith(customers);
    const expected = [...stored].sort(comparator(sort)).map((r) => r.id);
    const seen: string[] = [];
    for await (const batch of crm.customers.scan({ sort, batchSize })) {
      expect(batch.length).toBeGreaterThan(0);
      expect(batch.length).toBeLessThanOrEqual(batchSize);
      seen.push(...batch.map((r) => r.id));
    }
    expect(seen).toEqual(expected);
  },
);
