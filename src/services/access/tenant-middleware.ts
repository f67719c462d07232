import type { StorageOperations } from '../../storage/adapter.js';
import type { AggregateQuery } from '../../storage/aggregate-query.js';
import { InvalidQueryError, type CrmIssue } from '../../storage/errors.js';
import type { StorageFilter } from '../../storage/filter.js';
import type { StorageQuery } from '../../storage/storage-query.js';
import type { StoredRecord } from '../../storage/stored-record.js';
import type { WriteOutcome } from '../../storage/write-outcome.js';
import type { StorageMiddleware } from '../storage-middleware.js';
import { scopeFilter, type FilterScope } from './scope-filter.js';
import { tenantField } from './tenant-schema.js';

/**
 * The storage middleware that confines a crm to one tenant. Installed
 * innermost (next to the adapter), so every module's reads and writes pass
 * through it: it stamps `tenantId` on every record written, adds
 * `tenantId = tenant` to every filter (finds, counts, scans, aggregates, and so
 * the reference checks, unique look-ups, history and change-feed reads built on
 * them), drops other tenants' records from reads by id, answers `not_found`
 * for an update or delete of another tenant's record (writing nothing), and
 * gives records back without `tenantId`. A query naming `tenantId` itself is an
 * `InvalidQueryError` (`tenant_field`). Collections in `global` pass through.
 *
 * @example
 * ```ts
 * const storage = tenantMiddleware('acme', new Set(['storeSettings']))(adapter);
 * await storage.count('customers'); // acme's customers only
 * ```
 */
export function tenantMiddleware(tenant: string, global: ReadonlySet<string> = new Set()): StorageMiddleware {
  const require: StorageFilter = { field: tenantField, op: 'eq', value: tenant };
  const scope: FilterScope = {
    require,
    checkField: (field, path) => (field === tenantField ? refusal(path) : undefined),
    // Every tenant-scoped collection is scoped alike, so a related node's query of another collection is too.
    related: (collection) => (global.has(collection) ? undefined : scope),
  };
  const strip = (record: StoredRecord): StoredRecord => {
    const { [tenantField]: _tenant, ...rest } = record;
    return rest as StoredRecord;
  };
  const stamp = (record: StoredRecord): StoredRecord => ({ ...record, [tenantField]: tenant });
  const scopedQuery = (query: StorageQuery): StorageQuery => {
    checkFields(query.sort.map((key) => key.field), ['sort']);
    return { ...query, filter: scopeFilter(query.filter, scope) };
  };
  const scopedAggregate = (query: AggregateQuery): AggregateQuery => {
    checkFields(query.groupBy.map((key) => (typeof key === 'string' ? key : key.field)), ['groupBy']);
    checkFields(query.measures.flatMap((measure) => (measure.field === undefined ? [] : [measure.field])), ['measures']);
    return { ...query, filter: scopeFilter(query.filter, scope) };
  };
  return (next) => {
    /** Runs `write` on the items whose stored record is this tenant's; the others are `not_found`. */
    const guarded = async <T>(
      collection: string,
      items: readonly T[],
      idOf: (item: T) => string,
      write: (mine: readonly T[]) => Promise<readonly WriteOutcome[]>,
    ): Promise<readonly WriteOutcome[]> => {
      const stored = await next.getMany(collection, items.map(idOf));
      const mine = items.filter((_, index) => stored[index] === undefined || stored[index]![tenantField] === tenant);
      const outcomes = mine.length === 0 ? [] : await write(mine);
      let position = 0;
      return items.map((_, index) =>
        stored[index] === undefined || stored[index]![tenantField] === tenant ? outcomes[position++]! : { ok: false, code: 'not_found' as const },
      );
    };
    const scoped: StorageOperations = {
      insertMany: (collection, records) => (global.has(collection) ? next.insertMany(collection, records) : next.insertMany(collection, records.map(stamp))),
      async getMany(collection, ids, options) {
        const found = await next.getMany(collection, ids, options);
        if (global.has(collection)) return found;
        return found.map((record) => (record === undefined || record[tenantField] !== tenant ? undefined : strip(record)));
      },
      updateMany(collection, writes) {
        if (global.has(collection)) return next.updateMany(collection, writes);
        return guarded(collection, writes, (write) => write.record.id, (mine) =>
          next.updateMany(collection, mine.map((write) => ({ ...write, record: stamp(write.record) }))),
        );
      },
      deleteMany(collection, deletes) {
        if (global.has(collection)) return next.deleteMany(collection, deletes);
        return guarded(collection, deletes, (item) => item.id, (mine) => next.deleteMany(collection, mine));
      },
      async find(collection, query) {
        if (global.has(collection)) return next.find(collection, query);
        return (await next.find(collection, scopedQuery(query))).map(strip);
      },
      async count(collection, filter) {
        return global.has(collection) ? next.count(collection, filter) : next.count(collection, scopeFilter(filter, scope));
      },
    };
    const { scan, aggregate } = next;
    if (scan !== undefined) {
      scoped.scan = async function* (collection, query, batchSize) {
        if (global.has(collection)) return yield* scan.call(next, collection, query, batchSize);
        for await (const batch of scan.call(next, collection, scopedQuery(query), batchSize)) yield batch.map(strip);
      };
    }
    if (aggregate !== undefined) {
      scoped.aggregate = async function* (collection, query) {
        yield* aggregate.call(next, collection, global.has(collection) ? query : scopedAggregate(query));
      };
    }
    return scoped;
  };
}

function refusal(path: readonly PropertyKey[]): CrmIssue {
  return { code: 'tenant_field', path: [...path, 'field'], message: `${tenantField} is set by the crm's tenant scope and cannot be queried` };
}

function checkFields(fields: readonly string[], path: readonly PropertyKey[]): void {
  const issues = fields.flatMap((field, index) => (field === tenantField ? [refusal([...path, index])] : []));
  if (issues.length > 0) throw new InvalidQueryError(`Query refused: ${issues[0]!.message}`, issues);
}
