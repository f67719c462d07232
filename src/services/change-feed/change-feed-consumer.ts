import type { StorageOperations } from '../../storage/adapter.js';
import { AdapterError, InvalidQueryError, ValidationError, type CrmIssue } from '../../storage/errors.js';
import type { StoredRecord } from '../../storage/stored-record.js';
import { tenantKeyedId } from '../access/tenant-id.js';
import { changeFeedConsumerModel, type ChangeFeedConsumerState, type ChangeFeedEntry, type ConsumerLease } from './change-feed-entry.js';
import type { FeedContext } from './feed-context.js';
import { decodeLeaseCursor, encodeLeaseCursor } from './feed-cursor.js';
import { readFeed } from './feed-reads.js';

/** Options of `crm.changes.consumer(name, options)`. */
export interface ConsumerOptions {
  /** Entries per batch, 1 to 10,000; 100 by default. */
  readonly batchSize?: number;
  /**
   * How long a batch stays this handle's, in ms (30,000 by default): a
   * batch not acknowledged by then is handed to the next `next()` of any
   * process, so a crashed process's batch is delivered again.
   */
  readonly leaseMs?: number;
}

/**
 * A batch of the feed handed to one consumer handle: entries in commit order
 * and the cursor that acknowledges them.
 *
 * @example
 * ```ts
 * const batch = await consumer.next();
 * if (batch) { await index(batch.entries); await consumer.ack(batch.cursor); }
 * ```
 */
export interface ChangeBatch {
  /** The entries, in commit order. */
  readonly entries: readonly ChangeFeedEntry[];
  /** Pass it to `ack` once the entries are processed. */
  readonly cursor: string;
}

/** Consumer names: 1–128 letters, digits and `._:-`. */
const consumerName = /^[A-Za-z0-9._:-]{1,128}$/u;

/** How long a lost compare-and-set of the consumer's state is retried. */
const retryWindowMs = 10_000;

/**
 * A named consumer of the change feed (`crm.changes.consumer('search-index')`).
 * Its position is stored, so a consumer picks up where it left off across
 * restarts: each entry is handed out at least once, and once acknowledged it
 * is not handed out again. Several processes (or handles) may share a name:
 * each `next()` leases the next range of entries not leased by another, so
 * two never take the same entries while their leases hold; a range whose lease
 * ran out unacknowledged (a process died) is handed out again. Entries come in
 * commit order within a batch; batches of different handles may be processed
 * side by side.
 *
 * @example
 * ```ts
 * const consumer = crm.changes.consumer('search-index', { batchSize: 500 });
 * for (let batch = await consumer.next(); batch; batch = await consumer.next()) {
 *   await searchIndex.apply(batch.entries);
 *   await consumer.ack(batch.cursor);
 * }
 * ```
 */
export class ChangeFeedConsumer {
  /** The consumer's name. */
  readonly name: string;
  readonly #context: FeedContext;
  /** The id of the consumer's state record: its name, made distinct per tenant. */
  readonly #recordId: string;
  readonly #owner: string;
  readonly #batchSize: number;
  readonly #leaseMs: number;

