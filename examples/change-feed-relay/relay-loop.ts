import type { Crm } from 'crmkit';
import type { ChangeSink, FeedEntry } from './change-sink.js';

/** What {@link runRelay} needs. */
export interface RelayOptions {
  /** The crm whose feed is relayed (only `crm.changes` is used). */
  readonly crm: Pick<Crm, 'changes'>;
  /** The named consumer whose position the relay keeps; run one relay per name. */
  readonly consumer: string;
  /** Entries per batch (the consumer's `batchSize`). */
  readonly batchSize: number;
  /** How long a batch stays this relay's (the consumer's `leaseMs`); a crashed relay's batch is handed out again after it. */
  readonly leaseMs: number;
  /** How long to wait when there is nothing to relay, in ms. */
  readonly pollMs: number;
  /** Where the entries go, each in sequence order. */
  readonly sinks: readonly ChangeSink[];
  /** Stop when every entry is relayed and acknowledged, instead of polling on. */
  readonly exitWhenCaughtUp: boolean;
  /** Stops the relay after the batch in hand. */
  readonly signal: AbortSignal;
  /** Where progress lines go. */
  readonly log: (line: string) => void;
  /**
   * For the crash tests only: stop dead (never ack, never return) once sink
   * `sink` has published the entry numbered `sequence`, so a test can kill the
   * relay in the worst place: after publishing, before acknowledging.
   */
  readonly pauseAt?: { readonly sink: string; readonly sequence: number } | undefined;
}

/** A sink, and the last sequence number it is known to hold. */
interface SinkPosition {
  readonly sink: ChangeSink;
  last: number;
}

/**
 * The relay: takes batches from a named consumer of the change feed, publishes
 * each entry to every sink, then acknowledges the batch. A crash anywhere
 * before the acknowledgement makes the consumer hand the batch out again
 * (after `leaseMs`), so nothing is lost; the sinks hold each entry once
 * because the relay skips what a sink already holds (it asks each sink for its
 * last sequence number when it starts) and the sinks refuse copies themselves.
 *
 * Each sink gets the entries in sequence order, with no gaps: after a crash
 * the restarted relay's consumer hands out the entries past the dead relay's
 * unacknowledged batch first (that batch stays leased until its lease runs
 * out), so before publishing a batch the relay publishes what lies between a
 * sink's last entry and the batch, read with `crm.changes.read`.
 *
 * @example
 * ```ts
 * await runRelay({ crm, consumer: 'relay', batchSize: 100, leaseMs: 30_000, pollMs: 1000, sinks, exitWhenCaughtUp: false, signal, log: console.log });
 * ```
 */
export async function runRelay(options: RelayOptions): Promise<void> {
  const { crm, log } = options;
  const consumer = crm.changes.consumer(options.consumer, { batchSize: options.batchSize, leaseMs: options.leaseMs });
  const sinks: SinkPosition[] = [];
  for (const sink of options.sinks) sinks.push({ sink, last: await sink.lastSequence() });
  log(`started consumer=${consumer.name} position=${await consumer.position()} ${sinks.map((s) => `${s.sink.name}=${s.last}`).join(' ')}`);

  while (!options.signal.aborted) {
    const batch = await consumer.next();
    if (batch === undefined) {
      if (options.exitWhenCaughtUp && (await caughtUp(crm, await consumer.position()))) {
        log(`caught up at ${await consumer.position()}`);
        return;
      }
      await sleep(options.pollMs, options.signal);
      continue;
    }
    const first = batch.entries[0]?.sequence;
    if (first !== undefined) {
      const acknowledged = await consumer.position();
      for (const position of sinks) {
        const from = Math.max(position.last, acknowledged);
        if (first > from + 1) {
          log(`filling ${position.sink.name} ${from + 1}..${first - 1}`);
          await publish(position, await readRange(crm, from, first - 1), options);
        }
        await publish(position, batch.entries, options);
      }
    }
    await consumer.ack(batch.cursor);
    log(`acked ${batch.entries.length === 0 ? 'an empty batch' : `${first}..${batch.entries.at(-1)!.sequence}`}`);
  }
}

/** Publishes `entries` (in sequence order) to one sink, skipping those it holds. */
async function publish(position: SinkPosition, entries: readonly FeedEntry[], options: RelayOptions): Promise<void> {
  const counts = { published: 0, duplicate: 0, skipped: 0 };
  for (const entry of entries) {
    if (entry.sequence <= position.last) {
      counts.skipped++;
      continue;
    }
    counts[await position.sink.publish(entry)]++;
    position.last = entry.sequence;
    const pause = options.pauseAt;
    if (pause !== undefined && pause.sink === position.sink.name && pause.sequence === entry.sequence) {
      options.log(`paused after ${pause.sink} published ${pause.sequence}`);
      await new Promise(() => setInterval(() => {}, 60_000));
    }
  }
  if (entries.length > 0) {
    const range = `${entries[0]!.sequence}..${entries.at(-1)!.sequence}`;
    options.log(`${position.sink.name} ${range}: ${counts.published} published, ${counts.duplicate} refused as copies, ${counts.skipped} skipped (held already)`);
  }
}

/** The entries after `after` up to `upTo`, read from the feed. */
async function readRange(crm: Pick<Crm, 'changes'>, after: number, upTo: number): Promise<FeedEntry[]> {
  const entries: FeedEntry[] = [];
  for (let cursor = String(after); ; ) {
    const page = await crm.changes.read({ after: cursor, limit: Math.min(10_000, upTo - Number(cursor)) });
    entries.push(...page.entries.filter((entry) => entry.sequence <= upTo));
    if (page.entries.length === 0 || Number(page.cursor) >= upTo) return entries;
    cursor = page.cursor;
  }
}

/** Whether the feed holds nothing past the consumer's position. */
async function caughtUp(crm: Pick<Crm, 'changes'>, position: number): Promise<boolean> {
  return (await crm.changes.read({ after: String(position), limit: 1 })).entries.length === 0;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
