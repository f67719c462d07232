import { connect, JSONCodec, type JetStreamClient, type JetStreamManager, type NatsConnection } from 'nats';
import { changeMessage, type ChangeMessage, type ChangeSink, type FeedEntry } from './change-sink.js';

/** Where {@link jetStreamSink} publishes. */
export interface JetStreamSinkOptions {
  /** For example `nats://127.0.0.1:4222`. */
  readonly url: string;
  /** The stream, made when missing (for example `CRM_CHANGES`). */
  readonly stream: string;
  /** Entries go to `<subject>.<collection>.<operation>`; the stream takes `<subject>.>`. */
  readonly subject: string;
}

const codec = JSONCodec<ChangeMessage>();

/**
 * The JetStream message id of an entry. JetStream drops a message whose id it
 * has seen within the stream's duplicate window (2 minutes by default), and
 * says so in its acknowledgement.
 *
 * @example
 * ```ts
 * messageId(entry); // 'crm-change-42'
 * ```
 */
export function messageId(entry: Pick<FeedEntry, 'sequence'>): string {
  return `crm-change-${entry.sequence}`;
}

/**
 * A {@link ChangeSink} on a NATS JetStream stream: one message per entry,
 * with the `Nats-Msg-Id` header set to {@link messageId}, so a publish
 * repeated within the duplicate window is dropped by the server. (The relay
 * also asks the stream for its last message when it starts and skips what it
 * holds, which covers a relay that was down for longer than the window.)
 *
 * @example
 * ```ts
 * const sink = await jetStreamSink({ url: 'nats://127.0.0.1:4222', stream: 'CRM_CHANGES', subject: 'crm.changes' });
 * await sink.publish(entry); // 'published'
 * await sink.publish(entry); // 'duplicate'
 * ```
 */
export async function jetStreamSink(options: JetStreamSinkOptions): Promise<ChangeSink> {
  const connection = await connect({ servers: options.url });
  try {
    const manager = await connection.jetstreamManager();
    await ensureStream(manager, options);
    return new JetStreamSink(connection, manager, options);
  } catch (error) {
    await connection.close();
    throw error;
  }
}

async function ensureStream(manager: JetStreamManager, options: JetStreamSinkOptions): Promise<void> {
  try {
    await manager.streams.info(options.stream);
  } catch (error) {
    if (!/stream not found/i.test(String(error))) throw error;
    await manager.streams.add({ name: options.stream, subjects: [`${options.subject}.>`] });
  }
}

class JetStreamSink implements ChangeSink {
  readonly name = 'jetstream';
  readonly #connection: NatsConnection;
  readonly #client: JetStreamClient;
  readonly #manager: JetStreamManager;
  readonly #options: JetStreamSinkOptions;

  constructor(connection: NatsConnection, manager: JetStreamManager, options: JetStreamSinkOptions) {
    this.#connection = connection;
    this.#client = connection.jetstream();
    this.#manager = manager;
    this.#options = options;
  }

  async lastSequence(): Promise<number> {
    const { state } = await this.#manager.streams.info(this.#options.stream);
    if (state.messages === 0) return 0;
    const last = await this.#manager.streams.getMessage(this.#options.stream, { seq: state.last_seq });
    return codec.decode(last.data).sequence;
  }

  async publish(entry: FeedEntry): Promise<'published' | 'duplicate'> {
    const subject = `${this.#options.subject}.${entry.collection}.${entry.operation}`;
    const ack = await this.#client.publish(subject, codec.encode(changeMessage(entry)), { msgID: messageId(entry) });
    return ack.duplicate ? 'duplicate' : 'published';
  }

  async close(): Promise<void> {
    await this.#connection.drain();
  }
}
