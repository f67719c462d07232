import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, JSONCodec, type NatsConnection } from 'nats';
import pg from 'pg';
import { createClient } from 'redis';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { createCrm, type Crm } from 'crmkit';
import { memoryAdapter } from 'crmkit/memory';
import { sqlAdapter, type SqlAdapterOptions } from 'crmkit/sql';
import type { ChangeMessage, FeedEntry } from '../../examples/change-feed-relay/change-sink.js';
import { jetStreamSink } from '../../examples/change-feed-relay/jetstream-sink.js';
import { redisStreamSink } from '../../examples/change-feed-relay/redis-stream-sink.js';
import { uniqueName } from '../sql/server-url.js';
import { brokerUrls } from './broker-urls.js';
import { relayCommand, startRelay } from './relay-process.js';

const urls = brokerUrls('change-feed relay (NATS JetStream, Redis)');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const example = (file: string) => readFileSync(new URL(`../../examples/change-feed-relay/${file}`, import.meta.url), 'utf8');

/** Every entry of the feed, oldest first: what the sinks must hold, once each, in this order. */
async function wholeFeed(crm: Crm): Promise<FeedEntry[]> {
  const entries: FeedEntry[] = [];
  for (let after = '0'; ; ) {
    const page = await crm.changes.read({ after, limit: 1000 });
    if (page.entries.length === 0) return entries;
    entries.push(...page.entries);
    after = page.cursor;
  }
}

/** Creates, updates and deletes customers and logs an interaction; a rolled-back transaction adds nothing. */
async function writeChanges(crm: Crm, tag: string, count: number): Promise<void> {
  const customers = await crm.customers.createMany(range(1, count).map((i) => ({ name: `${tag} ${i}` })));
  for (const customer of customers.slice(0, count / 2)) await crm.customers.update(customer.id, (draft) => void draft.tags.push('vip'));
  await crm.interactions.create({ customerId: customers[0]!.id, channel: 'email', kind: 'message', occurredAt: new Date(), subject: tag });
  await crm.customers.delete(customers.at(-1)!.id);
  await expect(
    crm.transaction(async (tx) => {
      await tx.customers.create({ name: `${tag} rolled back` });
      throw new Error('roll back');
    }),
  ).rejects.toThrow('roll back');
}

/** What a test's database is: the relay's `CRM_DATABASE` (and schema), and the same crm opened in the test. */
interface Database {
  readonly env: Record<string, string>;
  readonly adapter: SqlAdapterOptions;
}

const databases: { name: string; open: () => Promise<Database> }[] = [
  {
    name: 'SQLite file',
    open: async () => {
      const folder = mkdtempSync(join(tmpdir(), 'crmkit-relay-'));
      onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
      const filename = join(folder, 'crm.db');
      return { env: { CRM_DATABASE: filename }, adapter: { dialect: 'sqlite', filename } };
    },
  },
];
const postgresUrl = process.env.CRMKIT_TEST_POSTGRES_URL;
if (postgresUrl) {
  databases.push({
    name: 'PostgreSQL',
    open: async () => {
      const schema = uniqueName('crmkit_relay_');
      onTestFinished(async () => {
        const admin = new pg.Client({ connectionString: postgresUrl });
        await admin.connect();
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await admin.end();
      });
      return { env: { CRM_DATABASE: postgresUrl, CRM_POSTGRES_SCHEMA: schema }, adapter: { dialect: 'postgres', connectionString: postgresUrl, schema, poolSize: 2 } };
    },
  });
}

