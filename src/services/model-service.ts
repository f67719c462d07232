import { Immer, enablePatches, type Draft, type Patch } from 'immer';
import type * as z from 'zod';
import type { ModelDefinition } from '../schema/model-definition.js';
import { recordBaseFields, type RecordBase } from '../schema/record-base.js';
import { calendarDateBuckets, type AggregateGroupKey, type AggregateMeasure, type AggregateRow } from '../storage/aggregate-query.js';
import { aggregateRecords } from '../storage/aggregate-records.js';
import { checkAggregateHaving, rowMatchesHaving, type AggregateHaving } from '../storage/aggregate-having.js';
import { assertPageStartsAfter, queryForAdapter } from '../storage/keyset-after.js';
import { scanStorage } from '../storage/scan-storage.js';
import type { CollectionSchema } from '../storage/collection-schema.js';
import { decodeCursor, encodeCursor } from '../storage/cursor.js';
import { ConflictError, InvalidQueryError, NotFoundError, ValidationError, type CrmIssue } from '../storage/errors.js';
import type { Filter, StorageFilter } from '../storage/filter.js';
import { isWellFormedString } from '../storage/well-formed-string.js';
import { checkAggregateQuery, resolveAggregate } from '../storage/resolve-aggregate.js';
import { resolveFilter } from '../storage/resolve-filter.js';
import { resolveSort } from '../storage/resolve-sort.js';
import type { SortKey } from '../storage/sort.js';
import type { StorageQuery } from '../storage/storage-query.js';
import type { StoredRecord } from '../storage/stored-record.js';
import type { CheckedFilter } from '../storage/typed-filter.js';
import type { StorageOperations } from '../storage/adapter.js';
import type { BulkItemResult } from './bulk-result.js';
import { upsertMany, type UpsertOptions, type UpsertResult } from './upsert-many.js';
import type { CrmEventName, CrmEvents } from './crm-events.js';
import {
  defaultPageSize,
  maxPageSize,
  type CheckedFindOptions,
  type CheckedScanOptions,
  type FindOptions,
  type HistoryPageOptions,
  type Page,
  type ScanOptions,
} from './find-options.js';
import { ItemIssues, throwIfIssues } from './item-issues.js';
import { checkReferences, findReferrers } from './reference-integrity.js';
import { historyEntryModel, type HistoryEntry } from './history/history-entry.js';
import type { ServiceContext } from './service-context.js';
import { writeChange as change, type WriteChange } from './write-hook.js';
import { staleVersion, writeOutcomeError } from './write-errors.js';
import type { AggregateRowOf, CheckedAggregateOptions } from './typed-aggregate.js';

enablePatches();
const immer = new Immer({ autoFreeze: true });

/**
 * How long (ms, of real time) an update without `expectedVersion` keeps re-running
 * its recipe after losing a compare-and-set race before it fails with `conflict`.
 * Races are lost only on adapters without transactions, or whose `getMany` ignores
 * `forUpdate`: on the others the read happens with the record held.
 */
const updateRetryWindowMs = 10_000;

/** The longest pause (ms) between two attempts of a raced update; each pause is random up to this, doubling from 1 ms. */
const updateRetryMaxPauseMs = 50;

/** Options of `update()` and `delete()`. */
export interface WriteOptions {
  /** Fail with a `conflict` error unless the stored record has this version. */
  readonly expectedVersion?: number;
}

/** An immer recipe: mutate the draft (or return a replacement); crmkit validates and stores the result. */
export type Recipe<R> = (draft: Draft<R>) => void | R | Draft<R>;

/** One item of `updateMany()`. */
export interface UpdateItem<R> {
  /** The record to update. */
  readonly id: string;
  /** The change. */
  readonly recipe: Recipe<R>;
  /** Fail this item with `conflict` unless the stored record has this version. */
  readonly expectedVersion?: number;
}

/** A group-by query over one collection, with measures per group. */
export interface AggregateOptions {
  /** Only records matching this filter. */
  readonly where?: Filter;
  /**
   * Scalar fields to group by, or `{ field, bucket }` to group a date field by
   * calendar day or ISO week in the crm's time zone (the key value is the
   * bucket's start).
   */
  readonly groupBy: readonly AggregateGroupKey[];
  /** What to compute per group. */
  readonly measures: readonly AggregateMeasure[];
  /**
   * The IANA time zone of the date buckets, for this query only; the crm's
   * `timeZone` by default. An unknown zone is `invalid_query`.
   */
  readonly timeZone?: string;
  /**
   * Keeps only the groups whose measures satisfy every condition (the SQL
   * `HAVING`), applied to the rows after aggregation: `[{ measure: 'orders', op: 'gte', value: 3 }]`.
   * A `null` measure matches only `ne`.
   */
  readonly having?: readonly AggregateHaving[];
}

interface PreparedUpdate<R> {
  readonly current: R;
  readonly next: R;
  readonly patches: Patch[];
  readonly inversePatches: Patch[];
}

/**
 * The operations every model has: create, read, update with an immer recipe,
 * delete, find, count, scan and aggregate. Every write is validated with the
 * model's zod schema before it reaches the adapter, and emits its event only
 * after it committed.
 *
 * @typeParam R - the stored record type.
 * @typeParam I - what `create` accepts.
 */
