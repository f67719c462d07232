import type { Draft, Patch } from 'immer';
import type { RecordBase } from '../schema/record-base.js';
import type { StorageOperations } from '../storage/adapter.js';
import { ConflictError, NotFoundError, ValidationError, type CrmError, type CrmIssue } from '../storage/errors.js';
import type { ScalarValue } from '../storage/filter.js';
import { readPath } from '../storage/read-path.js';
import type { StoredRecord } from '../storage/stored-record.js';
import { uniqueIndexOn } from '../storage/unique-indexes.js';
import type { WriteOutcome } from '../storage/write-outcome.js';
import { writeChange, type WriteChange } from './write-hook.js';
import type { ServiceContext } from './service-context.js';

/** What `upsertMany` did with one item. */
export const upsertOutcomes = ['created', 'updated', 'unchanged'] as const;

/** One of {@link upsertOutcomes}. */
export type UpsertOutcome = (typeof upsertOutcomes)[number];

/**
 * The result of one item of `upsertMany`, in input order: the record stored and
 * what happened to it, or the error the item met (`conflict` when another
 * writer took the key or changed the record meanwhile, `not_found` when it was
 * deleted meanwhile).
 *
 * @example
 * ```ts
 * const results = await crm.customers.upsertMany(rows, { by: 'custom.shopifyId' });
 * const created = results.filter((r) => r.ok && r.outcome === 'created').length;
 * ```
 */
export type UpsertResult<R> =
  | { readonly ok: true; readonly outcome: UpsertOutcome; readonly record: R }
  | { readonly ok: false; readonly error: CrmError };

/**
 * Options of `upsertMany`.
 *
 * @example
 * ```ts
 * const options: UpsertOptions = { by: 'custom.shopifyId' };
 * ```
 */
export interface UpsertOptions {
  /** The key: a field with a unique index (`createCrm({ unique })` or the model's own). */
  readonly by: string;
}

/** A record about to be replaced, as the model service prepares it. @internal */
export interface PreparedReplacement<R> {
  readonly current: R;
  readonly next: R;
  readonly patches: Patch[];
  readonly inversePatches: Patch[];
}

/**
 * The model service's own steps that `upsertMany` runs, handed over by the
 * service so that an upsert validates, completes and emits exactly like
 * `createMany` and `updateMany`.
 *
 * @internal
 */
export interface UpsertSteps<R extends RecordBase, I> {
  readonly context: ServiceContext;
  readonly collection: string;
  readonly uniqueIndexes: readonly import('../storage/collection-schema.js').IndexDefinition[];
  validateNew(input: I, now: Date, prefix: readonly PropertyKey[], issues: CrmIssue[]): R | undefined;
  applyRecipe(current: R, recipe: (draft: Draft<R>) => void, now: Date, prefix: readonly PropertyKey[], issues: CrmIssue[]): PreparedReplacement<R>;
  /**
   * Completes the records about to be written (managed fields, cross-record rules) and checks
   * their references; issues are reported at `[indexes[i], ...]`, the item's place in the batch.
   */
  prepare(storage: StorageOperations, writes: readonly { record: R; previous: R | undefined }[], now: Date, indexes: readonly number[]): Promise<R[]>;
  /** Runs the crm's write hooks inside the atomic block, for the writes that landed. */
  runWriteHooks(storage: StorageOperations, now: Date, changes: readonly WriteChange[]): Promise<void>;
  emitCreated(record: R): void;
  emitUpdated(prepared: PreparedReplacement<R>): void;
}

const findChunk = 1000;

