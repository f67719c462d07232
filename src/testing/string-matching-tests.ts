import type { Crm } from '../crm.js';
import type { Filter } from '../storage/filter.js';
import type { SortInput } from '../storage/resolve-sort.js';
import type { ConformanceHarness } from './conformance-harness.js';
import type { conformanceCustomFields } from './conformance-fixtures.js';
import { describe, expect, it } from './conformance-runner.js';

/**
 * Notes that tell the right string semantics from the plausible wrong ones:
 * values that differ only by case, by a trailing space or tab, by where a
 * substring sits; the empty string; an absent value (label j). In id order a..j.
 */
export const seedNotes = {
  a: 'abc',
  b: 'xabc',
  c: 'abcx',
  d: 'ABC',
  e: 'xABC',
  f: 'pad',
  g: 'pad ',
  h: 'pad\t',
  i: '',
  j: undefined,
} as const;

const note = (value: string): Filter => ({ field: 'custom.note', op: 'eq', value });

/** [title, filter on custom.note, labels expected in id order]. */
export const stringMatchingCases: readonly (readonly [string, Filter, string])[] = [
  ['startsWith is not contains', { field: 'custom.note', op: 'startsWith', value: 'abc' }, 'ac'],
  ['startsWith is case-sensitive', { field: 'custom.note', op: 'startsWith', value: 'ABC' }, 'd'],
  ['endsWith is not contains', { field: 'custom.note', op: 'endsWith', value: 'abc' }, 'ab'],
  ['endsWith is case-sensitive (upper)', { field: 'custom.note', op: 'endsWith', value: 'ABC' }, 'de'],
  ['endsWith is case-sensitive (lower, one letter)', { field: 'custom.note', op: 'endsWith', value: 'c' }, 'ab'],
  ['contains is case-sensitive (upper)', { field: 'custom.note', op: 'contains', value: 'ABC' }, 'de'],
  ['contains is case-sensitive (lower)', { field: 'custom.note', op: 'contains', value: 'bc' }, 'abc'],
  ['eq is case-sensitive', note('abc'), 'a'],
  ['eq does not ignore a trailing space', note('pad'), 'f'],
  ['eq on a value with a trailing space matches only it', note('pad '), 'g'],
  ['eq on a value with a trailing tab matches only it', note('pad\t'), 'h'],
  ['in does not ignore a trailing space', { field: 'custom.note', op: 'in', value: ['pad', 'abc'] }, 'af'],
  ['ne does not ignore a trailing space', { field: 'custom.note', op: 'ne', value: 'pad' }, 'abcdeghij'],
  ['gt orders a trailing tab and space after the bare value', { field: 'custom.note', op: 'gt', value: 'pad' }, 'begh'],
  ['lt orders a tab before a space', { field: 'custom.note', op: 'lt', value: 'pad ' }, 'acdfhi'],
  ['not endsWith keeps the empty string and absent values', { not: { field: 'custom.note', op: 'endsWith', value: 'abc' } }, 'cdefghij'],
  ['not endsWith the empty string matches only absent values', { not: { field: 'custom.note', op: 'endsWith', value: '' } }, 'j'],
  ['not startsWith the empty string matches only absent values', { not: { field: 'custom.note', op: 'startsWith', value: '' } }, 'j'],
  ['not contains the empty string matches only absent values', { not: { field: 'custom.note', op: 'contains', value: '' } }, 'j'],
  ['endsWith the empty string matches every present value, the empty string too', { field: 'custom.note', op: 'endsWith', value: '' }, 'abcdefghi'],
  ['not contains keeps the empty string, absent values and other cases', { not: { field: 'custom.note', op: 'contains', value: 'a' } }, 'deij'],
  ['not startsWith keeps the empty string and absent values', { not: { field: 'custom.note', op: 'startsWith', value: 'x' } }, 'acdfghij'],
  ['exists counts the empty string as present', { field: 'custom.note', op: 'exists', value: true }, 'abcdefghi'],
];

/** [title, sort, labels expected]. */
export const stringSortCases: readonly (readonly [string, SortInput, string])[] = [
  ['ascending by code point: absent, empty, upper case, lower case, tab before space', [{ field: 'custom.note', direction: 'asc' }], 'jidacfhgeb'],
  ['descending', [{ field: 'custom.note', direction: 'desc' }], 'beghfcadij'],
];

async function seed(crm: Crm<typeof conformanceCustomFields>): Promise<(records: readonly { id: string }[]) => string> {
  const entries = Object.entries(seedNotes);
  const created = await crm.customers.createMany(entries.map(([label, value]) => ({ name: `note ${label}`, custom: value === undefined ? {} : { note: value } })));
  const labelById = new Map(created.map((record, i) => [record.id, entries[i]![0]]));
  return (records) => records.map((r) => labelById.get(r.id) ?? '?').join('');
}

/** String matching that case, padding and the empty string cannot fool. @internal */
export function defineStringMatchingTests(harness: () => ConformanceHarness): void {
  describe('string matching', () => {
    it.each(stringMatchingCases)('%s', async (_title, where, expected) => {
      const { crm } = harness();
      const labelsOf = await seed(crm);
      expect(labelsOf((await crm.customers.find({ where })).items)).toBe(expected);
      expect(await crm.customers.count(where)).toBe(expected.length);
    });

    it.each(stringSortCases)('sorts %s', async (_title, sort, expected) => {
      const { crm } = harness();
      const labelsOf = await seed(crm);
      expect(labelsOf((await crm.customers.find({ sort })).items)).toBe(expected);
      const { items } = await crm.customers.find({ sort, limit: 3 });
      expect(labelsOf(items)).toBe(expected.slice(0, 3));
    });

    it('values read back exactly, trailing spaces and tabs kept', async () => {
      const { crm } = harness();
      await seed(crm);
      const { items } = await crm.customers.find({ sort: [{ field: 'name' }] });
      expect(items.map((r) => r.custom.note)).toEqual(Object.values(seedNotes));
    });
  });
}