export class ModelService<R extends RecordBase, I> {
  /** The collection's name. */
  readonly collection: string;
  /** The filterable fields and indexes the adapter was told about. */
  readonly collectionSchema: CollectionSchema;
  /** @internal */
  protected readonly context: ServiceContext;
  /** @internal */
  protected readonly model: ModelDefinition;
  /** @internal */
  protected readonly schema: z.ZodType;
  readonly #readonlyFields: readonly string[];

  /** @internal Services are made by `createCrm`. */
  constructor(context: ServiceContext, model: ModelDefinition, schema: z.ZodType) {
    this.context = context;
    this.model = model;
    this.schema = schema;
    this.collection = model.collection;
    this.collectionSchema = context.schema.collections[model.collection]!;
    this.#readonlyFields = [...recordBaseFields, ...Object.keys(model.managedShape ?? {})];
  }

  /**
   * Validates and stores one record. Throws `ValidationError` (with zod's issues)
   * for bad input and writes nothing.
   *
   * @example
   * ```ts
   * const ada = await crm.customers.create({ name: 'Ada Lovelace', emails: ['ADA@example.com'] });
   * ada.emails; // ['ada@example.com']
   * ```
   */
  async create(input: I): Promise<R> {
    const [record] = await this.#createMany([input], true);
    return record!;
  }

  /**
   * Validates every input first and stores them together (atomically on adapters
   * with transactions). If any input is invalid, throws `ValidationError` with
   * issue paths starting at the item's index, and writes nothing. If an id is
   * taken, throws `ConflictError` and writes nothing (without transactions, the
   * records of the batch already inserted are deleted again).
   *
   * @example
   * ```ts
   * await crm.interactions.createMany(orders.map((o) => ({ customerId: o.customerId, channel: 'web', kind: 'purchase', purchase: o })));
   * ```
   */
  async createMany(inputs: readonly I[]): Promise<R[]> {
    if (!Array.isArray(inputs)) throw invalidInput('createMany takes an array of inputs', [], 'invalid_type');
    return this.#createMany(inputs, false);
  }

