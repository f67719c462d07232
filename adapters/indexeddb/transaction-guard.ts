import { AdapterError } from '../../src/storage/index.js';
import { toAdapterError } from './idb-error.js';

/**
 * Keeps a crmkit transaction inside one IndexedDB transaction, or fails it
 * whole. IndexedDB commits a transaction by itself as soon as it has no request
 * pending when control returns to the event loop; a crmkit transaction's
 * function normally waits only on crmkit operations, whose requests keep it alive.
 *
 * The guard counts the operations in flight. Whenever that count drops to zero
 * while the function has not finished, it issues a cheap probe request. When the
 * probe's result arrives, every promise callback queued before it has run: if
 * the function still has not finished and has started no operation, it is
 * waiting on something else (a timer, `fetch`, another database). The guard
 * keeps the transaction alive with further probes for up to `maxPause`
 * milliseconds, so that a function that pauses after its last operation (to
 * yield to the event loop, say) still commits; past that, or as soon as the
 * function starts another operation after such a pause (browsers refuse
 * requests from outside IndexedDB's callbacks), it aborts the IndexedDB
 * transaction and the crmkit transaction fails with an {@link AdapterError}.
 * The abort happens while the transaction is still alive, so nothing is ever
 * half committed.
 */
export class TransactionGuard {
  readonly #transaction: IDBTransaction;
  readonly #probeStore: string;
  #inFlight = 0;
  #probing = false;
  #settled = false;
  #failure: AdapterError | undefined;
  #idleSince: number | undefined;
  readonly #maxPause: number;

  constructor(transaction: IDBTransaction, probeStore: string, maxPause: number) {
    this.#transaction = transaction;
    this.#probeStore = probeStore;
    this.#maxPause = maxPause;
    transaction.addEventListener('abort', () => {
      if (!this.#settled && this.#failure === undefined) {
        this.#failure = toAdapterError(transaction.error ?? new Error('aborted'), 'running a transaction') as AdapterError;
      }
    });
  }

  /** Why the transaction failed, once it has. */
  get failure(): AdapterError | undefined {
    return this.#failure;
  }

  /**
   * Starts watching; call right after starting the transaction's function.
   *
   * @example
   * ```ts
   * const pending = fn(operations);
   * guard.start();
   * ```
   */
  start(): void {
    if (this.#inFlight === 0) this.#probe();
  }

  /**
   * Runs one operation of the transaction, counting it as in flight.
   *
   * @example
   * ```ts
   * const records = await guard.run('reading customers', () => reader.find(store, query));
   * ```
   */
  async run<T>(doing: string, operation: () => Promise<T>): Promise<T> {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#settled) throw new AdapterError(`this transaction has ended; ${doing} must happen inside it`);
    if (this.#idleSince !== undefined) {
      // The function waited on something else and came back: IndexedDB no longer takes
      // requests from here (browsers make the transaction inactive), so end it whole.
      this.#fail(`its function awaited something other than crmkit operations, then ${doing}`);
      throw this.#failure!;
    }
    this.#inFlight++;
    try {
      return await operation();
    } catch (error) {
      throw this.#failure ?? toAdapterError(error, doing);
    } finally {
      if (--this.#inFlight === 0) this.#probe();
    }
  }

  /**
   * Marks the function finished: the caller commits or aborts next.
   *
   * @example
   * ```ts
   * guard.settle();
   * ```
   */
  settle(): void {
    this.#settled = true;
  }

  #fail(why: string): void {
    this.#failure ??= new AdapterError(
      `crmkit transaction rolled back: ${why}. An IndexedDB transaction ends when its callbacks wait on anything ` +
        'else (a timer, fetch, another database…); do that work before or after crm.transaction.',
    );
    try {
      this.#transaction.abort();
    } catch {
      // already finished
    }
  }

  #probe(): void {
    if (this.#probing || this.#settled || this.#failure !== undefined) return;
    this.#probing = true;
    let request: IDBRequest;
    try {
      request = this.#transaction.objectStore(this.#probeStore).count(probeKey);
    } catch {
      this.#probing = false;
      return; // the transaction has already ended; the next operation reports why
    }
    request.onsuccess = () => {
      this.#probing = false;
      if (this.#settled || this.#failure !== undefined || this.#inFlight > 0) return;
      const now = Date.now();
      this.#idleSince ??= now;
      if (now - this.#idleSince < this.#maxPause) {
        this.#probe(); // keep the transaction alive a little longer
        return;
      }
      this.#fail(`its function awaited something other than crmkit operations for more than ${this.#maxPause} ms`);
    };
    request.onerror = (event) => {
      event.preventDefault();
      this.#probing = false;
    };
  }
}

/** A key no store holds: counting it reads next to nothing. */
const probeKey = '\u0000crmkit-probe';