/**
 * Inserts or updates many records by a unique key, in one atomic block (one
 * transaction on adapters that have them). The stored records holding the
 * items' keys are found with one `in` query per thousand keys; an item whose
 * key is stored updates that record (the item's top-level fields replace the
 * stored ones, the others are kept: `updated`, or `unchanged` when nothing
 * differs, which writes nothing), the others are created (`created`). Every
 * item is validated first, like `createMany` and `updateMany`: one invalid item
 * (or one without a key, or two items with the same key) is a `ValidationError`
 * and nothing is written. Re-running the same batch creates nothing and
 * reports every item `unchanged`.
 *
 * @internal The public entry is `ModelService.upsertMany`.
 * @example
 * ```ts
 * const results = await upsertMany(steps, rows, { by: 'custom.shopifyId' });
 * ```
 */
export async function upsertMany<R extends RecordBase, I>(
  steps: UpsertSteps<R, I>,
  items: readonly I[],
  options: UpsertOptions,
): Promise<UpsertResult<R>[]> {
  const { collection, context } = steps;
  if (!Array.isArray(items)) throw invalid(collection, [{ code: 'invalid_type', path: [], message: 'upsertMany takes an array of inputs' }]);
  const by = (options as UpsertOptions | undefined)?.by;
  if (typeof by !== 'string' || uniqueIndexOn(steps.uniqueIndexes, by) === undefined) {
    throw invalid(collection, [
      {
        code: 'invalid_option',
        path: ['by'],
        message: `upsertMany needs { by } naming a unique field of ${collection} (declare it with createCrm({ unique: { ${collection}: [...] } })); ${JSON.stringify(by)} is not one`,
      },
    ]);
  }
  const keyPath = by.split('.');
  const issues: CrmIssue[] = [];
  const keys: ScalarValue[] = [];
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const key = typeof item === 'object' && item !== null ? readPath(item, by) : undefined;
    if (key === undefined || (typeof key === 'object' && !(key instanceof Date))) {
      issues.push({ code: 'missing_key', path: [index, ...keyPath], message: `an upsert item needs a value at ${by}` });
      return;
    }
    const mapKey = keyOf(key as ScalarValue);
    if (seen.has(mapKey)) {
      issues.push({ code: 'duplicate_key', path: [index, ...keyPath], message: `${by} ${JSON.stringify(key)} appears twice in this batch (items ${seen.get(mapKey)} and ${index})` });
    } else seen.set(mapKey, index);
    keys[index] = key as ScalarValue;
  });
  if (issues.length > 0) throw invalid(collection, issues);
  if (items.length === 0) return [];
  const now = context.clock.now();

  const written = await context.atomically(async (storage) => {
    const stored = new Map<string, R>();
    const distinct = [...new Set(keys)];
    for (let start = 0; start < distinct.length; start += findChunk) {
      const chunk = distinct.slice(start, start + findChunk);
      const found = await storage.find(collection, { filter: { field: by, op: 'in', value: chunk }, sort: [{ field: 'id', direction: 'asc' }] });
      for (const record of found) stored.set(keyOf(readPath(record, by) as ScalarValue), record as unknown as R);
    }
    const creates: { index: number; record: R }[] = [];
    const updates: { index: number; prepared: PreparedReplacement<R> }[] = [];
    const unchanged = new Map<number, R>();
    items.forEach((item, index) => {
      const current = stored.get(keyOf(keys[index]!));
      if (current === undefined) {
        const record = steps.validateNew(item, now, [index], issues);
        if (record !== undefined) creates.push({ index, record });
        return;
      }
      const given = item as Record<string, unknown>;
      if (given.id !== undefined && given.id !== current.id) {
        issues.push({ code: 'id_mismatch', path: [index, 'id'], message: `${by} ${JSON.stringify(keys[index])} belongs to ${current.id}, not ${String(given.id)}` });
        return;
      }
      const recipe = (draft: Draft<R>) => {
        for (const [field, value] of Object.entries(given)) if (field !== 'id') (draft as Record<string, unknown>)[field] = value;
      };
      const prepared = steps.applyRecipe(current, recipe, now, [index], issues);
      if (prepared.patches.length === 0 || sameContent(prepared.next, current)) unchanged.set(index, current);
      else updates.push({ index, prepared });
    });
    if (issues.length > 0) throw invalid(collection, issues);
    const newRecords = await steps.prepare(
      storage,
      creates.map(({ record }) => ({ record, previous: undefined })),
      now,
      creates.map(({ index }) => index),
    );
    const nextRecords = await steps.prepare(
      storage,
      updates.map(({ prepared }) => ({ record: prepared.next, previous: prepared.current })),
      now,
      updates.map(({ index }) => index),
    );
    const inserted = newRecords.length === 0 ? [] : await storage.insertMany(collection, newRecords as unknown as StoredRecord[]);
    const replaced =
      nextRecords.length === 0
        ? []
        : await storage.updateMany(
            collection,
            nextRecords.map((next, i) => ({ record: next as unknown as StoredRecord, expectedVersion: updates[i]!.prepared.current.version })),
          );
    await steps.runWriteHooks(storage, now, [
      ...newRecords.filter((_, i) => inserted[i]!.ok).map((record) => writeChange(collection, 'create', record.id, record, undefined)),
      ...nextRecords.flatMap((next, i) => {
        const { prepared } = updates[i]!;
        return replaced[i]!.ok ? [writeChange(collection, 'update', next.id, next, prepared.current, prepared.patches, prepared.inversePatches)] : [];
      }),
    ]);
    return { creates, updates, unchanged, newRecords, nextRecords, inserted, replaced };
  });

  const results: UpsertResult<R>[] = new Array(items.length);
  for (const [index, record] of written.unchanged) results[index] = { ok: true, outcome: 'unchanged', record };
  written.creates.forEach(({ index }, i) => {
    const outcome = written.inserted[i]!;
    const record = written.newRecords[i]!;
    if (outcome.ok) {
      results[index] = { ok: true, outcome: 'created', record };
      steps.emitCreated(record);
    } else results[index] = { ok: false, error: conflictOf(collection, record.id, outcome) };
  });
  written.updates.forEach(({ index, prepared }, i) => {
    const outcome = written.replaced[i]!;
    const next = written.nextRecords[i]!;
    if (outcome.ok) {
      results[index] = { ok: true, outcome: 'updated', record: next };
      steps.emitUpdated({ ...prepared, next });
    } else {
      results[index] = {
        ok: false,
        error: outcome.code === 'not_found' ? new NotFoundError(collection, next.id) : conflictOf(collection, next.id, outcome),
      };
    }
  });
  return results;
}