  /** `single`: one item of `create`, whose issue paths carry no index. */
  async #createMany(inputs: readonly I[], single: boolean): Promise<R[]> {
    const now = this.context.clock.now();
    const issues: CrmIssue[] = [];
    const records: R[] = [];
    const ids = new Set<string>();
    inputs.forEach((input, index) => {
      const prefix = single ? [] : [index];
      const record = this.#validateNew(input, now, prefix, issues);
      if (record === undefined) return;
      if (ids.has(record.id)) {
        issues.push({ code: 'duplicate_id', path: [...prefix, 'id'], message: `id ${record.id} appears twice in this batch` });
      }
      ids.add(record.id);
      records.push(record);
    });
    throwIfIssues(this.collection, issues);
    if (records.length === 0) return [];
    const stored = await this.context.atomically(async (storage) => {
      const prepared = await this.#prepare(storage, records.map((record) => ({ record, previous: undefined })), now, single);
      const outcomes = await storage.insertMany(this.collection, prepared as unknown as StoredRecord[]);
      const failed = outcomes.findIndex((outcome) => !outcome.ok);
      if (failed >= 0) {
        if (!this.context.adapter.capabilities.transactions) {
          // No transaction to roll back: take back what this batch did insert, so a conflict writes nothing.
          const inserted = prepared.filter((_, i) => outcomes[i]!.ok);
          if (inserted.length > 0) await storage.deleteMany(this.collection, inserted.map((r) => ({ id: r.id, expectedVersion: r.version })));
        }
        throw writeOutcomeError(this.collection, prepared[failed]!.id, outcomes[failed] as Extract<(typeof outcomes)[number], { ok: false }>, 'insert');
      }
      await this.runWriteHooks(storage, now, prepared.map((record) => change(this.collection, 'create', record.id, record, undefined)));
      return prepared;
    });
    for (const record of stored) this.emit('created', { record });
    return stored;
  }

  /**
   * The record with this id. Throws `NotFoundError` when there is none.
   *
   * @example
   * ```ts
   * const customer = await crm.customers.get(id);
   * ```
   */
  async get(id: string): Promise<R> {
    const [record] = await this.getMany([id]);
    if (record === undefined) throw new NotFoundError(this.collection, String(id));
    return record;
  }

  /**
   * The records with these ids, in the order asked, `undefined` where there is none.
   *
   * @example
   * ```ts
   * const [a, b] = await crm.customers.getMany([idA, idB]);
   * ```
   */
  async getMany(ids: readonly string[]): Promise<(R | undefined)[]> {
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) {
      throw new InvalidQueryError('getMany takes an array of string ids', [
        { code: 'invalid_type', path: ['ids'], message: 'ids must be strings' },
      ]);
    }
    const malformed = ids.flatMap((id, index) => malformedIdIssues(id, ['ids', index]));
    if (malformed.length > 0) throw new InvalidQueryError(`getMany: ${malformed[0]!.message}`, malformed);
    if (ids.length === 0) return [];
    return (await this.context.storage.getMany(this.collection, ids)) as (R | undefined)[];
  }

  /**
   * Changes a record with an immer recipe. The record is read inside the write's
   * transaction with the row held (`getMany` with `forUpdate`), the recipe's result
   * is validated, and the write is a compare-and-set on `version`. With
   * `expectedVersion`, a record at another version fails with `ConflictError`;
   * without it, concurrent updates all land (where the compare-and-set can still
   * lose, on an adapter without transactions, the recipe is re-run on the fresh
   * record for up to 10 s). The recipe runs inside the transaction: keep it quick.
   * A recipe that changes nothing writes nothing.
   *
   * @example
   * ```ts
   * await crm.customers.update(id, (draft) => { draft.tags.push('vip') }, { expectedVersion: 3 });
   * ```
   */
  async update(id: string, recipe: Recipe<R>, options: WriteOptions = {}): Promise<R> {
    return this.#update(id, recipe, options, false);
  }

  /**
   * {@link update} for the service's own rules: the recipe may also set the
   * model's managed fields (base fields stay the core's). A module's service
   * uses it to move a managed field (a case's `status`) after checking the move.
   *
   * @internal
   */
  protected updateManaged(id: string, recipe: Recipe<R>, options: WriteOptions = {}): Promise<R> {
    return this.#update(id, recipe, options, true);
  }

  async #update(id: string, recipe: Recipe<R>, options: WriteOptions, allowManaged: boolean): Promise<R> {
    if (typeof id !== 'string') throw invalidInput('update takes a string id', ['id'], 'invalid_type');
    throwIfIssues(this.collection, malformedIdIssues(id, ['id']));
    if (typeof recipe !== 'function') throw invalidInput('update takes a recipe function', ['recipe'], 'invalid_type');
    throwIfIssues(this.collection, versionIssues(options?.expectedVersion, ['expectedVersion']));
    const deadline = performance.now() + updateRetryWindowMs;
    for (let attempt = 1; ; attempt++) {
      const now = this.context.clock.now();
      // The read happens inside the write's atomic block, with the row held (forUpdate), so on an
      // adapter with transactions no other writer can slip in between the read and the write.
      const written = await this.context.atomically(async (storage) => {
        const [stored] = await storage.getMany(this.collection, [id], { forUpdate: true });
        if (stored === undefined) return { outcome: 'not_found' as const };
        const current = stored as unknown as R;
        checkVersion(this.collection, current, options.expectedVersion);
        const prepared = this.#applyRecipe(current, recipe, now, [], undefined, allowManaged);
        if (prepared.patches.length === 0) return { outcome: 'unchanged' as const, current };
        const [next] = await this.#prepare(storage, [{ record: prepared.next, previous: current }], now, true);
        const [outcome] = await storage.updateMany(this.collection, [
          { record: next as unknown as StoredRecord, expectedVersion: current.version },
        ]);
        if (!outcome!.ok) {
          // A lost compare-and-set is retried below; any other failure (a unique value taken) is final.
          if (outcome!.code === 'conflict' && (outcome!.reason ?? 'stale_version') === 'stale_version') return { outcome: 'conflict' as const };
          throw writeOutcomeError(this.collection, id, outcome!, 'update');
        }
        await this.runWriteHooks(storage, now, [change(this.collection, 'update', id, next!, current, prepared.patches, prepared.inversePatches)]);
        return { outcome: 'written' as const, prepared, next: next! };
      });
      switch (written.outcome) {
        case 'not_found':
          throw new NotFoundError(this.collection, id);
        case 'unchanged':
          return written.current;
        case 'written':
          this.#emitUpdated({ ...written.prepared, next: written.next });
          return written.next;
        case 'conflict':
          if (options.expectedVersion !== undefined || performance.now() >= deadline) throw staleVersion(this.collection, id);
          await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(updateRetryMaxPauseMs, 2 ** attempt)));
      }
    }
  }

  /**
   * Applies many recipes. Every recipe's result is validated first: if any is
   * invalid, throws `ValidationError` and writes nothing. Otherwise each item is
   * written with its own compare-and-set and reports its own result (a record
   * that is gone or changed in the meantime fails alone, with `not_found` or `conflict`).
   *
   * @example
   * ```ts
   * const results = await crm.deals.updateMany(ids.map((id) => ({ id, recipe: (d) => { d.ownerId = 'u-7' } })));
   * ```
   */
  async updateMany(items: readonly UpdateItem<R>[]): Promise<BulkItemResult<R>[]> {
    return this.#updateMany(items, false);
  }

  /**
   * {@link updateMany} for the service's own rules: the recipes may also set
   * the model's managed fields (see {@link updateManaged}).
   *
   * @internal
   */
  protected updateManyManaged(items: readonly UpdateItem<R>[]): Promise<BulkItemResult<R>[]> {
    return this.#updateMany(items, true);
  }

  async #updateMany(items: readonly UpdateItem<R>[], allowManaged: boolean): Promise<BulkItemResult<R>[]> {
    if (!Array.isArray(items)) throw invalidInput('updateMany takes an array of { id, recipe }', [], 'invalid_type');
    const issues: CrmIssue[] = [];
    items.forEach((item, index) => {
      if (typeof item !== 'object' || item === null) {
        issues.push({ code: 'invalid_type', path: [index], message: 'an item is an object { id, recipe, expectedVersion? }' });
      } else if (typeof item.id !== 'string') {
        issues.push({ code: 'invalid_type', path: [index, 'id'], message: 'id must be a string' });
      } else {
        issues.push(...malformedIdIssues(item.id, [index, 'id']));
        issues.push(...versionIssues(item.expectedVersion, [index, 'expectedVersion']));
      }
    });
    throwIfIssues(this.collection, issues);
    const now = this.context.clock.now();
    const currents = await this.getMany(items.map((item) => item.id));
    const results: (BulkItemResult<R> | undefined)[] = [];
    const pending: { index: number; prepared: PreparedUpdate<R> }[] = [];
    items.forEach((item, index) => {
      const current = currents[index];
      if (current === undefined) {
        results[index] = { ok: false, error: new NotFoundError(this.collection, item.id) };
      } else if (item.expectedVersion !== undefined && item.expectedVersion !== current.version) {
        results[index] = { ok: false, error: staleVersion(this.collection, item.id) };
      } else {
        if (typeof item.recipe !== 'function') {
          issues.push({ code: 'invalid_type', path: [index, 'recipe'], message: 'recipe must be a function' });
          return;
        }
        const prepared = this.#applyRecipe(current, item.recipe, now, [index], issues, allowManaged);
        if (prepared.patches.length === 0) results[index] = { ok: true, record: current };
        else pending.push({ index, prepared });
      }
    });
    throwIfIssues(this.collection, issues);
    const written = await this.context.atomically(async (storage) => {
      const nexts = await this.#prepare(
        storage,
        pending.map(({ prepared }) => ({ record: prepared.next, previous: prepared.current })),
        now,
        false,
        pending.map(({ index }) => index),
      );
      const outcomes = await storage.updateMany(
        this.collection,
        nexts.map((next, i) => ({ record: next as unknown as StoredRecord, expectedVersion: pending[i]!.prepared.current.version })),
      );
      await this.runWriteHooks(
        storage,
        now,
        pending.flatMap(({ prepared }, i) =>
          outcomes[i]!.ok ? [change(this.collection, 'update', nexts[i]!.id, nexts[i]!, prepared.current, prepared.patches, prepared.inversePatches)] : [],
        ),
      );
      return { nexts, outcomes };
    });
    pending.forEach(({ index, prepared }, i) => {
      const outcome = written.outcomes[i]!;
      if (outcome.ok) {
        const next = written.nexts[i]!;
        results[index] = { ok: true, record: next };
        this.#emitUpdated({ ...prepared, next });
      } else {
        results[index] = { ok: false, error: writeOutcomeError(this.collection, items[index]!.id, outcome, 'update') };
      }
    });
    return results as BulkItemResult<R>[];
  }

  /**
   * Writes fields the core maintains (the model's `managedShape`) on many records in one
   * atomic batch, for the services that derive them: `crm.analytics.churn({ persist: true })`
   * writes each customer's `churn`. Each record is read, the fields replaced, the record
   * validated and stored with its version bumped, and an `updated` event emitted. A field given
   * as `undefined` is removed from the record. Ids that no longer exist, or records changed
   * meanwhile, are skipped and counted; other fields are refused.
   *
   * @internal
   * @example
   * ```ts
   * await customers.writeManaged([{ id, fields: { churn: { probability: 0.93, riskBand: 'lost', … } } }]);
   * ```
   */
  async writeManaged(updates: readonly { readonly id: string; readonly fields: Readonly<Record<string, unknown>> }[]): Promise<{ updated: number; skipped: number }> {
    const managed = new Set(Object.keys(this.model.managedShape ?? {}));
    const issues: CrmIssue[] = [];
    updates.forEach((update, index) => {
      for (const field of Object.keys(update.fields)) {
        if (!managed.has(field)) issues.push({ code: 'invalid_option', path: [index, field], message: `${field} is not a managed field of ${this.collection}` });
      }
    });
    throwIfIssues(this.collection, issues);
    const now = this.context.clock.now();
    const currents = await this.getMany(updates.map((update) => update.id));
    const pending: PreparedUpdate<R>[] = [];
    let skipped = 0;
    updates.forEach((update, index) => {
      const current = currents[index];
      if (current === undefined) {
        skipped += 1;
        return;
      }
      const [produced, patches, inversePatches] = immer.produceWithPatches(current, (draft: Record<string, unknown>) => {
        for (const [field, value] of Object.entries(update.fields)) {
          if (value === undefined) delete draft[field];
          else draft[field] = value;
        }
      }) as unknown as [R, Patch[], Patch[]];
      if (patches.length === 0) return;
      const next = this.parseRecord({ ...(produced as object), updatedAt: now, version: current.version + 1 }, [index], issues);
      if (next !== undefined) pending.push({ current, next, patches, inversePatches });
    });
    throwIfIssues(this.collection, issues);
    const outcomes = await this.context.atomically(async (storage) => {
      const written = await storage.updateMany(
        this.collection,
        pending.map(({ next, current }) => ({ record: next as unknown as StoredRecord, expectedVersion: current.version })),
      );
      await this.runWriteHooks(
        storage,
        now,
        pending.flatMap((prepared, i) =>
          written[i]!.ok ? [change(this.collection, 'update', prepared.next.id, prepared.next, prepared.current, prepared.patches, prepared.inversePatches)] : [],
        ),
      );
      return written;
    });
    let updated = 0;
    pending.forEach((prepared, i) => {
      if (outcomes[i]?.ok) {
        updated += 1;
        this.#emitUpdated(prepared);
      } else skipped += 1;
    });
    return { updated, skipped };
  }

  /**
   * Deletes a record. Throws `NotFoundError` when there is none, `ConflictError`
   * when `expectedVersion` is stale or other records still refer to it.
   *
   * @example
   * ```ts
   * await crm.customers.delete(id, { expectedVersion: customer.version });
   * ```
   */
  async delete(id: string, options: WriteOptions = {}): Promise<void> {
    const [result] = await this.#deleteMany([{ id, expectedVersion: options?.expectedVersion }], true);
    if (!result!.ok) throw result!.error;
  }

  /**
   * Deletes many records, each with its own result (the deleted record, or why not).
   *
   * @example
   * ```ts
   * const results = await crm.interactions.deleteMany(ids);
   * ```
   */
  async deleteMany(items: readonly (string | { readonly id: string; readonly expectedVersion?: number })[]): Promise<BulkItemResult<R>[]> {
    if (!Array.isArray(items)) throw invalidInput('deleteMany takes an array of ids', [], 'invalid_type');
    return this.#deleteMany(items, false);
  }

  /** `single`: the one item of `delete`, whose issue paths carry no index. */
  async #deleteMany(
    items: readonly (string | { readonly id: string; readonly expectedVersion?: number })[],
    single: boolean,
  ): Promise<BulkItemResult<R>[]> {
    const targets = items.map((item) => (typeof item === 'string' ? { id: item } : item));
    const issues: CrmIssue[] = [];
    targets.forEach((target, index) => {
      const prefix = single ? [] : [index];
      if (typeof target?.id !== 'string') {
        issues.push({ code: 'invalid_type', path: single ? ['id'] : prefix, message: 'an item is a string id or { id, expectedVersion? }' });
      } else {
        issues.push(...malformedIdIssues(target.id, single ? ['id'] : prefix));
        issues.push(...versionIssues(target.expectedVersion, [...prefix, 'expectedVersion']));
      }
    });
    throwIfIssues(this.collection, issues);
    const results = await this.context.atomically(async (storage) => {
      const currents = (await storage.getMany(this.collection, targets.map((t) => t.id))) as (R | undefined)[];
      const blocked = await findReferrers(
        storage,
        this.collection,
        this.context.referencesTo(this.collection),
        currents.filter((c): c is R => c !== undefined).map((c) => c.id),
      );
      const out: BulkItemResult<R>[] = [];
      const deletes: { index: number; id: string; expectedVersion: number }[] = [];
      targets.forEach((target, index) => {
        const current = currents[index];
        if (current === undefined) out[index] = { ok: false, error: new NotFoundError(this.collection, target.id) };
        else if (target.expectedVersion !== undefined && target.expectedVersion !== current.version) {
          out[index] = { ok: false, error: staleVersion(this.collection, target.id) };
        } else if (blocked.has(target.id)) {
          out[index] = {
            ok: false,
            error: new ConflictError(this.collection, target.id, `${this.collection} ${target.id} is still referenced by ${blocked.get(target.id)}`, {
              reason: 'still_referenced',
            }),
          };
        } else deletes.push({ index, id: target.id, expectedVersion: current.version });
      });
      const outcomes = await storage.deleteMany(this.collection, deletes.map(({ id, expectedVersion }) => ({ id, expectedVersion })));
      deletes.forEach(({ index, id }, i) => {
        const outcome = outcomes[i]!;
        out[index] = outcome.ok ? { ok: true, record: currents[index]! } : { ok: false, error: writeOutcomeError(this.collection, id, outcome, 'delete') };
      });
      await this.runWriteHooks(
        storage,
        this.context.clock.now(),
        deletes.flatMap(({ index, id }, i) => (outcomes[i]!.ok ? [change(this.collection, 'delete', id, undefined, currents[index]!)] : [])),
      );
      return out;
    });
    for (const result of results) {
      if (result.ok) this.emit('deleted', { id: result.record.id, previous: result.record });
    }
    return results;
  }

  /**
   * One page of the records matching `where`, in `sort` order, with a cursor to
   * the next page. Pages neither repeat nor skip records, even while records are
   * inserted between them.
   *
   * @example
   * ```ts
   * const { items, nextCursor } = await crm.interactions.find({
   *   where: where('customerId', 'eq', ada.id),
   *   sort: [{ field: 'occurredAt', direction: 'desc' }],
   *   limit: 20,
   * });
   * ```
   */
  find<const O extends FindOptions = {}>(options?: CheckedFindOptions<R, O>): Promise<Page<R>>;
  async find(options: FindOptions = {}): Promise<Page<R>> {
    const limit = options.limit ?? defaultPageSize;
    if (!Number.isInteger(limit) || limit < 1 || limit > maxPageSize) {
      throw new InvalidQueryError(`limit must be an integer from 1 to ${maxPageSize}`, [
        { code: 'invalid_limit', path: ['limit'], message: `limit must be an integer from 1 to ${maxPageSize}` },
      ]);
    }
    const query = this.#resolveQuery(options.where, options.sort, options.cursor);
    const keysetAfter = this.context.adapter.capabilities.keysetAfter === true;
    const records = (await this.context.storage.find(this.collection, queryForAdapter({ ...query, limit: limit + 1 }, keysetAfter))) as unknown as R[];
    assertPageStartsAfter(query.sort, query.after, records);
    if (records.length <= limit) return { items: records };
    const items = records.slice(0, limit);
    return { items, nextCursor: encodeCursor(query.sort, items.at(-1)!) };
  }

  /**
   * The record's history, newest first: one entry per create, update and
   * delete, with the actor, the time, the version and per field the values
   * before and after (see `docs/history.md`). It outlives the record: a deleted
   * record's history is still here. Empty for a collection whose history the
   * host turned off (`createCrm({ history })`). Pages like `find`.
   *
   * @example
   * ```ts
   * const { items } = await crm.customers.history(ada.id, { limit: 20 });
   * items[0]?.fields; // [{ path: 'emails', old: ['ada@old.example'], new: ['ada@example.com'] }]
   * ```
   */
  async history(id: string, options: HistoryPageOptions = {}): Promise<Page<HistoryEntry>> {
    if (typeof id !== 'string') throw invalidInput('history takes a string id', ['id'], 'invalid_type');
    throwIfIssues(this.collection, malformedIdIssues(id, ['id']));
    const reader = new ModelService<HistoryEntry, never>(this.context, historyEntryModel, historyEntryModel.recordSchema);
    const where: Filter = {
      and: [
        { field: 'collection', op: 'eq', value: this.collection },
        { field: 'recordId', op: 'eq', value: id },
      ],
    };
    return (reader.find as (options: FindOptions) => Promise<Page<HistoryEntry>>)({
      where,
      sort: [
        { field: 'at', direction: 'desc' },
        { field: 'recordVersion', direction: 'desc' },
      ],
      ...(options.limit === undefined ? {} : { limit: options.limit }),
      ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
    });
  }

  /**
   * How many records match `where`.
   *
   * @example
   * ```ts
   * await crm.cases.count(where('status', 'in', ['new', 'open']));
   * ```
   */
  count(): Promise<number>;
  count<const W extends Filter | undefined>(filter: CheckedFilter<R, W>): Promise<number>;
  async count(filter?: Filter): Promise<number> {
    return this.context.storage.count(this.collection, this.resolveWhere(filter));
  }

  /**
   * Streams every matching record in batches, for reads too large for one page.
   *
   * @example
   * ```ts
   * for await (const batch of crm.interactions.scan({ where: where('kind', 'eq', 'purchase') })) {
   *   for (const purchase of batch) total += purchase.purchase!.amount;
   * }
   * ```
   */
  scan<const O extends ScanOptions = {}>(options?: CheckedScanOptions<R, O>): AsyncGenerator<readonly R[]>;
  async *scan(options: ScanOptions = {}): AsyncGenerator<readonly R[]> {
    const batchSize = options.batchSize ?? 1000;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > maxPageSize) {
      throw new InvalidQueryError(`batchSize must be an integer from 1 to ${maxPageSize}`, [
        { code: 'invalid_limit', path: ['batchSize'], message: 'invalid batch size' },
      ]);
    }
    const query = this.#resolveQuery(options.where, options.sort, undefined);
    yield* scanStorage(this.context.storage, this.collection, query, batchSize, {
      keysetAfter: this.context.adapter.capabilities.keysetAfter === true,
    }) as AsyncGenerator<readonly R[]>;
  }

  /**
   * Groups the matching records and computes measures per group, in the
   * database where the adapter can (`capabilities.aggregate`), else by streaming.
   * Rows come ordered by key.
   *
   * @example
   * ```ts
   * const perCustomer = await crm.interactions.aggregate({
   *   where: where('kind', 'eq', 'purchase'),
   *   groupBy: ['customerId'],
   *   measures: [
   *     { name: 'orders', fn: 'count' },
   *     { name: 'revenue', fn: 'sum', field: 'purchase.amount' },
   *     { name: 'lastOrderAt', fn: 'max', field: 'occurredAt' },
   *   ],
   * });
   * ```
   */
  aggregate<const O extends AggregateOptions>(options: CheckedAggregateOptions<R, O>): Promise<AggregateRowOf<R, O>[]>;
  async aggregate(options: AggregateOptions): Promise<AggregateRow[]> {
    const rows: AggregateRow[] = [];
    for await (const row of this.aggregateStream(options)) rows.push(row);
    return rows;
  }

  /**
   * Whether {@link aggregate} runs in the storage (the adapter declares
   * `capabilities.aggregate`) rather than through the core's streaming fallback.
   * One exception: a query with a date bucket in a time zone other than UTC
   * streams through the core unless the adapter also declares
   * `capabilities.timeZoneBuckets`.
   *
   * @example
   * ```ts
   * if (crm.interactions.aggregatesInStorage) console.log('grouped by the database');
   * ```
   */
  get aggregatesInStorage(): boolean {
    return this.context.adapter.capabilities.aggregate && this.context.storage.aggregate !== undefined;
  }

  /** Like {@link aggregate}, streaming rows as the adapter produces them. */
  aggregateStream<const O extends AggregateOptions>(options: CheckedAggregateOptions<R, O>): AsyncGenerator<AggregateRowOf<R, O>>;
  async *aggregateStream(options: AggregateOptions): AsyncGenerator<AggregateRow> {
    checkAggregateQuery(options, this.collectionSchema);
    checkAggregateHaving(options.having, options.measures);
    const having = options.having ?? [];
    if (having.length > 0) {
      for await (const row of this.aggregateStream({ ...options, having: undefined } as never)) {
        if (rowMatchesHaving(row as AggregateRow, having)) yield row as AggregateRow;
      }
      return;
    }
    const filter = this.resolveWhere(options.where);
    const { query, zoned } = resolveAggregate(options, filter, this.context.timeZone);
    const storage = this.context.storage;
    const capabilities = this.context.adapter.capabilities;
    const calendar = query.groupBy.some((key) => typeof key !== 'string' && (calendarDateBuckets as readonly string[]).includes(key.bucket));
    const pushdown =
      this.aggregatesInStorage && (!zoned || capabilities.timeZoneBuckets === true) && (!calendar || capabilities.calendarBuckets === true);
    if (pushdown && storage.aggregate) {
      yield* storage.aggregate(this.collection, query);
      return;
    }
    const batches = scanStorage(storage, this.collection, { filter, sort: [{ field: 'id', direction: 'asc' }] }, 5000, {
      keysetAfter: this.context.adapter.capabilities.keysetAfter === true,
    });
    yield* await aggregateRecords(batches, query);
  }

  /**
   * Checks a user's filter against this collection and resolves relative dates.
   *
   * @internal
   */
  protected resolveWhere(filter: Filter | undefined): StorageFilter | undefined {
    return filter === undefined ? undefined : resolveFilter(filter, this.collectionSchema, this.context.clock.now(), this.context.timeZone, this.context.schema);
  }

  /**
   * Completes records about to be written: managed fields, cross-record checks.
   * Refuses a write by reporting issues (paths relative to the item, as
   * `issues.add(index, …)`: the caller prefixes the item's index for batch
   * calls) or by throwing `InvalidTransitionError`. The base implementation
   * returns the records unchanged.
   *
   * @internal
   */
  protected async prepareWrites(
    _storage: StorageOperations,
    writes: readonly { record: R; previous: R | undefined }[],
    _now: Date,
    _issues: ItemIssues,
  ): Promise<R[]> {
    return writes.map(({ record }) => record);
  }

  /**
   * {@link prepareWrites}, then the reference checks; throws the issues of both.
   * `indexes` maps a write to its item's index in the call (by default its position).
   */
  async #prepare(
    storage: StorageOperations,
    writes: readonly { record: R; previous: R | undefined }[],
    now: Date,
    single: boolean,
    indexes?: readonly number[],
  ): Promise<R[]> {
    const collected = new ItemIssues(this.collection, { batch: !single });
    const issues = indexes === undefined ? collected : remapIssues(collected, indexes);
    const prepared = await this.prepareWrites(storage, writes, now, issues);
    collected.throwIfAny();
    await checkReferences(storage, this.collection, this.model.references ?? [], prepared, issues);
    collected.throwIfAny();
    return prepared;
  }

  /**
   * Runs the crm's write hooks with the changes a write's atomic block made,
   * before it commits. Every write path calls it (an `upsertMany` too).
   *
   * @internal
   */
  protected async runWriteHooks(storage: StorageOperations, now: Date, changes: readonly WriteChange[]): Promise<void> {
    const hooks = this.context.writeHooks;
    if (hooks.length === 0 || changes.length === 0) return;
    const actor = this.context.actor;
    const tenant = this.context.tenant;
    for (const hook of hooks) await hook(changes, { storage, now, actor, tenant });
  }

  /**
   * Emits events beyond created / updated / deleted after an update committed.
   *
   * @internal
   */
  protected afterUpdate(_record: R, _previous: R): void {}

  /** @internal */
  protected emit(kind: 'created' | 'updated' | 'deleted', payload: unknown): void {
    this.context.emit(`${this.model.entity}.${kind}` as CrmEventName, { ...(payload as object), actor: this.context.actor } as CrmEvents[CrmEventName]);
  }

  /** @internal Parses a candidate record, collecting zod's issues under `prefix`. */
  protected parseRecord(candidate: unknown, prefix: readonly PropertyKey[], issues: CrmIssue[]): R | undefined {
    const result = this.schema.safeParse(candidate);
    if (result.success) return result.data as R;
    for (const issue of result.error.issues) {
      // crmkit's own codes (`malformed_string`, `negative_amount`, …) travel in a custom issue's params.
      const own = issue.code === 'custom' ? (issue.params as { code?: unknown } | undefined)?.code : undefined;
      issues.push({ code: typeof own === 'string' ? own : issue.code, path: [...prefix, ...issue.path], message: issue.message });
    }
    return undefined;
  }

  #validateNew(input: unknown, now: Date, prefix: readonly PropertyKey[], issues: CrmIssue[]): R | undefined {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      issues.push({ code: 'invalid_type', path: [...prefix], message: `a ${this.model.entity} input must be an object` });
      return undefined;
    }
    const given = input as Record<string, unknown>;
    for (const field of this.#readonlyFields) {
      if (field !== 'id' && given[field] !== undefined) {
        issues.push({ code: 'readonly_field', path: [...prefix, field], message: `${field} is maintained by crmkit` });
      }
    }
    const candidate: Record<string, unknown> = { ...given };
    for (const field of this.model.defaultsToNow ?? []) candidate[field] ??= now;
    candidate.id = given.id ?? this.context.ids();
    candidate.createdAt = now;
    candidate.updatedAt = now;
    candidate.version = 1;
    Object.assign(candidate, this.managedDefaults(candidate, now));
    const before = issues.length;
    const record = this.parseRecord(candidate, prefix, issues);
    return issues.length === before ? record : undefined;
  }

  /**
   * Placeholder values for managed fields before {@link prepareWrites} computes
   * them, so the record parses. The base implementation has none.
   *
   * @internal
   */
  protected managedDefaults(_candidate: Record<string, unknown>, _now: Date): Record<string, unknown> {
    return {};
  }

  #applyRecipe(current: R, recipe: Recipe<R>, now: Date, prefix: readonly PropertyKey[], issues?: CrmIssue[], allowManaged = false): PreparedUpdate<R> {
    const [produced, patches, inversePatches] = immer.produceWithPatches(current, recipe as never) as unknown as [R, Patch[], Patch[]];
    if (patches.length === 0) return { current, next: current, patches, inversePatches };
    const collected = issues ?? [];
    const start = collected.length;
    for (const field of allowManaged ? recordBaseFields : this.#readonlyFields) {
      if (!sameValue((produced as Record<string, unknown>)[field], (current as Record<string, unknown>)[field])) {
        collected.push({ code: 'readonly_field', path: [...prefix, field], message: `${field} is maintained by crmkit` });
      }
    }
    const candidate = { ...(produced as object), updatedAt: now, version: current.version + 1 };
    const next = this.parseRecord(candidate, prefix, collected);
    if (issues === undefined) throwIfIssues(this.collection, collected);
    const valid = collected.length === start;
    return { current, next: valid ? next! : current, patches, inversePatches };
  }

  #emitUpdated({ current, next, patches, inversePatches }: PreparedUpdate<R>): void {
    this.emit('updated', { record: next, previous: current, patches, inversePatches });
    this.afterUpdate(next, current);
  }

  #resolveQuery(filter: Filter | undefined, sortInput: FindOptions['sort'], cursor: string | undefined): StorageQuery {
    const sort: SortKey[] = resolveSort(sortInput, this.collectionSchema);
    const resolved = this.resolveWhere(filter);
    const after = cursor === undefined ? undefined : decodeCursor(cursor, sort, this.collectionSchema.fields).map((value) => value ?? null);
    return { sort, ...(resolved === undefined ? {} : { filter: resolved }), ...(after === undefined ? {} : { after }) };
  }


  /**
   * Inserts or updates many records by a unique key, in one bulk call (atomic on
   * adapters with transactions), with per-item results: `created`, `updated`,
   * `unchanged` or the item's error. Validated like `createMany` and
   * `updateMany` (bad input writes nothing); re-running the same batch creates
   * nothing. See `src/services/upsert-many.ts`.
   *
   * @example
   * ```ts
   * const crm = await createCrm({ adapter, unique: { customers: ['custom.shopifyId'] }, customFields });
   * const results = await crm.customers.upsertMany(rows, { by: 'custom.shopifyId' });
   * ```
   */
  upsertMany(items: readonly I[], options: UpsertOptions): Promise<UpsertResult<R>[]> {
    return upsertMany<R, I>(
      {
        context: this.context,
        collection: this.collection,
        uniqueIndexes: this.collectionSchema.indexes,
        validateNew: (input, now, prefix, issues) => this.#validateNew(input, now, prefix, issues),
        applyRecipe: (current, recipe, now, prefix, issues) => this.#applyRecipe(current, recipe as Recipe<R>, now, prefix, issues),
        prepare: (storage, writes, now, indexes) => this.#prepare(storage, writes, now, false, indexes),
        runWriteHooks: (storage, now, changes) => this.runWriteHooks(storage, now, changes),
        emitCreated: (record) => this.emit('created', { record }),
        emitUpdated: (prepared) => this.#emitUpdated(prepared),
      },
      items,
      options,
    );
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return Object.is(a, b);
}

