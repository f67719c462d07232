import type { StoredRecord } from './stored-record.js';

/** Why one item of a bulk write was not written. */
export const writeFailureCodes = ['conflict', 'not_found'] as const;

/** One of {@link writeFailureCodes}. */
export type WriteFailureCode = (typeof writeFailureCodes)[number];

/**
 * The result of one item of a bulk write, in the order the items were given.
 * `conflict`: the id is taken (insert) or the stored version is not the expected one
 * (update, delete). `not_found`: there is no record with that id.
 */
export type WriteOutcome = { readonly ok: true } | { readonly ok: false; readonly code: WriteFailureCode };

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
