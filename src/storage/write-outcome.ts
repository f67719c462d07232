import type { StoredRecord } from './stored-record.js';

/** Why one item of a bulk write was not written. */
export const writeFailureCodes = ['conflict', 'not_found'] as const;

/** One of {@link writeFailureCodes}. */
export type WriteFailureCode = (typeof writeFailureCodes)[number];

/**
 * Why an item failed with `conflict`: `id_taken` (an insert whose id exists),
 * `stale_version` (the stored version is not the expected one), `unique` (the
 * record would share the value of a unique index with another record).
 */
export const writeConflictReasons = ['id_taken', 'stale_version', 'unique'] as const;

/** One of {@link writeConflictReasons}. */
export type WriteConflictReason = (typeof writeConflictReasons)[number];

/**
 * The result of one item of a bulk write, in the order the items were given.
 * `conflict`: the id is taken (insert), the stored version is not the expected one
 * (update, delete), or a unique index already holds the value; `reason` says which
 * (optional, so adapters written before it keep working; the core then infers
 * `id_taken` for inserts and `stale_version` for updates). `index` names the
 * unique index for `unique`. `not_found`: there is no record with that id.
 *
 * @example
 * ```ts
 * const [outcome] = await adapter.insertMany('customers', [record]);
 * if (!outcome.ok && outcome.reason === 'unique') console.log(`taken in ${outcome.index}`);
 * ```
 */
export type WriteOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: WriteFailureCode; readonly reason?: WriteConflictReason; readonly index?: string };

/** A replacement of a whole record, applied only if the stored version is `expectedVersion`. */
export interface VersionedWrite<R = StoredRecord> {
  /** The new record; its `version` is `expectedVersion + 1`. */
  readonly record: R;
  /** The version the stored record must have. */
  readonly expectedVersion: number;
}

/** A deletion by id, applied only if the stored version is `expectedVersion` when that is given. */
export interface VersionedDelete {
  /** The id of the record to delete. */
  readonly id: string;
  /** When given, the version the stored record must have. */
  readonly expectedVersion?: number;
}
