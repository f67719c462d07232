import type { StorageOperations } from '../../storage/adapter.js';
import type { AggregateQuery, AggregateRow } from '../../storage/aggregate-query.js';
import type { StorageSchema } from '../../storage/collection-schema.js';
import { compileFilter, type RecordPredicate } from '../../storage/compile-filter.js';
import { ConflictError, ForbiddenError, InvalidQueryError, type CrmIssue } from '../../storage/errors.js';
import type { StorageFilter } from '../../storage/filter.js';
import type { StorageQuery } from '../../storage/storage-query.js';
import type { StoredRecord } from '../../storage/stored-record.js';
import { changeFeedEntryModel } from '../change-feed/change-feed-entry.js';
import { historyEntryModel } from '../history/history-entry.js';
import { findReferrers } from '../reference-integrity.js';
import type { StorageMiddleware } from '../storage-middleware.js';
import { collectionPolicy, matchesNothing, type CollectionPolicy } from './access-policy.js';
import { coveredBy, maskFieldChanges, maskRecord } from './field-mask.js';
import type { AccessOperation, AccessSubject } from './role-definition.js';
import { scopeFilter } from './scope-filter.js';
import { shareModel } from './share.js';

const everything: StorageFilter = { and: [] };

/**
 * The storage middleware that restricts a crm to what a subject's role allows
 * (`crm.as(subject)`), installed inside the host's middleware and outside the
 * tenant scope. On the model collections: reads carry the role's read scope in
 * their filter (finds, counts, scans, aggregates run in the database over the
 * records the role reaches; a read by id returns nothing for a record outside
 * it), so a denied read looks like not found; the role's hidden fields are left
 * out of every record read (with the collection's `derived` fields, which
 * could give them away) and masked ones shown as `'***'`, and a query naming
 * either is an `InvalidQueryError` (`forbidden_field`); a create, update or
 * delete the role does not grant, of a record outside its scope or one that
 * would leave it, is a {@link ForbiddenError} thrown before anything is
 * written. History entries read are those of the collections the role reads,
 * of records it can read, with its field rules applied to their values; change
 * feed entries are those of the collections it reads whole (scope `all`).
 * The crm's own bookkeeping (the feed's sequence and consumers, history and
 * feed writes) passes through.
 *
 * @example
 * ```ts
 * const storage = accessMiddleware(subject, schema, new Set(['historyEntries']), new Map([['customers', ['searchKeys']]]))(adapter);
 * await storage.count('customers'); // the customers subject's role reaches
 * ```
 */
