/**
 * Deliberately broken adapters, one plausible bug each, built by wrapping the
 * memory adapter. Reads go through a re-implementation of find / count over the
 * memory adapter's records, so a mutant can change one rule of the filter or
 * the order and keep every other rule right.
 */
import { memoryAdapter } from 'crmkit/memory';
import { isCondition, type AggregateQuery, type AggregateRow, type Condition, type CrmAdapter, type SortKey, type StorageFilter, type StorageOperations, type StorageQuery, type StorageValue, type StoredRecord } from 'crmkit';
import { aggregateRecords, compareRecords, compileFilter } from 'crmkit/adapter-kit';

type Predicate = (record: StoredRecord) => boolean;

/** One bug: any of these hooks, each changing one rule. */
export interface Mutation {
  /** Replaces the answer for one condition; `undefined` keeps the right one. */
  readonly condition?: (condition: Condition<StorageValue>, record: StoredRecord, right: boolean) => boolean | undefined;
  /** Replaces the answer of `not` over one filter; `undefined` keeps the right one. */
  readonly not?: (inner: StorageFilter, record: StoredRecord, right: boolean) => boolean | undefined;
  /** Replaces the comparator of a sort. */
  readonly compare?: (sort: readonly SortKey[]) => (a: StoredRecord, b: StoredRecord) => number;
  /** Changes how many records find returns. */
  readonly limit?: (limit: number | undefined) => number | undefined;
  /** Changes count's answer. */
  readonly count?: (all: readonly StoredRecord[], matching: readonly StoredRecord[]) => number;
  /** Wraps the operations (inside and outside transactions). */
  readonly operations?: (ops: StorageOperations) => Partial<StorageOperations>;
  /** Replaces `transaction`, given the inner adapter. */
  readonly transaction?: (inner: CrmAdapter) => CrmAdapter['transaction'];
  /** Declares and implements a native scan. */
  readonly scan?: (find: StorageOperations['find']) => NonNullable<StorageOperations['scan']>;
  /** Declares a native aggregate: the rows for the matching records. */
  readonly aggregate?: (records: readonly StoredRecord[], query: AggregateQuery) => Promise<AggregateRow[]>;
}

/** The value at a dotted path without turning `null` into absent. */
export function rawPath(record: object, path: string): unknown {
  let current: unknown = record;
  for (const step of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, step)) return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}

function predicate(filter: StorageFilter | undefined, mutation: Mutation): Predicate {
  if (filter === undefined) return () => true;
  if (isCondition(filter)) {
    const right = compileFilter(filter);
    const hook = mutation.condition;
    return hook === undefined ? right : (record) => hook(filter, record, right(record)) ?? right(record);
  }
  if ('and' in filter) {
    const parts = filter.and.map((part) => predicate(part, mutation));
    return (record) => parts.every((part) => part(record));
  }
  if ('or' in filter) {
    const parts = filter.or.map((part) => predicate(part, mutation));
    return (record) => parts.some((part) => part(record));
  }
  if (!('not' in filter)) throw new Error('mutant adapters answer no related filters (the core fallback does)');
  const inner = predicate(filter.not, mutation);
  const hook = mutation.not;
  return (record) => {
    const right = !inner(record);
    return hook?.(filter.not, record, right) ?? right;
  };
}

