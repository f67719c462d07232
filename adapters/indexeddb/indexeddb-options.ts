/**
 * The durability hints IndexedDB takes for read-write transactions.
 * `relaxed`: the transaction is reported complete once the browser has it,
 * before the operating system has flushed it to disk (Chromium's and Firefox's
 * fast path); `strict`: only after the flush; `default`: the browser decides.
 * Every one of them is all or nothing.
 */
export const durabilities = ['relaxed', 'default', 'strict'] as const;

/** One of {@link durabilities}. */
export type Durability = (typeof durabilities)[number];

/** Options of `indexedDbAdapter`. */
export interface IndexedDbAdapterOptions {
  /** The database's name. Two adapters (two tabs) with the same name share the data. */
  readonly name: string;
  /**
   * The IndexedDB factory; `globalThis.indexedDB` by default. In Node, import
   * `fake-indexeddb/auto` first (idb recognizes IndexedDB objects by the global
   * classes it installs) and pass `fake-indexeddb`'s `indexedDB` and `IDBKeyRange`.
   */
  readonly indexedDB?: IDBFactory;
  /** The `IDBKeyRange` class of that IndexedDB; `globalThis.IDBKeyRange` by default. */
  readonly IDBKeyRange?: typeof IDBKeyRange;
  /**
   * The durability of read-write transactions; `relaxed` by default. A crash of
   * the machine (not of the tab or the browser) may lose the last transactions
   * reported complete under `relaxed`, never part of one. Use `strict` when
   * that matters more than write speed.
   */
  readonly durability?: Durability;
  /**
   * How long, in milliseconds, a `crm.transaction` function may wait on something
   * other than crmkit operations (a timer, `fetch`) before the transaction is
   * rolled back with an `AdapterError`; 50 by default. While it waits, the
   * adapter keeps the IndexedDB transaction alive with small requests, so a
   * short pause never splits the transaction.
   */
  readonly maxTransactionPause?: number;
}
