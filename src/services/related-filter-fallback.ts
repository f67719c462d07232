import type { StorageOperations } from '../storage/adapter.js';
import type { AggregateQuery, AggregateRow } from '../storage/aggregate-query.js';
import { aggregateRecords } from '../storage/aggregate-records.js';
import { compileFilter, type RecordPredicate } from '../storage/compile-filter.js';
import type { StorageFilter } from '../storage/filter.js';
import { hasRelatedFilter, isRelatedFilter, storageRelated, type StorageRelatedSpec } from '../storage/related-filter.js';
import { scanStorage } from '../storage/scan-storage.js';
import type { StorageQuery } from '../storage/storage-query.js';
import type { StoredRecord } from '../storage/stored-record.js';
import type { StorageMiddleware } from './storage-middleware.js';

/** Options of {@link relatedFilterFallback}: what the storage below can do. */
export interface RelatedFilterFallbackOptions {
  /** The storage below honours `StorageQuery.after` (`capabilities.keysetAfter`). */
  readonly keysetAfter: boolean;
  /** The storage below aggregates natively (`capabilities.aggregate`). */
  readonly aggregate: boolean;
  /** Records per batch of the streams it reads. Default 5,000. */
  readonly batchSize?: number;
}

/**
 * The core's streaming evaluation of related filters, for adapters without
 * `capabilities.relatedFilters`: a storage layer (installed outermost by
 * `createCrm`) that takes every read whose filter holds a related node,
 * measures each related node through `aggregate()` grouped by its link (the
 * storage's own, or the core's streaming aggregate), passes the top-level
 * conjuncts without related nodes down as the filter, and keeps the records
 * whose related measures match. The storage below never sees a related node;
 * reads without one go straight through.
 *
 * @example
 * ```ts
 * const storage = relatedFilterFallback({ keysetAfter: true, aggregate: false })(adapter);
 * await storage.count('customers', { related: { collection: 'cases', via: 'customerId', having: { fn: 'count', op: 'gte', value: 1 } } });
 * ```
 */
export function relatedFilterFallback(options: RelatedFilterFallbackOptions): StorageMiddleware {
  const batchSize = options.batchSize ?? 5000;
  return (next) => {
    /** An aggregate over the layer: the related nodes of its filter answered here too. */
    async function* aggregateHere(collection: string, query: AggregateQuery): AsyncGenerator<AggregateRow> {
      if (!hasRelatedFilter(query.filter) && options.aggregate && next.aggregate) {
        yield* next.aggregate(collection, query);
        return;
      }
      const sort = [{ field: 'id', direction: 'asc' }] as const;
      yield* await aggregateRecords(streamMatching(collection, { ...(query.filter === undefined ? {} : { filter: query.filter }), sort }), query);
    }

    /** Each related node's measure per outer id. */
    const measure = async (filter: StorageFilter): Promise<RecordPredicate> => {
      const values = new Map<StorageRelatedSpec, Map<string, number | Date>>();
      const visit = async (node: StorageFilter): Promise<void> => {
        if (isRelatedFilter(node)) {
          const spec = storageRelated(node);
          if (values.has(spec)) return;
          const { fn, field } = spec.having;
          const measured = new Map<string, number | Date>();
          const query: AggregateQuery = {
            ...(spec.where === undefined ? {} : { filter: spec.where }),
            groupBy: [spec.via],
            measures: [{ name: 'v', fn, ...(field === undefined ? {} : { field }) }],
          };
          const rows = aggregateHere(spec.collection, query);
          for await (const row of rows) {
            const link = row.key[0];
            const value = row.values.v;
            if (typeof link === 'string' && (typeof value === 'number' || value instanceof Date)) measured.set(link, value);
          }
          values.set(spec, measured);
          return;
        }
        if ('and' in node) for (const part of node.and) await visit(part);
        else if ('or' in node) for (const part of node.or) await visit(part);
        else if ('not' in node) await visit(node.not);
      };
      await visit(filter);
      return compileFilter(filter, (spec) => {
        const measured = values.get(spec)!;
        return (id) => measured.get(id);
      });
    };

    /** The query's records, the related part of its filter evaluated here. */
    async function* streamMatching(collection: string, query: StorageQuery): AsyncGenerator<readonly StoredRecord[]> {
      const parts = query.filter === undefined ? [] : conjuncts(query.filter);
      const pushed = parts.filter((part) => !hasRelatedFilter(part));
      const kept = parts.filter((part) => hasRelatedFilter(part));
      const below: StorageQuery = { ...query, ...(pushed.length === 0 ? { filter: undefined } : { filter: { and: pushed } }) };
      if (below.filter === undefined) delete (below as { filter?: StorageFilter }).filter;
      const source = scanStorage(next, collection, below, batchSize, { keysetAfter: options.keysetAfter });
      if (kept.length === 0) {
        yield* source;
        return;
      }
      const matches = await measure({ and: kept });
      for await (const batch of source) {
        const selected = batch.filter((record) => matches(record));
        if (selected.length > 0) yield selected;
      }
    }

    const layer: StorageOperations = {
      ...next,
      async find(collection, query) {
        if (!hasRelatedFilter(query.filter)) return next.find(collection, query);
        const { limit, ...rest } = query;
        const found: StoredRecord[] = [];
        if (limit === 0) return found;
        for await (const batch of streamMatching(collection, rest)) {
          for (const record of batch) {
            found.push(record);
            if (limit !== undefined && found.length >= limit) return found;
          }
        }
        return found;
      },
      async count(collection, filter) {
        if (!hasRelatedFilter(filter)) return next.count(collection, filter);
        let total = 0;
        for await (const batch of streamMatching(collection, { filter, sort: [{ field: 'id', direction: 'asc' }] })) total += batch.length;
        return total;
      },
    };
    if (next.scan) {
      const scan = next.scan.bind(next);
      layer.scan = (collection, query, size) => (hasRelatedFilter(query.filter) ? streamMatching(collection, query) : scan(collection, query, size));
    }
    if (next.aggregate) {
      const aggregate = next.aggregate.bind(next);
      layer.aggregate = (collection, query) => {
        if (!hasRelatedFilter(query.filter)) return aggregate(collection, query);
        return (async function* () {
          yield* await aggregateRecords(streamMatching(collection, { filter: query.filter, sort: [{ field: 'id', direction: 'asc' }] }), query);
        })();
      };
    }
    return layer;
  };
}

/** The top-level conjuncts of a filter (`and`s flattened). */
function conjuncts(filter: StorageFilter): StorageFilter[] {
  return !isRelatedFilter(filter) && 'and' in filter ? filter.and.flatMap(conjuncts) : [filter];
}