/** The memory adapter with `mutation` applied. */
export function mutantAdapter(name: string, mutation: Mutation): CrmAdapter {
  const inner = memoryAdapter();
  // A closed adapter refuses every call: a case the collecting runner gave up on (timed out) is
  // closed by the suite's afterEach, and its loops then end instead of running on beside the
  // cases after it (which made every later whole-suite run slower).
  let closed = false;
  const open = <F extends (...args: never[]) => unknown>(fn: F): F =>
    ((...args: Parameters<F>) => {
      if (closed) throw new Error(`mutant adapter "${name}" is closed`);
      return fn(...args);
    }) as F;
  const guarded = (ops: StorageOperations): StorageOperations =>
    Object.fromEntries(Object.entries(ops).map(([key, fn]) => [key, typeof fn === 'function' ? open(fn as (...args: never[]) => unknown) : fn])) as unknown as StorageOperations;
  const everyRecord = (ops: StorageOperations, collection: string) => ops.find(collection, { sort: [{ field: 'id', direction: 'asc' }] });
  const reads = (ops: StorageOperations): StorageOperations => {
    const find: StorageOperations['find'] = async (collection: string, query: StorageQuery) => {
      const matches = (await everyRecord(ops, collection)).filter(predicate(query.filter, mutation));
      const sorted = [...matches].sort(mutation.compare?.(query.sort) ?? compareRecords(query.sort));
      const limit = mutation.limit ? mutation.limit(query.limit) : query.limit;
      return limit === undefined ? sorted : sorted.slice(0, limit);
    };
    const wrapped: StorageOperations = {
      insertMany: (c, r) => ops.insertMany(c, r),
      getMany: (c, ids) => ops.getMany(c, ids),
      updateMany: (c, w) => ops.updateMany(c, w),
      deleteMany: (c, d) => ops.deleteMany(c, d),
      find,
      async count(collection, filter) {
        const all = await everyRecord(ops, collection);
        const matching = all.filter(predicate(filter, mutation));
        return mutation.count ? mutation.count(all, matching) : matching.length;
      },
    };
    if (mutation.scan) wrapped.scan = mutation.scan(find);
    const aggregate = mutation.aggregate;
    if (aggregate) {
      wrapped.aggregate = async function* (collection, query) {
        yield* await aggregate(await find(collection, { filter: query.filter, sort: [{ field: 'id', direction: 'asc' }] }), query);
      };
    }
    return guarded({ ...wrapped, ...mutation.operations?.(wrapped) });
  };
  const outside = reads(inner);
  const adapter: CrmAdapter = {
    ...outside,
    name: `mutant: ${name}`,
    capabilities: { transactions: true, aggregate: mutation.aggregate !== undefined, scan: mutation.scan !== undefined, persistent: false },
    open: (schema) => inner.open(schema),
    close: () => {
      closed = true;
      return inner.close();
    },
    transaction: mutation.transaction?.(inner) ?? ((fn) => inner.transaction((tx) => fn(reads(tx)))),
  };
  return adapter;
}

/** A native aggregate over the matching records, with the query rewritten by `rewrite`. */
function aggregateOver(rewrite: (query: AggregateQuery) => AggregateQuery): NonNullable<Mutation['aggregate']> {
  return (records, query) => aggregateRecords([records], rewrite(query));
}

const isString = (value: unknown): value is string => typeof value === 'string';

/** A string condition's stored value and the value asked for, when both are strings. */
function strings(condition: Condition<StorageValue>, record: StoredRecord): [string, string] | undefined {
  const stored = rawPath(record, condition.field);
  return isString(stored) && isString(condition.value) ? [stored, condition.value] : undefined;
}

/** Transactions that write straight through and keep an undo log: no isolation, no lock. */
function undoLogTransaction(inner: CrmAdapter): CrmAdapter['transaction'] {
  return async (fn) => {
    const undo: (() => Promise<unknown>)[] = [];
    const restore = (collection: string, before: StoredRecord | undefined, id: string) => async () => {
      await inner.deleteMany(collection, [{ id }]);
      if (before !== undefined) await inner.insertMany(collection, [before]);
    };
    const tx: StorageOperations = {
      ...inner,
      async insertMany(collection, records) {
        const outcomes = await inner.insertMany(collection, records);
        records.forEach((record, i) => {
          if (outcomes[i]!.ok) undo.push(restore(collection, undefined, record.id));
        });
        return outcomes;
      },
      async updateMany(collection, writes) {
        const before = await inner.getMany(collection, writes.map((w) => w.record.id));
        writes.forEach((w, i) => undo.push(restore(collection, before[i], w.record.id)));
        return inner.updateMany(collection, writes);
      },
      async deleteMany(collection, deletes) {
        const before = await inner.getMany(collection, deletes.map((d) => d.id));
        deletes.forEach((d, i) => undo.push(restore(collection, before[i], d.id)));
        return inner.deleteMany(collection, deletes);
      },
    };
    try {
      return await fn(tx);
    } catch (error) {
      for (const step of undo.reverse()) await step();
      throw error;
    }
  };
}