  /** @internal Made by `crm.changes.consumer`. */
  constructor(context: FeedContext, name: string, options: ConsumerOptions = {}) {
    const issues: CrmIssue[] = [];
    if (typeof name !== 'string' || !consumerName.test(name)) {
      issues.push({ code: 'invalid_option', path: ['name'], message: 'a consumer name is 1–128 letters, digits or ._:-' });
    }
    const batchSize = options.batchSize ?? 100;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
      issues.push({ code: 'invalid_option', path: ['batchSize'], message: 'batchSize is an integer from 1 to 10,000' });
    }
    const leaseMs = options.leaseMs ?? 30_000;
    if (!Number.isSafeInteger(leaseMs) || leaseMs < 1) issues.push({ code: 'invalid_option', path: ['leaseMs'], message: 'leaseMs is a positive integer' });
    if (issues.length > 0) throw new ValidationError(`Invalid consumer: ${issues.map((issue) => issue.message).join('; ')}`, issues);
    this.name = name;
    this.#recordId = tenantKeyedId(name, context.tenant);
    this.#context = context;
    this.#owner = context.ids();
    this.#batchSize = batchSize;
    this.#leaseMs = leaseMs;
  }

  /**
   * Leases the next batch: the oldest range whose lease ran out, else the
   * entries after every range handed out. `undefined` when there is nothing to
   * hand out now (poll again later).
   *
   * @example
   * ```ts
   * const batch = await consumer.next(); // { entries: [...], cursor } or undefined
   * ```
   */
  async next(): Promise<ChangeBatch | undefined> {
    return this.#withState(async (storage, state, now) => {
      const expired = state.leases.find((lease) => !lease.acked && lease.expiresAt.getTime() <= now.getTime());
      const expiresAt = new Date(now.getTime() + this.#leaseMs);
      if (expired !== undefined) {
        const entries = await readFeed(storage, expired.after, expired.upTo - expired.after, expired.upTo);
        const lease: ConsumerLease = { ...expired, owner: this.#owner, expiresAt };
        return { state: { ...state, leases: state.leases.map((l) => (l === expired ? lease : l)) }, result: this.#batch(entries, lease) };
      }
      const after = state.leases.reduce((max, lease) => Math.max(max, lease.upTo), state.position);
      const entries = await readFeed(storage, after, this.#batchSize);
      if (entries.length === 0) return { state: undefined, result: undefined };
      const lease: ConsumerLease = { owner: this.#owner, after, upTo: entries.at(-1)!.sequence, expiresAt, acked: false };
      return { state: { ...state, leases: [...state.leases, lease] }, result: this.#batch(entries, lease) };
    });
  }

  /**
   * Acknowledges a batch `next()` returned: its entries are never handed out
   * again, and the consumer's position moves past them once every earlier
   * batch is acknowledged too. Acknowledging twice is harmless; a cursor of
   * another consumer, or not from `next()`, is an `InvalidQueryError`.
   *
   * @example
   * ```ts
   * await consumer.ack(batch.cursor);
   * ```
   */
  async ack(cursor: string): Promise<void> {
    const range = decodeLeaseCursor(cursor);
    if (range.consumer !== this.name) {
      throw new InvalidQueryError('this cursor belongs to another consumer', [
        { code: 'invalid_cursor', path: ['cursor'], message: `the cursor is consumer ${JSON.stringify(range.consumer)}'s, not ${JSON.stringify(this.name)}'s` },
      ]);
    }
    await this.#withState(async (_storage, state) => {
      if (range.upTo <= state.position) return { state: undefined, result: undefined }; // acknowledged before
      const lease = state.leases.find((l) => l.after === range.after && l.upTo === range.upTo);
      if (lease === undefined || lease.acked) return { state: undefined, result: undefined };
      return { state: compact({ ...state, leases: state.leases.map((l) => (l === lease ? { ...l, acked: true } : l)) }), result: undefined };
    });
  }

  /**
   * The consumer's position: every entry with a sequence number up to it is
   * acknowledged (0 before the first acknowledgement).
   *
   * @example
   * ```ts
   * await consumer.position(); // 1200
   * ```
   */
  async position(): Promise<number> {
    const [stored] = await this.#context.storage.getMany(changeFeedConsumerModel.collection, [this.#recordId]);
    return (stored as unknown as ChangeFeedConsumerState | undefined)?.position ?? 0;
  }

  #batch(entries: readonly ChangeFeedEntry[], lease: ConsumerLease): ChangeBatch {
    return { entries, cursor: encodeLeaseCursor({ consumer: this.name, owner: lease.owner, after: lease.after, upTo: lease.upTo }) };
  }

  /**
   * Runs `step` on the consumer's state in an atomic block, the state read with
   * a lock and written back with a compare-and-set (retried when another
   * process changed it in between, on adapters without transactions).
   */
  async #withState<T>(
    step: (storage: StorageOperations, state: ChangeFeedConsumerState, now: Date) => Promise<{ state: ChangeFeedConsumerState | undefined; result: T }>,
  ): Promise<T> {
    const deadline = performance.now() + retryWindowMs;
    const collection = changeFeedConsumerModel.collection;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#context.atomically(async (storage) => {
        const now = this.#context.clock.now();
        const [stored] = await storage.getMany(collection, [this.#recordId], { forUpdate: true });
        const state: ChangeFeedConsumerState = (stored as unknown as ChangeFeedConsumerState | undefined) ?? {
          id: this.#recordId,
          createdAt: now,
          updatedAt: now,
          version: 0,
          position: 0,
          leases: [],
          custom: {},
        };
        const { state: next, result } = await step(storage, state, now);
        if (next === undefined) return { written: true, result };
        const record = { ...next, updatedAt: now, version: state.version + 1 } as unknown as StoredRecord;
        const [written] = stored === undefined
          ? await storage.insertMany(collection, [record])
          : await storage.updateMany(collection, [{ record, expectedVersion: state.version }]);
        return { written: written!.ok, result };
      });
      if (outcome.written) return outcome.result;
      if (performance.now() >= deadline) throw new AdapterError(`consumer ${this.name}: its state kept changing under it`);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
    }
  }
}

/** Moves the position past the acknowledged ranges that follow it, dropping them. */
function compact(state: ChangeFeedConsumerState): ChangeFeedConsumerState {
  let position = state.position;
  let leases = [...state.leases].sort((a, b) => a.after - b.after);
  for (;;) {
    const next = leases.find((lease) => lease.after === position && lease.acked);
    if (next === undefined) break;
    position = next.upTo;
    leases = leases.filter((lease) => lease !== next);
  }
  return { ...state, position, leases };
}
