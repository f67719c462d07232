import { createClient } from 'redis';
import { changeMessage, type ChangeSink, type FeedEntry } from './change-sink.js';

/** Where {@link redisStreamSink} publishes. */
export interface RedisStreamSinkOptions {
  /** For example `redis://127.0.0.1:6379`. */
  readonly url: string;
  /** The stream's key (for example `crm:changes`). */
  readonly stream: string;
}

/**
 * The Redis stream id of an entry: its sequence number, `<sequence>-0`.
 *
 * @example
 * ```ts
 * streamId(entry); // '42-0'
 * ```
 */
export function streamId(entry: Pick<FeedEntry, 'sequence'>): string {
  return `${entry.sequence}-0`;
}

/** How often the sink tries to reconnect, every 500 ms, once it lost a connection it had. */
const reconnectTries = 20;

/** What Redis answers an XADD whose id is not above the stream's last one. */
const notAboveTop = /equal or smaller than the target stream top item/u;

/**
 * A {@link ChangeSink} on a Redis stream: one stream entry per feed entry,
 * added with the explicit id {@link streamId}. Redis refuses an id that is not
 * above the stream's last one, so a repeated publish is refused by the server,
 * however long after (the relay publishes in sequence order, so a refused id
 * is one the stream already holds). Fields: `sequence`, `collection`,
 * `recordId`, `operation`, `recordVersion`, `at` as they are, and `actor`,
 * `changedFields` as JSON.
 *
 * @example
 * ```ts
 * const sink = await redisStreamSink({ url: 'redis://127.0.0.1:6379', stream: 'crm:changes' });
 * await sink.publish(entry); // 'published'
 * await sink.publish(entry); // 'duplicate'
 * ```
 */
export async function redisStreamSink(options: RedisStreamSinkOptions): Promise<ChangeSink> {
  // Fail at once when Redis does not answer at the start; later, try again for a while (like the
  // NATS client), then fail the publish in hand, so the relay stops and its supervisor restarts it.
  let connected = false;
  const reconnectStrategy = (retries: number, cause: Error) =>
    !connected ? cause : retries >= reconnectTries ? new Error(`redis: gave up after ${retries} reconnection attempts: ${cause.message}`) : 500;
  const client = createClient({ url: options.url, socket: { reconnectStrategy } });
  client.on('error', (error: unknown) => console.error(`redis: ${String(error)}`));
  await client.connect();
  connected = true;
  return {
    name: 'redis',
    async lastSequence() {
      const last = (await client.xRevRange(options.stream, '+', '-', { COUNT: 1 }))?.[0];
      return last === undefined ? 0 : Number(last.id.split('-')[0]);
    },
    async publish(entry) {
      const message = changeMessage(entry);
      try {
        await client.xAdd(options.stream, streamId(entry), {
          sequence: String(message.sequence),
          collection: message.collection,
          recordId: message.recordId,
          operation: message.operation,
          recordVersion: String(message.recordVersion),
          actor: JSON.stringify(message.actor),
          changedFields: JSON.stringify(message.changedFields),
          at: message.at,
        });
        return 'published';
      } catch (error) {
        if (notAboveTop.test(String(error))) return 'duplicate';
        throw error;
      }
    },
    async close() {
      await client.close();
    },
  };
}