export function accessMiddleware(
  subject: AccessSubject,
  schema: StorageSchema,
  system: ReadonlySet<string>,
  derived: ReadonlyMap<string, readonly string[]> = new Map(),
  now: () => Date = () => new Date(),
): StorageMiddleware {
  const policies = new Map<string, CollectionPolicy>();
  for (const collection of Object.values(schema.collections)) {
    if (!system.has(collection.name)) policies.set(collection.name, collectionPolicy(subject, collection, derived.get(collection.name)));
  }
  const predicates = new Map<string, RecordPredicate>();
  const predicate = (collection: string, operation: AccessOperation): RecordPredicate => {
    const key = `${operation}:${collection}`;
    let found = predicates.get(key);
    if (found === undefined) predicates.set(key, (found = compileFilter(policies.get(collection)!.filters[operation])));
    return found;
  };
  const readable = [...policies].filter(([, policy]) => policy.granted.read).map(([name]) => name);
  const wholeReadable = [...policies].filter(([, policy]) => policy.granted.read && policy.filters.read === undefined).map(([name]) => name);
  const history = historyEntryModel.collection;
  const feed = changeFeedEntryModel.collection;
  const referencesTo = new Map<string, { collection: string; field: string }[]>();
  for (const collection of Object.values(schema.collections)) {
    for (const reference of collection.references ?? []) {
      referencesTo.set(reference.collection, [...(referencesTo.get(reference.collection) ?? []), { collection: collection.name, field: reference.field }]);
    }
  }

  const fieldIssue = (policy: CollectionPolicy, collection: string) => (field: string, path: readonly PropertyKey[]): CrmIssue | undefined =>
    coveredBy(field, policy.hidden) || coveredBy(field, policy.masked)
      ? { code: 'forbidden_field', path: [...path, 'field'], message: `${collection}.${field} is hidden from role ${subject.role.name}` }
      : undefined;
  const checkNames = (policy: CollectionPolicy, collection: string, fields: readonly string[], path: string) => {
    const issues = fields.flatMap((field, index) => fieldIssue(policy, collection)(field, [path, index]) ?? []);
    if (issues.length > 0) throw new InvalidQueryError(`Query refused: ${issues[0]!.message}`, issues);
  };
  /** The filter a read of a model collection runs with, or `undefined` when it reaches nothing. */
  const readFilter = (collection: string, policy: CollectionPolicy, filter: StorageFilter | undefined): StorageFilter | undefined => {
    const scope = policy.filters.read;
    const walked = scopeFilter(filter, { require: scope ?? everything, checkField: fieldIssue(policy, collection) });
    return scope === matchesNothing ? undefined : walked;
  };
  const mask = (policy: CollectionPolicy) => (record: StoredRecord): StoredRecord =>
    policy.hidden.length === 0 && policy.masked.length === 0 ? record : maskRecord(record, policy.hidden, policy.masked);
  const forbid = (collection: string, operation: AccessOperation, reason: 'operation' | 'out_of_scope' | 'leaves_scope', id?: string): never => {
    const what = reason === 'operation' ? `role ${subject.role.name} may not ${operation} ${collection}` : reason === 'out_of_scope'
      ? `${collection} record ${JSON.stringify(id)} is outside what role ${subject.role.name} may ${operation}`
      : `role ${subject.role.name} may not ${operation} a ${collection} record ${JSON.stringify(id)} outside its scope`;
    throw new ForbiddenError(collection, reason, what);
  };
  const systemFilter = (collection: string, filter: StorageFilter | undefined): StorageFilter => {
    const collections = collection === history ? readable : wholeReadable;
    return scopeFilter(filter, { require: { field: 'collection', op: 'in', value: collections }, checkField: () => undefined });
  };

  /** Whether the collection's `shared` scopes also reach what is shared with the subject's partner (`crm.sharing`). */
  const sharedWithPartner = (collection: string) =>
    subject.partnerId !== undefined &&
    schema.collections[shareModel.collection] !== undefined &&
    subject.role.grants.some((grant) => grant.collection === collection && grant.scopes.some((scope) => scope.kind === 'shared'));
  interface Resolved {
    readonly policy: CollectionPolicy;
    reach(operation: AccessOperation): RecordPredicate;
  }
  const fixed = new Map<string, Resolved>();
  for (const [name, policy] of policies) fixed.set(name, { policy, reach: (operation) => predicate(name, operation) });

  return (next) => {
    /**
     * The policy of a model collection as of now: with the partner's active
     * shares (read for reads, write for writes) added to its `shared` scopes.
     * `undefined` for the crm's own collections.
     */
    const resolve = async (collection: string): Promise<Resolved | undefined> => {
      const base = fixed.get(collection);
      if (base === undefined || !sharedWithPartner(collection)) return base;
      const shares = await next.find(shareModel.collection, {
        filter: { and: [{ field: 'partnerId', op: 'eq', value: subject.partnerId! }, { field: 'collection', op: 'eq', value: collection }] },
        sort: [{ field: 'id', direction: 'asc' }],
      });
      const at = now().getTime();
      const active = shares.filter((share) => !(share.expiresAt instanceof Date) || share.expiresAt.getTime() > at);
      const withShared = (ids: readonly string[]) =>
        collectionPolicy({ ...subject, shared: { ...subject.shared, [collection]: [...(subject.shared[collection] ?? []), ...ids] } }, schema.collections[collection]!, derived.get(collection));
      const reading = withShared(active.map((share) => share.recordId as string));
      const writing = withShared(active.filter((share) => share.access === 'write').map((share) => share.recordId as string));
      const policy: CollectionPolicy = { ...reading, filters: { ...writing.filters, read: reading.filters.read } };
      const compiled = new Map<AccessOperation, RecordPredicate>();
      return {
        policy,
        reach: (operation) => {
          let found = compiled.get(operation);
          if (found === undefined) compiled.set(operation, (found = compileFilter(policy.filters[operation])));
          return found;
        },
      };
    };
    /** History entries the role may read: of records it can read now (or of any, under scope `all`), its field rules applied. */
    const visibleHistory = async (entries: readonly StoredRecord[]): Promise<StoredRecord[]> => {
      const byCollection = new Map<string, Set<string>>();
      const resolved = new Map<string, Resolved | undefined>();
      for (const collection of new Set(entries.map((entry) => entry.collection as string))) resolved.set(collection, await resolve(collection));
      for (const entry of entries) {
        const collection = entry.collection as string;
        if (resolved.get(collection)?.policy.filters.read === undefined) continue;
        let ids = byCollection.get(collection);
        if (ids === undefined) byCollection.set(collection, (ids = new Set()));
        ids.add(entry.recordId as string);
      }
      const visible = new Set<string>();
      for (const [collection, ids] of byCollection) {
        const list = [...ids];
        const found = await next.getMany(collection, list);
        const reach = resolved.get(collection)!.reach('read');
        found.forEach((record, index) => {
          if (record !== undefined && reach(record)) visible.add(`${collection}\u0000${list[index]}`);
        });
      }
      return entries.flatMap((entry) => {
        const collection = entry.collection as string;
        const policy = resolved.get(collection)?.policy;
        if (policy === undefined || !policy.granted.read) return [];
        if (policy.filters.read !== undefined && !visible.has(`${collection}\u0000${entry.recordId as string}`)) return [];
        if (policy.hidden.length === 0 && policy.masked.length === 0) return [entry];
        return [{ ...entry, fields: maskFieldChanges(entry.fields as { path: string }[], policy.hidden, policy.masked) }];
      });
    };
    const scopedQuery = (collection: string, policy: CollectionPolicy, query: StorageQuery): StorageQuery | undefined => {
      checkNames(policy, collection, query.sort.map((key) => key.field), 'sort');
      const filter = readFilter(collection, policy, query.filter);
      return filter === undefined ? undefined : { ...query, filter };
    };
    const restricted: StorageOperations = {
      async insertMany(collection, records) {
        const resolved = await resolve(collection);
        if (resolved !== undefined) {
          if (!resolved.policy.granted.create) forbid(collection, 'create', 'operation');
          const reach = resolved.reach('create');
          for (const record of records) if (!reach(record)) forbid(collection, 'create', 'leaves_scope', record.id);
        }
        return next.insertMany(collection, records);
      },
      async getMany(collection, ids, options) {
        const found = await next.getMany(collection, ids, options);
        const resolved = await resolve(collection);
        if (resolved !== undefined) {
          const policy = resolved.policy;
          const reach = resolved.reach('read');
          const view = mask(policy);
          const visible = found.map((record) => (record !== undefined && policy.granted.read && reach(record) ? view(record) : undefined));
          // A read held for a write (forUpdate) of a collection the role may not change: refused before the write is prepared.
          if (options?.forUpdate === true && !policy.granted.update && !policy.granted.delete && visible.some((record) => record !== undefined)) {
            forbid(collection, 'update', 'operation');
          }
          return visible;
        }
        if (collection === history) {
          const visible = new Set(await visibleHistory(found.filter((record): record is StoredRecord => record !== undefined)));
          return found.map((record) => (record !== undefined && visible.has(record) ? record : undefined));
        }
        if (collection === feed) return found.map((record) => (record !== undefined && wholeReadable.includes(record.collection as string) ? record : undefined));
        return found;
      },
      async updateMany(collection, writes) {
        const resolved = await resolve(collection);
        if (resolved !== undefined) {
          if (!resolved.policy.granted.update) forbid(collection, 'update', 'operation');
          const reach = resolved.reach('update');
          const stored = await next.getMany(collection, writes.map((write) => write.record.id));
          writes.forEach((write, index) => {
            const before = stored[index];
            if (before !== undefined && !reach(before)) forbid(collection, 'update', 'out_of_scope', write.record.id);
            if (!reach(write.record)) forbid(collection, 'update', 'leaves_scope', write.record.id);
          });
        }
        return next.updateMany(collection, writes);
      },
      async deleteMany(collection, deletes) {
        const resolved = await resolve(collection);
        if (resolved !== undefined) {
          if (!resolved.policy.granted.delete) forbid(collection, 'delete', 'operation');
          const reach = resolved.reach('delete');
          const stored = await next.getMany(collection, deletes.map((item) => item.id));
          stored.forEach((before, index) => {
            if (before !== undefined && !reach(before)) forbid(collection, 'delete', 'out_of_scope', deletes[index]!.id);
          });
          // The core looked for referring records through this scope, which may hide them: look again below it.
          const blocked = await findReferrers(next, collection, referencesTo.get(collection) ?? [], deletes.map((item) => item.id));
          const [id] = blocked.keys();
          if (id !== undefined) {
            throw new ConflictError(collection, id, `${collection} record ${JSON.stringify(id)} is still referenced (by a record the role does not read)`, { reason: 'still_referenced' });
          }
        }
        return next.deleteMany(collection, deletes);
      },
      async find(collection, query) {
        const policy = (await resolve(collection))?.policy;
        if (policy !== undefined) {
          const scoped = scopedQuery(collection, policy, query);
          return scoped === undefined ? [] : (await next.find(collection, scoped)).map(mask(policy));
        }
        if (collection === history) return visibleHistory(await next.find(collection, { ...query, filter: systemFilter(collection, query.filter) }));
        if (collection === feed) return next.find(collection, { ...query, filter: systemFilter(collection, query.filter) });
        return next.find(collection, query);
      },
      async count(collection, filter) {
        const policy = (await resolve(collection))?.policy;
        if (policy !== undefined) {
          const scoped = readFilter(collection, policy, filter);
          return scoped === undefined ? 0 : next.count(collection, scoped);
        }
        if (collection === history || collection === feed) return next.count(collection, systemFilter(collection, filter));
        return next.count(collection, filter);
      },
    };
    const { scan, aggregate } = next;
    if (scan !== undefined) {
      restricted.scan = async function* (collection, query, batchSize) {
        const policy = (await resolve(collection))?.policy;
        if (policy !== undefined) {
          const scoped = scopedQuery(collection, policy, query);
          if (scoped === undefined) return;
          for await (const batch of scan.call(next, collection, scoped, batchSize)) yield batch.map(mask(policy));
          return;
        }
        if (collection === history || collection === feed) {
          for await (const batch of scan.call(next, collection, { ...query, filter: systemFilter(collection, query.filter) }, batchSize)) {
            yield collection === history ? await visibleHistory(batch) : batch;
          }
          return;
        }
        yield* scan.call(next, collection, query, batchSize);
      };
    }
    if (aggregate !== undefined) {
      restricted.aggregate = async function* (collection, query: AggregateQuery): AsyncGenerator<AggregateRow> {
        const policy = (await resolve(collection))?.policy;
        if (policy !== undefined) {
          checkNames(policy, collection, query.groupBy.map((key) => (typeof key === 'string' ? key : key.field)), 'groupBy');
          checkNames(policy, collection, query.measures.flatMap((measure) => (measure.field === undefined ? [] : [measure.field])), 'measures');
          const filter = readFilter(collection, policy, query.filter);
          if (filter === undefined) return;
          yield* aggregate.call(next, collection, { ...query, filter });
          return;
        }
        if (collection === history || collection === feed) {
          yield* aggregate.call(next, collection, { ...query, filter: systemFilter(collection, query.filter) });
          return;
        }
        yield* aggregate.call(next, collection, query);
      };
    }
    return restricted;
  };
}
