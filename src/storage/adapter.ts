import type { AdapterCapabilities } from './adapter-capabilities.js';
import type { AggregateQuery, AggregateRow } from './aggregate-query.js';
import type { StorageSchema } from './collection-schema.js';
import type { StorageFilter } from './filter.js';
import type { StorageQuery } from './storage-query.js';
import type { StoredRecord } from './stored-record.js';
import type { VersionedDelete, VersionedWrite, WriteOutcome } from './write-outcome.js';

/**
 * Options of {@link StorageOperations.getMany}.
 *
 * @example
 * ```ts
 * const options: GetManyOptions = { forUpdate: true };
 * ```
 */
export interface GetManyOptions {
  /** Inside a transaction, hold the rows read against other writers until it ends. Default `false`. */
  readonly forUpdate?: boolean;
}

/**
 * The data operations every adapter provides, inside and outside a transaction.
 * Every input has been validated by the core; an adapter stores and retrieves
 * plain records and reports per item what it could not write.
 */
export interface StorageOperations {
  /** Inserts records; an id that is taken yields `{ ok: false, code: 'conflict' }` and leaves the stored record alone. */
  insertMany(collection: string, records: readonly StoredRecord[]): Promise<readonly WriteOutcome[]>;
  /**
   * Reads records by id, in the order asked, `undefined` where there is none.
   *
   * With `options.forUpdate`, called inside a transaction, the rows read are held
   * against other writers until the transaction ends (`SELECT ... FOR UPDATE` on
   * PostgreSQL and MySQL): a concurrent writer of the same record waits, so a
   * read-modify-write in one transaction cannot lose an update. The core asks for
   * it in `update()` without `expectedVersion`. Adapters whose transactions are
   * already serialized (memory, IndexedDB, SQLite with `BEGIN IMMEDIATE`) may
   * ignore it, and outside a transaction it means nothing. An adapter written
   * before this option existed, which ignores it, still gives correct results:
   * the core's write is a version compare-and-set and it re-runs the recipe on
   * a conflict (for a bounded time, see `docs/semantics.md`).
   *
   * @example
   * ```ts
   * await adapter.transaction(async (tx) => {
   *   const [current] = await tx.getMany('customers', [id], { forUpdate: true });
   *   // ... no other writer changes `current` before this transaction commits
   * });
   * ```
   */
  getMany(collection: string, ids: readonly string[], options?: GetManyOptions): Promise<readonly (StoredRecord | undefined)[]>;
  /**
   * Replaces whole records, each only if its stored version equals `expectedVersion`
   * (one compare-and-set per item).
   */
  updateMany(collection: string, writes: readonly VersionedWrite[]): Promise<readonly WriteOutcome[]>;
  /** Deletes records by id, each only if its stored version equals `expectedVersion` when that is given. */
  deleteMany(collection: string, deletes: readonly VersionedDelete[]): Promise<readonly WriteOutcome[]>;
  /** The records matching `query.filter`, in `query.sort` order, at most `query.limit` of them. */
  find(collection: string, query: StorageQuery): Promise<readonly StoredRecord[]>;
  /** How many records match `filter`, without loading them where the storage allows. */
  count(collection: string, filter?: StorageFilter): Promise<number>;
  /**
   * Streams the matching records in batches of about `batchSize`. Optional: when
   * absent (`capabilities.scan` false) the core pages through {@link find}.
   */
  scan?(collection: string, query: StorageQuery, batchSize: number): AsyncIterable<readonly StoredRecord[]>;
  /**
   * Groups and aggregates in the storage. Optional: when absent (`capabilities.aggregate`
   * false) the core streams the records and aggregates them itself. Rows come ordered by key.
   */
  aggregate?(collection: string, query: AggregateQuery): AsyncIterable<AggregateRow>;
}

/**
 * A storage adapter: what `crmkit/memory`, `crmkit/sql` and `crmkit/indexeddb`
 * return, and what a plugin author implements. Run `describeAdapterConformance`
 * from `crmkit/testing` against yours.
 *
 * @example
 * ```ts
 * const crm = await createCrm({ adapter: memoryAdapter() });
 * ```
 */
export interface CrmAdapter extends StorageOperations {
  /** A short name for messages, for example `memory` or `sql:postgres`. */
  readonly name: string;
  /** What the adapter can do beyond the required operations. */
  readonly capabilities: AdapterCapabilities;
  /** Prepares storage for these collections (creating tables, stores, indexes). Called once by `createCrm`. */
  open(schema: StorageSchema): Promise<void>;
  /** Releases what the adapter owns (connections it opened, file handles). */
  close(): Promise<void>;
  /**
   * Runs `fn` with operations that commit together when it resolves and roll back
   * together when it throws. Adapters without the `transactions` capability throw
   * `UnsupportedError`.
   */
  transaction<T>(fn: (tx: StorageOperations) => Promise<T>): Promise<T>;
}
