import type { Crm } from 'crmkit';

/**
 * One entry of crmkit's change feed, as `crm.changes.read` and
 * `consumer.next()` return it.
 *
 * @example
 * ```ts
 * const { entries } = await crm.changes.read({ limit: 1 });
 * const entry: FeedEntry | undefined = entries[0]; // { sequence: 1, collection: 'customers', … }
 * ```
 */
export type FeedEntry = Awaited<ReturnType<Crm['changes']['read']>>['entries'][number];

/**
 * What a sink gets of an entry, as JSON: the change, without the feed's own
 * bookkeeping fields (its record id, version, timestamps).
 *
 * @example
 * ```ts
 * JSON.stringify(changeMessage(entry)); // {"sequence":7,"collection":"customers",…,"at":"2025-03-31T12:00:00.000Z"}
 * ```
 */
export interface ChangeMessage {
  readonly sequence: number;
  readonly collection: string;
  readonly recordId: string;
  readonly operation: FeedEntry['operation'];
  readonly recordVersion: number;
  readonly actor: FeedEntry['actor'];
  readonly changedFields: readonly string[];
  /** ISO 8601, UTC. */
  readonly at: string;
}

/**
 * The message a sink publishes for `entry`.
 *
 * @example
 * ```ts
 * changeMessage(entry).sequence === entry.sequence; // true
 * ```
 */
export function changeMessage(entry: FeedEntry): ChangeMessage {
  return {
    sequence: entry.sequence,
    collection: entry.collection,
    recordId: entry.recordId,
    operation: entry.operation,
    recordVersion: entry.recordVersion,
    actor: entry.actor,
    changedFields: entry.changedFields,
    at: entry.at.toISOString(),
  };
}

/**
 * What publishing one entry came to: the sink took it, or it already held
 * it and refused the copy.
 *
 * @example
 * ```ts
 * (await sink.publish(entry)) === 'duplicate'; // true the second time
 * ```
 */
export type PublishOutcome = 'published' | 'duplicate';

/**
 * Where the relay delivers the feed. A sink must be idempotent: publishing an
 * entry it already holds changes nothing and says `'duplicate'`. The relay
 * publishes to it in sequence order only, so "already holds" can be decided by
 * the sequence number (Redis: an explicit stream id; JetStream: a message id).
 *
 * @example
 * ```ts
 * const sinks: ChangeSink[] = [await jetStreamSink(options), await redisStreamSink(options)];
 * ```
 */
export interface ChangeSink {
  /** A short name for the relay's progress lines: `jetstream`, `redis`. */
  readonly name: string;
  /** The sequence number of the last entry the sink holds; 0 when it holds none. */
  lastSequence(): Promise<number>;
  /** Publishes one entry, and resolves once the sink has stored it (or refused it as a copy). */
  publish(entry: FeedEntry): Promise<PublishOutcome>;
  /** Closes the sink's connection. */
  close(): Promise<void>;
}
