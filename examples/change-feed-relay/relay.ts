/**
 * The change-feed relay: delivers every change of a crm to a NATS JetStream
 * stream and to a Redis stream, each entry once, in commit order, across
 * crashes and restarts. See README.md beside this file.
 *
 * Run: `node --import tsx examples/change-feed-relay/relay.ts`, configured
 * through the environment (read below).
 */
import { createCrm } from 'crmkit';
import { sqlAdapter, type SqlAdapterOptions } from 'crmkit/sql';
import * as z from 'zod';
import type { ChangeSink } from './change-sink.js';
import { jetStreamSink } from './jetstream-sink.js';
import { redisStreamSink } from './redis-stream-sink.js';
import { runRelay } from './relay-loop.js';

const positiveInt = z.coerce.number().int().positive();
const config = z
  .object({
    /** A SQLite file, or a `postgres://` URL. */
    CRM_DATABASE: z.string().min(1),
    /** On PostgreSQL, the schema holding the crm's tables (the search path's by default). */
    CRM_POSTGRES_SCHEMA: z.string().min(1).optional(),
    NATS_URL: z.string().default('nats://127.0.0.1:4222'),
    NATS_STREAM: z.string().regex(/^[A-Za-z0-9_-]+$/u).default('CRM_CHANGES'),
    NATS_SUBJECT: z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/u).default('crm.changes'),
    REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
    REDIS_STREAM: z.string().min(1).default('crm:changes'),
    RELAY_CONSUMER: z.string().default('relay'),
    RELAY_BATCH_SIZE: positiveInt.default(100),
    RELAY_LEASE_MS: positiveInt.default(30_000),
    RELAY_POLL_MS: positiveInt.default(1000),
    /** `1`: exit once everything is relayed (for a cron job, or a test), instead of polling on. */
    RELAY_EXIT_WHEN_CAUGHT_UP: z.enum(['0', '1']).default('0'),
    /** For the crash test only: `<sink>:<sequence>` stops the relay dead after that sink published that entry. */
    RELAY_PAUSE_AT: z.string().regex(/^[a-z]+:[0-9]+$/u).optional(),
  })
  .parse(process.env);

const database: SqlAdapterOptions = /^postgres(ql)?:\/\//u.test(config.CRM_DATABASE)
  ? { dialect: 'postgres', connectionString: config.CRM_DATABASE, ...(config.CRM_POSTGRES_SCHEMA === undefined ? {} : { schema: config.CRM_POSTGRES_SCHEMA }) }
  : { dialect: 'sqlite', filename: config.CRM_DATABASE };
const crm = await createCrm({ adapter: sqlAdapter(database) });

const sinks: ChangeSink[] = [];
const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
try {
  sinks.push(await jetStreamSink({ url: config.NATS_URL, stream: config.NATS_STREAM, subject: config.NATS_SUBJECT }));
  sinks.push(await redisStreamSink({ url: config.REDIS_URL, stream: config.REDIS_STREAM }));
  const [pauseSink, pauseSequence] = config.RELAY_PAUSE_AT?.split(':') ?? [];
  await runRelay({
    crm,
    consumer: config.RELAY_CONSUMER,
    batchSize: config.RELAY_BATCH_SIZE,
    leaseMs: config.RELAY_LEASE_MS,
    pollMs: config.RELAY_POLL_MS,
    sinks,
    exitWhenCaughtUp: config.RELAY_EXIT_WHEN_CAUGHT_UP === '1',
    signal: stop.signal,
    log: (line) => console.log(line),
    pauseAt: pauseSink === undefined ? undefined : { sink: pauseSink, sequence: Number(pauseSequence) },
  });
} finally {
  for (const sink of sinks) await sink.close();
  await crm.close();
}