function checkVersion(collection: string, current: RecordBase, expected: number | undefined): void {
  if (expected !== undefined && current.version !== expected) throw staleVersion(collection, current.id, current.version, expected);
}

/**
 * The issue with an id that is not well-formed UTF-16: no stored record can have it (every write
 * refuses such strings), and a SQL driver would turn it into U+FFFD and find another record.
 */
function malformedIdIssues(id: string, path: PropertyKey[]): CrmIssue[] {
  if (isWellFormedString(id)) return [];
  return [{ code: 'malformed_string', path, message: 'an id must be well-formed UTF-16 (it holds a lone surrogate)' }];
}

/** The issue with an `expectedVersion` that is given but is not a positive integer. */
function versionIssues(expected: unknown, path: PropertyKey[]): CrmIssue[] {
  if (expected === undefined || (Number.isSafeInteger(expected) && (expected as number) >= 1)) return [];
  return [{ code: 'invalid_type', path, message: 'expectedVersion must be a positive integer' }];
}

function invalidInput(message: string, path: PropertyKey[], code: string): ValidationError {
  return new ValidationError(message, [{ code, path, message }]);
}

/** A collector reporting into `target` with each write's position mapped to its item's index. */
function remapIssues(target: ItemIssues, indexes: readonly number[]): ItemIssues {
  return Object.assign(Object.create(target) as ItemIssues, {
    add: (index: number, issue: CrmIssue) => target.add(indexes[index] ?? index, issue),
  });
}

/**
 * The shared scan loop, now in `src/storage/scan-storage.ts`; re-exported for the callers that import it from here.
 *
 * @internal
 */
export { scanStorage } from '../storage/scan-storage.js';
