import { describe, expect, it } from './conformance-runner.js';
import type { Filter } from '../storage/filter.js';
import type { ConformanceHarness } from './conformance-harness.js';
import { seedCustomers } from './conformance-fixtures.js';

const d = (iso: string) => new Date(iso);

/** [filter, labels expected in id order]. */
export const operatorCases: readonly (readonly [string, Filter, string])[] = [
  ['eq on a string', { field: 'name', op: 'eq', value: 'Ada Lovelace' }, 'A'],
  ['eq is case-sensitive', { field: 'name', op: 'eq', value: 'ada lovelace' }, ''],
  ['eq on an enum', { field: 'lifecycleStage', op: 'eq', value: 'customer' }, 'AG'],
  ['eq on a custom enum', { field: 'custom.tier', op: 'eq', value: 'gold' }, 'AM'],
  ['eq on zero', { field: 'custom.score', op: 'eq', value: 0 }, 'E'],
  ['eq on a fraction', { field: 'custom.score', op: 'eq', value: 75.5 }, 'T'],
  ['eq on false', { field: 'custom.vip', op: 'eq', value: false }, 'T'],
  ['eq on a date', { field: 'custom.since', op: 'eq', value: d('2020-01-01T00:00:00.000Z') }, 'A'],
  ['eq on an optional string', { field: 'ownerId', op: 'eq', value: 'u1' }, 'AE'],
  ['eq on a string with quotes and semicolons', { field: 'name', op: 'eq', value: `Zed "Quote" O'Brien; --` }, 'Z'],
  ['eq on a character above U+FFFF', { field: 'name', op: 'eq', value: '😀 Emoji Co' }, 'M'],
  ['ne matches absent values', { field: 'ownerId', op: 'ne', value: 'u1' }, 'TGMZFB'],
  ['ne on a custom enum', { field: 'custom.tier', op: 'ne', value: 'gold' }, 'TGEZFB'],
  ['ne on a boolean', { field: 'custom.vip', op: 'ne', value: true }, 'TGEMZFB'],
  ['lt on numbers', { field: 'custom.score', op: 'lt', value: 0 }, 'G'],
  ['lte on numbers', { field: 'custom.score', op: 'lte', value: 0 }, 'GE'],
  ['gt on numbers', { field: 'custom.score', op: 'gt', value: 75.5 }, 'AM'],
  ['gte on numbers', { field: 'custom.score', op: 'gte', value: 75.5 }, 'ATM'],
  ['lt on dates', { field: 'custom.since', op: 'lt', value: d('2020-01-01T00:00:00.000Z') }, 'G'],
  ['lte on dates', { field: 'custom.since', op: 'lte', value: d('2020-01-01T00:00:00.000Z') }, 'AG'],
  ['gt on dates keeps milliseconds', { field: 'custom.since', op: 'gt', value: d('2019-12-31T23:59:59.999Z') }, 'AT'],
  ['gt on strings orders by code point', { field: 'name', op: 'gt', value: 'Z' }, 'TEMZF'],
  ['lt on strings is case-sensitive', { field: 'name', op: 'lt', value: 'B' }, 'A'],
  ['gte orders characters above U+FFFF last', { field: 'name', op: 'gte', value: 'Ｚ' }, 'MF'],
  ['lt includes the empty string', { field: 'custom.note', op: 'lt', value: 'a' }, 'MZ'],
  ['in on an enum', { field: 'lifecycleStage', op: 'in', value: ['lead', 'churned'] }, 'TZB'],
  ['in with an empty list matches nothing', { field: 'lifecycleStage', op: 'in', value: [] }, ''],
  ['nin on an enum', { field: 'lifecycleStage', op: 'nin', value: ['lead', 'churned'] }, 'AGEMF'],
  ['nin matches absent values', { field: 'ownerId', op: 'nin', value: ['u1'] }, 'TGMZFB'],
  ['nin with an empty list matches everything', { field: 'ownerId', op: 'nin', value: [] }, 'ATGEMZFB'],
  ['in on numbers', { field: 'custom.score', op: 'in', value: [0, 90] }, 'AE'],
  ['in on dates', { field: 'custom.since', op: 'in', value: [d('2021-06-01T00:00:00.000Z')] }, 'T'],
  ['in on a string array matches any element', { field: 'tags', op: 'in', value: ['vip', '😀'] }, 'AEM'],
  ['in on a string array matches a later element too', { field: 'tags', op: 'in', value: ['math', '%_'] }, 'ATZ'],
  ['in on a string array matches a middle element', { field: 'tags', op: 'in', value: ['a;b'] }, 'Z'],
  ['nin on a string array matches no element', { field: 'tags', op: 'nin', value: ['vip'] }, 'TGMZFB'],
  ['contains on a string is a substring', { field: 'name', op: 'contains', value: 'an' }, 'T'],
  ['contains is case-sensitive', { field: 'name', op: 'contains', value: 'a' }, 'ATGEF'],
  ['contains treats % literally', { field: 'custom.note', op: 'contains', value: '%_' }, 'Z'],
  ['contains treats _ literally', { field: 'custom.note', op: 'contains', value: '_' }, 'Z'],
  ['contains treats a backslash literally', { field: 'custom.note', op: 'contains', value: '\\' }, 'Z'],
  ['contains finds nothing for an absent substring', { field: 'name', op: 'contains', value: '%' }, ''],
  ['contains on a string array is membership', { field: 'tags', op: 'contains', value: 'vip' }, 'AE'],
  ['contains on a string array is case-sensitive', { field: 'tags', op: 'contains', value: 'VIP' }, ''],
  ['contains on a string array with a quote', { field: 'tags', op: 'contains', value: "it's" }, 'Z'],
  ['contains on a string array with % does not match everything', { field: 'tags', op: 'contains', value: '%' }, ''],
  ['contains on normalized emails', { field: 'emails', op: 'contains', value: 'ada@example.com' }, 'A'],
  ['startsWith', { field: 'name', op: 'startsWith', value: 'A' }, 'A'],
  ['startsWith on a string array matches an element prefix', { field: 'tags', op: 'startsWith', value: 'ma' }, 'AT'],
  ['startsWith on a string array matches any element', { field: 'tags', op: 'startsWith', value: 'v' }, 'AE'],
  ['startsWith on a string array is case-sensitive', { field: 'tags', op: 'startsWith', value: 'VI' }, ''],
  ['startsWith on a string array treats % literally', { field: 'tags', op: 'startsWith', value: '%' }, 'Z'],
  ['startsWith on a string array above U+FFFF', { field: 'tags', op: 'startsWith', value: '😀' }, 'M'],
  ['startsWith "" on a string array matches each non-empty list once', { field: 'tags', op: 'startsWith', value: '' }, 'ATEMZ'],
  ['not startsWith on a string array includes empty lists', { not: { field: 'tags', op: 'startsWith', value: 'v' } }, 'TGMZFB'],
  ['startsWith the empty string matches every present value', { field: 'name', op: 'startsWith', value: '' }, 'ATGEMZFB'],
  ['startsWith treats % literally', { field: 'custom.note', op: 'startsWith', value: '50%' }, 'Z'],
  ['startsWith "" skips absent values', { field: 'custom.note', op: 'startsWith', value: '' }, 'AEMZ'],
  ['endsWith', { field: 'name', op: 'endsWith', value: '--' }, 'Z'],
  ['endsWith on a word', { field: 'name', op: 'endsWith', value: 'Co' }, 'M'],
  ['exists true', { field: 'ownerId', op: 'exists', value: true }, 'ATEZ'],
  ['exists false', { field: 'ownerId', op: 'exists', value: false }, 'GMFB'],
  ['exists counts the empty string as present', { field: 'custom.note', op: 'exists', value: true }, 'AEMZ'],
  ['exists false on a custom field', { field: 'custom.tier', op: 'exists', value: false }, 'EZFB'],
  ['exists on a rarely set field', { field: 'firstName', op: 'exists', value: true }, 'A'],
];

/** Every operator on every field type, with absent values, against the seed. @internal */
export function defineOperatorTests(harness: () => ConformanceHarness): void {
  describe('operators', () => {
    it.each(operatorCases)('%s', async (_title, filter, expected) => {
      const { crm } = harness();
      const { labelsOf } = await seedCustomers(crm);
      const { items } = await crm.customers.find({ where: filter });
      expect(labelsOf(items).join('')).toBe(expected);
      expect(await crm.customers.count(filter)).toBe(expected.length);
    });
  });
}
