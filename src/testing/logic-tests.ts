import { describe, expect, it } from './conformance-runner.js';
import type { Filter } from '../storage/filter.js';
import type { ConformanceHarness } from './conformance-harness.js';
import { seedCustomers } from './conformance-fixtures.js';

const vip: Filter = { field: 'tags', op: 'contains', value: 'vip' };

function nest(filter: Filter, depth: number): Filter {
  return depth === 0 ? filter : { and: [nest(filter, depth - 1)] };
}

/** [title, filter, labels expected in id order]. */
export const logicCases: readonly (readonly [string, Filter, string])[] = [
  ['an empty and matches everything', { and: [] }, 'ATGEMZFB'],
  ['an empty or matches nothing', { or: [] }, ''],
  ['not of an empty or matches everything', { not: { or: [] } }, 'ATGEMZFB'],
  ['and of two conditions', { and: [vip, { field: 'lifecycleStage', op: 'eq', value: 'customer' }] }, 'A'],
  ['or of two conditions', { or: [{ field: 'ownerId', op: 'eq', value: 'u3' }, { field: 'custom.tier', op: 'eq', value: 'silver' }] }, 'TZ'],
  ['not of exists', { not: { field: 'ownerId', op: 'exists', value: true } }, 'GMFB'],
  ['not of a comparison includes absent values (two-valued logic)', { not: { field: 'custom.score', op: 'gt', value: 0 } }, 'GEZFB'],
  ['not of eq includes absent values', { not: { field: 'custom.tier', op: 'eq', value: 'gold' } }, 'TGEZFB'],
  ['not of ne is eq', { not: { field: 'ownerId', op: 'ne', value: 'u1' } }, 'AE'],
  ['not of endsWith keeps the empty string', { not: { field: 'custom.note', op: 'endsWith', value: 'x' } }, 'ATGEMZFB'],
  ['not of nin is in', { not: { field: 'tags', op: 'nin', value: ['vip'] } }, 'AE'],
  ['double negation', { not: { not: { field: 'custom.tier', op: 'eq', value: 'gold' } } }, 'AM'],
  [
    'or of and and not',
    {
      or: [
        { and: [{ field: 'tags', op: 'contains', value: 'math' }, { not: { field: 'custom.vip', op: 'eq', value: true } }] },
        { field: 'name', op: 'startsWith', value: 'Z' },
      ],
    },
    'TZ',
  ],
  ['and inside not', { not: { and: [vip, { field: 'ownerId', op: 'eq', value: 'u1' }] } }, 'TGMZFB'],
  ['or with one branch', { or: [vip] }, 'AE'],
  ['nesting 30 levels deep', nest(vip, 30), 'AE'],
  [
    'a condition repeated in and and or',
    { and: [{ or: [vip, vip] }, { or: [{ field: 'custom.score', op: 'gte', value: 0 }, { field: 'custom.score', op: 'exists', value: false }] }] },
    'AE',
  ],
];

/** Nested and / or / not, against the seed. @internal */
export function defineLogicTests(harness: () => ConformanceHarness): void {
  describe('and / or / not', () => {
    it.each(logicCases)('%s', async (_title, filter, expected) => {
      const { crm } = harness();
      const { labelsOf } = await seedCustomers(crm);
      const { items } = await crm.customers.find({ where: filter });
      expect(labelsOf(items).join('')).toBe(expected);
      expect(await crm.customers.count(filter)).toBe(expected.length);
    });
  });
}