if (urls !== undefined) {
  const codec = JSONCodec<ChangeMessage>();
  let nats: NatsConnection | undefined;
  const redis = createClient({ url: urls.redis });
  afterAll(async () => {
    await nats?.close();
    if (redis.isOpen) await redis.close();
  });

  /** Fresh stream names for one test, removed from both brokers when it ends. */
  async function streams() {
    nats ??= await connect({ servers: urls!.nats });
    if (!redis.isOpen) await redis.connect();
    const id = uniqueName('t');
    const names = { NATS_STREAM: `CRMKIT_RELAY_${id}`, NATS_SUBJECT: `crmkit.relay.${id}`, REDIS_STREAM: `crmkit:relay:${id}` };
    const manager = await nats.jetstreamManager();
    onTestFinished(async () => {
      await manager.streams.delete(names.NATS_STREAM).catch((error: unknown) => {
        if (!/stream not found/i.test(String(error))) throw error;
      });
      await redis.del(names.REDIS_STREAM);
    });
    /** The JetStream stream's messages, oldest first, with their `Nats-Msg-Id`. */
    const jetStream = async () => {
      const { state } = await manager.streams.info(names.NATS_STREAM);
      const messages: (ChangeMessage & { msgId: string | undefined; subject: string })[] = [];
      if (state.messages === 0) return messages;
      for (const seq of range(state.first_seq, state.last_seq)) {
        const stored = await manager.streams.getMessage(names.NATS_STREAM, { seq });
        messages.push({ ...codec.decode(stored.data), msgId: stored.header?.get('Nats-Msg-Id'), subject: stored.subject });
      }
      return messages;
    };
    /** The Redis stream's entries, oldest first. */
    const redisStream = async () => (await redis.xRange(names.REDIS_STREAM, '-', '+')) ?? [];
    return { env: names, names, jetStream, redisStream };
  }

  type Streams = Awaited<ReturnType<typeof streams>>;

  /** Both streams hold exactly the feed: every entry once, in sequence order, with its own ids. */
  async function expectStreamsHold(s: Streams, feed: readonly FeedEntry[]): Promise<void> {
    const expected = feed.map((entry) => [entry.sequence, entry.collection, entry.recordId, entry.operation, entry.recordVersion]);
    expect(feed.map((entry) => entry.sequence)).toEqual(range(1, feed.length));
    const jetStream = await s.jetStream();
    expect(jetStream.map((m) => [m.sequence, m.collection, m.recordId, m.operation, m.recordVersion])).toEqual(expected);
    expect(jetStream.map((m) => m.msgId)).toEqual(feed.map((entry) => `crm-change-${entry.sequence}`));
    expect(jetStream.map((m) => m.subject)).toEqual(feed.map((entry) => `${s.names.NATS_SUBJECT}.${entry.collection}.${entry.operation}`));
    const redisStream = await s.redisStream();
    expect(redisStream.map((m) => [Number(m.message.sequence), m.message.collection, m.message.recordId, m.message.operation, Number(m.message.recordVersion)])).toEqual(expected);
    expect(redisStream.map((m) => m.id)).toEqual(feed.map((entry) => `${entry.sequence}-0`));
  }

  async function sequencesIn(s: Streams) {
    return { jetStream: (await s.jetStream()).map((m) => m.sequence), redis: (await s.redisStream()).map((m) => Number(m.message.sequence)) };
  }

  describe.each(databases)('the change-feed relay on $name, killed midway and restarted', ({ open }) => {
    it(
      'killed after publishing a batch and before acknowledging it, the restart publishes nothing twice and loses nothing',
      async () => {
        const database = await open();
        const s = await streams();
        const crm = await createCrm({ adapter: sqlAdapter(database.adapter) });
        onTestFinished(() => crm.close());
        await writeChanges(crm, 'before', 40);
        const env = { ...database.env, ...s.env, RELAY_BATCH_SIZE: '10', RELAY_LEASE_MS: '1000', RELAY_POLL_MS: '100' };

        const first = startRelay({ ...env, RELAY_PAUSE_AT: 'redis:30' });
        await first.line(/^paused after redis published 30$/);
        first.process.kill('SIGKILL');
        expect((await first.ended()).signal).toBe('SIGKILL');
        // The worst moment: both sinks hold batch 21..30, the consumer has acknowledged only 1..20.
        expect(await sequencesIn(s)).toEqual({ jetStream: range(1, 30), redis: range(1, 30) });
        expect(await crm.changes.consumer('relay').position()).toBe(20);

        await writeChanges(crm, 'while down', 10); // the feed goes on while the relay is down
        await sleep(1200); // the dead relay's lease on 21..30 runs out
        const second = startRelay({ ...env, RELAY_EXIT_WHEN_CAUGHT_UP: '1' });
        await second.succeeded();
        // 21..30 came back first, and was recognised as held by both sinks.
        expect(second.lines()).toContain('jetstream 21..30: 0 published, 0 refused as copies, 10 skipped (held already)');
        expect(second.lines()).toContain('redis 21..30: 0 published, 0 refused as copies, 10 skipped (held already)');

        const feed = await wholeFeed(crm);
        expect(feed.length).toBe(62 + 17); // writeChanges(count) makes count + count / 2 + 2 entries
        await expectStreamsHold(s, feed);
        expect(await crm.changes.consumer('relay').position()).toBe(feed.length);
      },
      120_000,
    );

    it(
      'killed halfway through publishing a batch, the restart fills in what each sink misses before the entries after it, while the dead lease still holds',
      async () => {
        const database = await open();
        const s = await streams();
        const crm = await createCrm({ adapter: sqlAdapter(database.adapter) });
        onTestFinished(() => crm.close());
        await writeChanges(crm, 'before', 40);
        // A lease far longer than the test, so the restarted relay surely runs while the dead one's batch 21..30 is leased.
        const env = { ...database.env, ...s.env, RELAY_BATCH_SIZE: '10', RELAY_LEASE_MS: '600000', RELAY_POLL_MS: '100' };

        const first = startRelay({ ...env, RELAY_PAUSE_AT: 'jetstream:25' });
        await first.line(/^paused after jetstream published 25$/);
        first.process.kill('SIGKILL');
        await first.ended();
        expect(await sequencesIn(s)).toEqual({ jetStream: range(1, 25), redis: range(1, 20) });

        const second = startRelay(env);
        // The consumer hands out 31..40, not the dead relay's 21..30: each sink gets what it misses of 21..30 first.
        await second.line(/^acked 31\.\.40$/);
        expect(second.lines()).toContain('filling jetstream 26..30');
        expect(second.lines()).toContain('filling redis 21..30');
        await writeChanges(crm, 'while running', 6); // the relay polls on and takes these too
        const feed = await wholeFeed(crm);
        expect(feed.length).toBe(62 + 11);
        await second.line(new RegExp(`^acked [0-9]+\\.\\.${feed.length}$`));
        second.process.kill('SIGTERM'); // stops after the batch in hand, and exits cleanly
        await second.succeeded();

        await expectStreamsHold(s, feed);
        // 21..30 is still the dead relay's lease, unacknowledged: the consumer hands it out again when it runs out (see the test above).
        expect(await crm.changes.consumer('relay').position()).toBe(20);
      },
      120_000,
    );
  });

  describe('the relay sinks', () => {
    it('each refuses a copy of an entry it holds, and says which sequence it holds last', async () => {
      const s = await streams();
      const crm = await createCrm({ adapter: memoryAdapter() });
      await crm.customers.createMany([{ name: 'Ada' }, { name: 'Grace' }, { name: 'Alan' }]);
      const [one, two, three] = await wholeFeed(crm);
      const sinks = [
        await jetStreamSink({ url: urls.nats, stream: s.names.NATS_STREAM, subject: s.names.NATS_SUBJECT }),
        await redisStreamSink({ url: urls.redis, stream: s.names.REDIS_STREAM }),
      ];
      onTestFinished(async () => {
        for (const sink of sinks) await sink.close();
      });
      for (const sink of sinks) {
        expect(await sink.lastSequence()).toBe(0);
        expect([await sink.publish(one!), await sink.publish(two!), await sink.publish(three!)]).toEqual(['published', 'published', 'published']);
        // JetStream drops the copy by its Nats-Msg-Id, Redis by its stream id.
        expect([await sink.publish(two!), await sink.publish(three!)]).toEqual(['duplicate', 'duplicate']);
        expect(await sink.lastSequence()).toBe(3);
      }
      expect(await sequencesIn(s)).toEqual({ jetStream: [1, 2, 3], redis: [1, 2, 3] });
    });
  });
}

describe('the relay README', () => {
  const readme = example('README.md');

  it('starts the relay with the command the tests run', () => {
    expect(readme).toContain(relayCommand.join(' '));
  });

  it('documents every setting the relay reads', () => {
    const settings = [...example('relay.ts').matchAll(/^\s+((?:CRM|NATS|REDIS|RELAY)_[A-Z_]+):/gmu)].map((match) => match[1]!);
    expect(settings.length).toBeGreaterThan(10);
    for (const setting of settings) expect(readme, setting).toContain(`\`${setting}\``);
  });
});

describe('the relay, without its servers', () => {
  it('a sink on a server that does not answer fails to open, at once', async () => {
    const started = performance.now();
    await expect(jetStreamSink({ url: 'nats://127.0.0.1:1', stream: 'X', subject: 'x' })).rejects.toThrow(/CONNECTION_REFUSED/);
    await expect(redisStreamSink({ url: 'redis://127.0.0.1:1', stream: 'x' })).rejects.toThrow(/ECONNREFUSED/);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