/** Isolated transactions that, after rolling back, write the old values back once more (over whatever was committed since). */
function restoringTransaction(inner: CrmAdapter): CrmAdapter['transaction'] {
  return async (fn) => {
    const touched = new Map<string, Map<string, StoredRecord | undefined>>();
    const remember = async (tx: StorageOperations, collection: string, ids: readonly string[]) => {
      const seen = touched.get(collection) ?? new Map<string, StoredRecord | undefined>();
      touched.set(collection, seen);
      const before = await tx.getMany(collection, ids);
      ids.forEach((id, i) => {
        if (!seen.has(id)) seen.set(id, before[i]);
      });
    };
    try {
      return await inner.transaction((tx) =>
        fn({
          ...tx,
          insertMany: async (c, r) => (await remember(tx, c, r.map((x) => x.id)), tx.insertMany(c, r)),
          updateMany: async (c, w) => (await remember(tx, c, w.map((x) => x.record.id)), tx.updateMany(c, w)),
          deleteMany: async (c, d) => (await remember(tx, c, d.map((x) => x.id)), tx.deleteMany(c, d)),
        }),
      );
    } catch (error) {
      for (const [collection, records] of touched) {
        for (const [id, before] of records) {
          await inner.deleteMany(collection, [{ id }]);
          if (before !== undefined) await inner.insertMany(collection, [before]);
        }
      }
      throw error;
    }
  };
}

