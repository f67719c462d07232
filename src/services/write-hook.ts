import type { Patch } from 'immer';
import type { StorageOperations } from '../storage/adapter.js';
import type { RecordBase } from '../schema/record-base.js';
import type { StoredRecord } from '../storage/stored-record.js';
import type { Actor } from './actor.js';

/** The kinds of write a {@link WriteHook} sees. */
export const writeOperations = ['create', 'update', 'delete'] as const;

/** One of {@link writeOperations}. */
export type WriteOperation = (typeof writeOperations)[number];

/**
 * One record's change, as a {@link WriteHook} sees it, after the adapter
 * accepted it and before the atomic block commits.
 *
 * @example
 * ```ts
 * const row = { collection: change.collection, recordId: change.id, op: change.operation, patches: change.patches };
 * ```
 */
export interface WriteChange {
  /** The collection written to. */
  readonly collection: string;
  /** What happened to the record. */
  readonly operation: WriteOperation;
  /** The record's id. */
  readonly id: string;
  /** The record as stored now; `undefined` for a delete. */
  readonly record: StoredRecord | undefined;
  /** The record as it was; `undefined` for a create. */
  readonly previous: StoredRecord | undefined;
  /** For an update, the immer patches from `previous` to `record` (paths into the record); empty otherwise. */
  readonly patches: readonly Patch[];
  /** The patches that undo `patches`. */
  readonly inversePatches: readonly Patch[];
}

/** What a {@link WriteHook} may use: the storage of the atomic block the write runs in, the write's time and its actor. */
export interface WriteHookContext {
  /**
   * The storage of the write's atomic block (the open transaction, passed
   * through the crm's storage middleware): what a hook writes here commits or
   * rolls back with the change.
   */
  readonly storage: StorageOperations;
  /** The crm clock's time the write used for `updatedAt`. */
  readonly now: Date;
  /** Who made the write. */
  readonly actor: Actor;
  /** The tenant the write is scoped to (`createCrm({ tenant })`, `crm.forTenant`); `undefined` without tenancy. */
  readonly tenant?: string | undefined;
}

/**
 * A function run inside the atomic block of every write of every collection,
 * after the adapter accepted the batch and before it commits, with the batch's
 * changes (only the items that were written). What it writes through
 * `context.storage` is part of the same transaction; if it throws, the whole
 * write fails and, on adapters with transactions, rolls back (on an adapter
 * without transactions nothing can be undone). Hooks see raw storage: what
 * they write is not validated, emits no events and runs no hooks.
 *
 * @example
 * ```ts
 * const history: WriteHook = async (changes, { storage, now }) => {
 *   await storage.insertMany('history', changes.map((c) => ({ id: crypto.randomUUID(), createdAt: now, updatedAt: now, version: 1, ...c })));
 * };
 * const crm = await createCrm({ adapter, writeHooks: [history] });
 * ```
 */
export type WriteHook = (changes: readonly WriteChange[], context: WriteHookContext) => void | Promise<void>;

/**
 * A {@link WriteChange}, as every write path builds it for the hooks.
 *
 * @example
 * ```ts
 * const changes = written.map((record) => writeChange('customers', 'create', record.id, record, undefined));
 * ```
 */
export function writeChange(
  collection: string,
  operation: WriteOperation,
  id: string,
  record: RecordBase | undefined,
  previous: RecordBase | undefined,
  patches: readonly Patch[] = [],
  inversePatches: readonly Patch[] = [],
): WriteChange {
  return {
    collection,
    operation,
    id,
    record: record as unknown as StoredRecord | undefined,
    previous: previous as unknown as StoredRecord | undefined,
    patches,
    inversePatches,
  };
}
