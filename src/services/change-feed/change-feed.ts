import { InvalidQueryError, ValidationError } from '../../storage/errors.js';
import type { StorageFilter } from '../../storage/filter.js';
import { changeFeedConsumerModel, changeFeedEntryModel, type ChangeFeedConsumerState, type ChangeFeedEntry } from './change-feed-entry.js';
import { ChangeFeedConsumer, type ConsumerOptions } from './change-feed-consumer.js';
import type { FeedContext } from './feed-context.js';
import { feedPosition } from './feed-cursor.js';
import { readFeed } from './feed-reads.js';

/** Options of `crm.changes.read`. */
export interface ReadChangesOptions {
  /** Entries after this cursor (a `cursor` a read returned); from the oldest kept entry when absent. */
  readonly after?: string;
  /** At most this many entries, 1 to 10,000; 100 by default. */
  readonly limit?: number;
}

/**
 * A page of the change feed: entries in commit order, and the cursor to read
 * on from (the last entry's sequence number; the given `after` when the page
 * is empty, so polling can go on from it).
 *
 * @example
 * ```ts
 * const { entries, cursor } = await crm.changes.read({ after: saved, limit: 500 });
 * ```
 */
export interface ChangesPage {
  /** The entries, in commit order. */
  readonly entries: readonly ChangeFeedEntry[];
  /** Read on with `{ after: cursor }`. */
  readonly cursor: string;
}

/**
 * `crm.changes`: the durable change feed, a transactional outbox. Every
 * committed write of any collection appended one entry per record in its own
 * transaction, numbered in commit order with no gaps (see `docs/change-feed.md`),
 * so a reader that goes on from its last sequence number never skips an entry
 * and never sees one that did not commit.
 *
 * @example
 * ```ts
 * let cursor: string | undefined;
 * for (;;) {
 *   const page = await crm.changes.read(cursor === undefined ? {} : { after: cursor });
 *   await publish(page.entries);
 *   cursor = page.cursor;
 *   if (page.entries.length === 0) await sleep(1000);
 * }
 * ```
 */
export class ChangeFeed {
  readonly #context: FeedContext;

  /** @internal Made by `createCrm`. */
  constructor(context: FeedContext) {
    this.#context = context;
  }

  /**
   * Entries after `after`, in commit order. A bad cursor or limit is an `InvalidQueryError`.
   *
   * @example
   * ```ts
   * const first = await crm.changes.read({ limit: 10 });
   * const next = await crm.changes.read({ after: first.cursor, limit: 10 });
   * ```
   */
  async read(options: ReadChangesOptions = {}): Promise<ChangesPage> {
    const after = feedPosition(options.after, ['after']);
    const limit = options.limit ?? 100;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 10_000) {
      throw new InvalidQueryError('limit must be an integer from 1 to 10,000', [{ code: 'invalid_limit', path: ['limit'], message: 'limit must be an integer from 1 to 10,000' }]);
    }
    const entries = await readFeed(this.#context.storage, after, limit);
    return { entries, cursor: String(entries.at(-1)?.sequence ?? after) };
  }

  /**
   * A named consumer, whose position is stored (see {@link ChangeFeedConsumer}).
   * An invalid name or option is a `ValidationError`.
   *
   * @example
   * ```ts
   * const consumer = crm.changes.consumer('warehouse', { batchSize: 1000, leaseMs: 60_000 });
   * ```
   */
  consumer(name: string, options: ConsumerOptions = {}): ChangeFeedConsumer {
    return new ChangeFeedConsumer(this.#context, name, options);
  }

  /**
   * Deletes the entries written before `before` that every consumer has
   * acknowledged (all of them before `before` when there is no consumer yet),
   * in batches, and says how many. A reader without a consumer that is behind
   * may find pruned entries gone.
   *
   * @example
   * ```ts
   * await crm.changes.prune({ before: subDays(crm.clock.now(), 30) }); // { deleted: 120_000 }
   * ```
   */
  async prune(options: { readonly before: Date }): Promise<{ deleted: number }> {
    const before = options?.before;
    if (!(before instanceof Date) || Number.isNaN(before.getTime())) {
      throw new ValidationError('prune needs a valid before date', [{ code: 'invalid_type', path: ['before'], message: 'before must be a valid Date' }]);
    }
    const storage = this.#context.storage;
    const consumers = (await storage.find(changeFeedConsumerModel.collection, { sort: [{ field: 'id', direction: 'asc' }] })) as unknown as ChangeFeedConsumerState[];
    const passed = consumers.reduce((min, consumer) => Math.min(min, consumer.position), Number.MAX_SAFE_INTEGER);
    let deleted = 0;
    const filter: StorageFilter = {
      and: [
        { field: 'sequence', op: 'lte', value: passed },
        { field: 'at', op: 'lt', value: before },
      ],
    };
    for (;;) {
      const batch = await storage.find(changeFeedEntryModel.collection, { filter, sort: [{ field: 'sequence', direction: 'asc' }, { field: 'id', direction: 'asc' }], limit: 1000 });
      if (batch.length === 0) break;
      const outcomes = await storage.deleteMany(changeFeedEntryModel.collection, batch.map((entry) => ({ id: entry.id })));
      deleted += outcomes.filter((outcome) => outcome.ok).length;
    }
    return { deleted };
  }
}