/** Every mutant: the ones that passed the suite before issue 15, then more. */
export const mutants: Readonly<Record<string, Mutation>> = {
  'startsWith implemented as contains': {
    condition: (c, r) => {
      if (c.op !== 'startsWith') return undefined;
      const pair = strings(c, r);
      return pair === undefined ? false : pair[0].includes(pair[1]);
    },
  },
  'endsWith implemented as contains': {
    condition: (c, r) => {
      if (c.op !== 'endsWith') return undefined;
      const pair = strings(c, r);
      return pair === undefined ? false : pair[0].includes(pair[1]);
    },
  },
  'contains on strings is case-insensitive': {
    condition: (c, r) => {
      if (c.op !== 'contains') return undefined;
      const pair = strings(c, r);
      return pair === undefined ? undefined : pair[0].toLowerCase().includes(pair[1].toLowerCase());
    },
  },
  'endsWith is case-insensitive': {
    condition: (c, r) => {
      if (c.op !== 'endsWith') return undefined;
      const pair = strings(c, r);
      return pair === undefined ? undefined : pair[0].toLowerCase().endsWith(pair[1].toLowerCase());
    },
  },
  'eq ignores trailing spaces (PAD SPACE)': {
    condition: (c, r) => {
      if (c.op !== 'eq') return undefined;
      const pair = strings(c, r);
      return pair === undefined ? undefined : pair[0].replace(/ +$/, '') === pair[1].replace(/ +$/, '');
    },
  },
  'not over endsWith drops the empty string': {
    not: (inner, r, right) => (isCondition(inner) && inner.op === 'endsWith' && rawPath(r, inner.field) === '' ? false : right),
  },
  'exists treats a stored null as present': {
    condition: (c, r) => {
      if (c.op !== 'exists') return undefined;
      const present = rawPath(r, c.field) !== undefined;
      return c.value === true ? present : !present;
    },
  },
  'find ignores its limit': { limit: () => undefined },
  'find returns one record too many': { limit: (limit) => (limit === undefined ? undefined : limit + 1) },
  'transactions without isolation (an undo log, no lock)': { transaction: undoLogTransaction },
  'a rollback restores old values over a write committed outside meanwhile': { transaction: restoringTransaction },

  // More plausible bugs.
  'lt implemented as lte': {
    condition: (c, r, right) => (c.op === 'lt' ? compileFilter({ ...c, op: 'lte' })(r) : right),
  },
  'ne does not match absent values': {
    condition: (c, r, right) => (c.op === 'ne' && rawPath(r, c.field) == null ? false : right),
  },
  'nin does not match absent values': {
    condition: (c, r, right) => (c.op === 'nin' && rawPath(r, c.field) == null ? false : right),
  },
  'absent values sort last in asc': {
    compare: (sort) => {
      const keys = sort.map(({ field, direction }) => ({ field, sign: direction === 'asc' ? 1 : -1 }));
      return (a, b) => {
        for (const { field, sign } of keys) {
          const x = rawPath(a, field) ?? undefined;
          const y = rawPath(b, field) ?? undefined;
          if (x === undefined || y === undefined) {
            if (x === y) continue;
            return x === undefined ? 1 : -1; // absent last, whatever the direction
          }
          const order = compareRecords([{ field, direction: 'asc' }])(a, b);
          if (order !== 0) return sign * order;
        }
        return 0;
      };
    },
  },
  'the id tie-breaker always ascends': {
    compare: (sort) => compareRecords(sort.map((key) => (key.field === 'id' ? { field: 'id', direction: 'asc' } : key))),
  },
  'in on a list matches only its first element': {
    condition: (c, r, right) => {
      const stored = rawPath(r, c.field);
      if (c.op !== 'in' || !Array.isArray(stored)) return right;
      return stored.length > 0 && (c.value as readonly unknown[]).includes(stored[0]);
    },
  },
  'count ignores the filter': { count: (all) => all.length },
  'getMany answers in id order': {
    operations: (ops) => ({
      async getMany(collection, ids) {
        const found = await ops.getMany(collection, ids);
        return [...found].sort((a, b) => (a === undefined ? 1 : b === undefined ? -1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      },
    }),
  },
  'getMany drops the gaps': {
    operations: (ops) => ({ getMany: async (collection, ids) => (await ops.getMany(collection, ids)).filter((r) => r !== undefined) }),
  },
  'updateMany ignores expectedVersion': {
    operations: (ops) => ({
      async updateMany(collection, writes) {
        const outcomes = [];
        for (const write of writes) {
          const [stored] = await ops.getMany(collection, [write.record.id]);
          if (stored === undefined) outcomes.push({ ok: false, code: 'not_found' } as const);
          else outcomes.push(...(await ops.updateMany(collection, [{ ...write, expectedVersion: stored.version }])));
        }
        return outcomes;
      },
    }),
  },
  'deleteMany ignores expectedVersion': {
    operations: (ops) => ({ deleteMany: (collection, deletes) => ops.deleteMany(collection, deletes.map(({ id }) => ({ id }))) }),
  },
  'insertMany overwrites a taken id': {
    operations: (ops) => ({
      async insertMany(collection, records) {
        await ops.deleteMany(collection, records.map(({ id }) => ({ id })));
        return ops.insertMany(collection, records);
      },
    }),
  },
  'scan drops the last partial batch': {
    scan: (find) =>
      async function* (collection, query, batchSize) {
        const all = await find(collection, { filter: query.filter, sort: query.sort });
        for (let start = 0; start + batchSize <= all.length; start += batchSize) yield all.slice(start, start + batchSize);
      },
  },
  'aggregate count(field) counts absent values': {
    aggregate: aggregateOver((query) => ({ ...query, measures: query.measures.map((m) => (m.fn === 'count' ? { name: m.name, fn: 'count' } : m)) })),
  },
  'dates compared by their text': {
    condition: (c, r, right) => {
      const stored = rawPath(r, c.field);
      if (!(stored instanceof Date) || !(c.value instanceof Date) || !['lt', 'lte', 'gt', 'gte'].includes(c.op)) return right;
      const [x, y] = [String(stored.getTime()), String(c.value.getTime())];
      return c.op === 'lt' ? x < y : c.op === 'lte' ? x <= y : c.op === 'gt' ? x > y : x >= y;
    },
  },
  'startsWith is case-insensitive': {
    condition: (c, r) => {
      if (c.op !== 'startsWith') return undefined;
      const pair = strings(c, r);
      return pair === undefined ? undefined : pair[0].toLowerCase().startsWith(pair[1].toLowerCase());
    },
  },
};