function conflictOf(collection: string, id: string, outcome: Extract<WriteOutcome, { ok: false }>): ConflictError {
  const reason = outcome.reason ?? 'stale_version';
  return new ConflictError(collection, id, `${collection} ${id}: ${reason === 'unique' ? `another record holds the same value in ${outcome.index}` : reason === 'id_taken' ? 'the id is taken' : 'changed by another write'}`, {
    reason,
    ...(outcome.index === undefined ? {} : { index: outcome.index }),
  });
}

function keyOf(value: ScalarValue): string {
  return value instanceof Date ? `d${value.getTime()}` : `${typeof value}:${String(value)}`;
}

/** True when two versions of a record hold the same data, `updatedAt` and `version` aside. */
function sameContent(a: object, b: object): boolean {
  const { updatedAt: _a, version: _av, ...left } = a as Record<string, unknown>;
  const { updatedAt: _b, version: _bv, ...right } = b as Record<string, unknown>;
  return deepEqual(left, right);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a).filter((key) => (a as Record<string, unknown>)[key] !== undefined);
  const keysB = Object.keys(b).filter((key) => (b as Record<string, unknown>)[key] !== undefined);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((key) => deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

function invalid(collection: string, issues: readonly CrmIssue[]): ValidationError {
  const summary = issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(input)'}: ${issue.message}`)
    .join('; ');
  return new ValidationError(`Invalid ${collection} upsert: ${summary}${issues.length > 5 ? `; and ${issues.length - 5} more` : ''}`, issues);
}
