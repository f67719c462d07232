import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { matchKeysetFilter } from '../../adapters/sql/match-keyset-filter.js';
import { keysetFilter, type ScalarValue, type SortKey, type StorageFilter } from '../../src/storage/index.js';

const fields = ['name', 'custom.score', 'createdAt', 'ownerId'];
const scalar: fc.Arbitrary<ScalarValue | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 3 }),
  fc.integer({ min: -3, max: 3 }),
  fc.boolean(),
  fc.integer({ min: 0, max: 5 }).map((n) => new Date(n)),
);
const position = fc
  .tuple(fc.uniqueArray(fc.constantFrom(...fields), { maxLength: 3 }), fc.array(fc.constantFrom<SortKey['direction']>('asc', 'desc'), { minLength: 4, maxLength: 4 }))
  .chain(([keys, directions]) => {
    const sort: SortKey[] = [...keys.map((field, i) => ({ field, direction: directions[i]! })), { field: 'id', direction: directions[3]! }];
    return fc.tuple(fc.constant(sort), fc.tuple(...keys.map(() => scalar), fc.string({ minLength: 1, maxLength: 3 })));
  });

describe('matchKeysetFilter', () => {
  test.prop([position])('recognises every filter keysetFilter makes, and rebuilds the same filter', ([sort, after]) => {
    const filter = keysetFilter(sort, after);
    const match = matchKeysetFilter(filter);
    expect(match).toBeDefined();
    expect(keysetFilter(match!.sort, match!.after)).toEqual(filter);
  });

  it('refuses filters that only look alike', () => {
    const sort: SortKey[] = [{ field: 'name', direction: 'asc' }, { field: 'id', direction: 'asc' }];
    const filter = keysetFilter(sort, ['Ada', 'x']) as { or: StorageFilter[] };
    const altered: StorageFilter[] = [
      { or: [filter.or[0]!, { and: [{ field: 'name', op: 'eq', value: 'Bob' }, { field: 'id', op: 'gt', value: 'x' }] }] },
      { or: [filter.or[0]!, { and: [{ field: 'name', op: 'eq', value: 'Ada' }, { field: 'id', op: 'gte', value: 'x' }] }] },
      { or: [{ field: 'name', op: 'gte', value: 'Ada' }, filter.or[1]!] },
      { or: [...filter.or, { field: 'ownerId', op: 'exists', value: true }] },
      { or: [] },
      { or: [{ and: [] }] },
      { or: [{ and: [] }, filter.or[1]!] },
      { or: [{ or: [] }] },
      { and: filter.or },
      { field: 'id', op: 'gt', value: 'x' },
    ];
    for (const candidate of altered) expect(matchKeysetFilter(candidate)).toBeUndefined();
  });
});
