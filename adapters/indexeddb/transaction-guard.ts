import { AdapterError } from '../../src/storage/index.js';
import { toAdapterError } from './idb-error.js';

/**
 * Keeps a crmkit transaction inside one IndexedDB transaction, or fails it
 * whole. IndexedDB commits a transaction by itself as soon as it has no request
 * pending when control returns to the event loop; a crmkit transaction's
 * function may only wait on crmkit operations, whose requests keep it alive.
 *
 * The guard counts the operations in flight. Whenever that count drops to zero
 * while the function has not finished, it issues a cheap probe request. When the
 * probe's result arrives, every promise callback queued before it has run: if
 * the function still has not finished and has started no operation, it is
 * waiting on something else (a timer, `fetch`, another database). The guard
 * then aborts the IndexedDB transaction, inside the probe's callback and so
 * before IndexedDB could commit it, and the crmkit transaction fails with an
 * {@link AdapterError}. Nothing is ever half committed.
 */
export class TransactionGuard {
  readonly #transaction: IDBTransaction;
  readonly #probeStore: string;
  #inFlight = 0;
  #probing = false;
  #settled = false;
  #failure: AdapterError | undefined;

  constructor(transaction: IDBTransaction, probeStore: string) {
    this.#transaction = transaction;
    this.#probeStore = probeStore;
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
      this.#failure = new AdapterError(
        'crmkit transaction rolled back: its function awaited something other than crmkit operations ' +
          '(a timer, fetch, another database…), and IndexedDB would have committed the transaction early. ' +
          'Do that work before or after the transaction.',
      );
      this.#transaction.abort();
    };
    request.onerror = (event) => {
      event.preventDefault();
      this.#probing = false;
    };
  }
}

/** A key no store holds: counting it reads next to nothing. */
const probeKey = '\u0000crmkit-probe';
