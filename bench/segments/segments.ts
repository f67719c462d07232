/**
 * Segments at 100,000 customers and 1,000,000 interactions on memory, SQLite and PostgreSQL:
 *
 * - the segment "at least 3 purchases in the last 90 days and lifecycle = customer and not in
 *   segment X" (X a static segment of about 15,000 VIPs) counted through `crm.segments.count`,
 *   against the same count written by hand in SQL, and against the core's streaming fallback on
 *   the same database (`relatedFilterFallback` over the same adapter);
 * - RFM scoring (`crm.analytics.rfm`) against the same GROUP BY written by hand plus the same
 *   scoring function.
 *
 * Answers are checked equal. Data is written straight through the adapter (`insertMany`), as the
 * services would have stored it. `npx tsx bench/segments/segments.ts [--customers 100000
 * --interactions 1000000 --dialects memory,sqlite,postgres --runs 5]`; PostgreSQL from
 * CRMKIT_TEST_POSTGRES_URL. Figures in bench/README.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { ago, createCrm, relatedFilterFallback, where, type Crm, type CrmAdapter } from '../../src/index.js';
import { rfmScores } from '../../src/analytics/index.js';
import { resolveFilter, type StoredRecord } from '../../src/storage/index.js';
import { memoryAdapter } from '../../adapters/memory/index.js';
import { sqlAdapter, type SqlAdapter } from '../../adapters/sql/index.js';
import { testClock } from '../../src/testing/index.js';
import { medianTime, ms } from '../measure.js';
import { seededRandom } from '../synthetic-data.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const customerCount = Number(args.get('customers') ?? 100_000);
const interactionCount = Number(args.get('interactions') ?? 1_000_000);
const dialects = (args.get('dialects') ?? 'memory,sqlite,postgres').split(',');
const runs = Number(args.get('runs') ?? 5);
const postgresUrl = process.env.CRMKIT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const now = new Date(Date.UTC(2025, 0, 1));
const dayMs = 86_400_000;
const stages = ['lead', 'customer', 'customer', 'churned', 'subscriber'] as const;
const kinds = ['message', 'web_visit', 'purchase', 'call', 'purchase', 'web_visit', 'note'] as const;
const pad = (n: number) => `c${String(n).padStart(6, '0')}`;

function customers(): StoredRecord[] {
  const random = seededRandom(11);
  return Array.from({ length: customerCount }, (_, i) => {
    const at = new Date(now.getTime() - 800 * dayMs);
    return {
      id: pad(i), createdAt: at, updatedAt: at, version: 1, kind: 'person', name: `Customer ${i}`,
      lifecycleStage: stages[Math.floor(random() * stages.length)]!, emails: [], phones: [], tags: random() < 0.15 ? ['vip'] : [],
      consent: {}, custom: {}, searchKeys: [],
    } as unknown as StoredRecord;
  });
}

function* interactionBatches(size: number): Generator<StoredRecord[]> {
  const random = seededRandom(12);
  let batch: StoredRecord[] = [];
  for (let i = 0; i < interactionCount; i++) {
    const kind = kinds[Math.floor(random() * kinds.length)]!;
    // Skewed towards recent days, so "3 purchases in 90 days" selects a real share.
    const occurredAt = new Date(now.getTime() - Math.floor(random() ** 2 * 730 * dayMs));
    const record: Record<string, unknown> = {
      id: `i${String(i).padStart(8, '0')}`, createdAt: occurredAt, updatedAt: occurredAt, version: 1,
      customerId: pad(Math.floor(random() * customerCount)), channel: 'web', direction: 'inbound', kind, occurredAt, custom: {},
    };
    if (kind === 'purchase') record.purchase = { orderId: `o${i}`, amount: 100 + Math.floor(random() * 20_000), currency: 'EUR', lineItems: [] };
    batch.push(record as unknown as StoredRecord);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** What a hand-written SQL query needs: a runner, the table names and the byte encoding of strings. */
interface Raw {
  query(sql: string, params: unknown[]): Promise<Record<string, unknown>[]>;
  table(name: string): string;
  close(): Promise<void>;
}

const bytes = (value: string) => Buffer.from(value);

async function load(adapter: CrmAdapter): Promise<{ crm: Crm; vipSegmentId: string; seconds: number }> {
  const started = performance.now();
  const crm = await createCrm({ adapter, clock: testClock(now) });
  const all = customers();
  for (let i = 0; i < all.length; i += 5000) await adapter.insertMany('customers', all.slice(i, i + 5000));
  for (const batch of interactionBatches(5000)) await adapter.insertMany('interactions', batch);
  const vips = await crm.segments.define({ name: 'VIPs', where: where('tags', 'contains', 'vip') });
  const x = await crm.segments.snapshot(vips, { name: 'X' });
  return { crm, vipSegmentId: x.id, seconds: (performance.now() - started) / 1000 };
}

const segmentFilter = (x: string) =>
  where.and(
    where.related('interactions', {
      where: where.and(where('kind', 'eq', 'purchase'), where('occurredAt', 'gte', ago({ days: 90 }))),
      having: { fn: 'count', op: 'gte', value: 3 },
    }),
    where('lifecycleStage', 'eq', 'customer'),
    where.not(where.inSegment(x)),
  );

async function bench(name: string, adapter: CrmAdapter, raw: Raw | undefined): Promise<void> {
  const { crm, vipSegmentId, seconds } = await load(adapter);
  console.log(`\n## ${name}: loaded ${customerCount} customers, ${interactionCount} interactions in ${seconds.toFixed(1)} s`);
  const segment = await crm.segments.define({ name: 'Frequent customers, not X', where: segmentFilter(vipSegmentId) });
  const resolved = resolveFilter(segmentFilter(vipSegmentId), crm.schema.collections.customers!, now, 'UTC', crm.schema);
  const fallback = relatedFilterFallback({ keysetAfter: adapter.capabilities.keysetAfter === true, aggregate: adapter.capabilities.aggregate })(adapter);
  const count = await crm.segments.count(segment);
  const fallbackCount = await fallback.count('customers', resolved);
  if (fallbackCount !== count) throw new Error(`fallback ${fallbackCount} != ${count}`);
  const pushdown = await medianTime(() => crm.segments.count(segment), runs);
  const streamed = await medianTime(() => fallback.count('customers', resolved), Math.min(runs, 3));
  console.log(`segment count: ${count} customers`);
  console.log(`| segment count (crm.segments.count) | ${ms(pushdown)} |`);
  console.log(`| same, core streaming fallback | ${ms(streamed)} | ${(streamed / pushdown).toFixed(1)}x the pushdown |`);
  if (raw !== undefined) {
    const sqlAdapterLayout = (adapter as SqlAdapter).layout();
    const column = (collection: string, path: string) => {
      const table = sqlAdapterLayout.tables.find((t) => t.collection === collection)!;
      return `"${table.columns.find((c) => c.path === path)!.column}"`;
    };
    const handSql =
      `SELECT COUNT(*) AS n FROM ${raw.table('customers')} c WHERE c.${column('customers', 'lifecycleStage')} = $1 ` +
      `AND c."id" IN (SELECT i.${column('interactions', 'customerId')} FROM ${raw.table('interactions')} i WHERE i.${column('interactions', 'kind')} = $2 AND i.${column('interactions', 'occurredAt')} >= $3 GROUP BY i.${column('interactions', 'customerId')} HAVING COUNT(*) >= 3) ` +
      `AND c."id" NOT IN (SELECT m.${column('segmentMembers', 'customerId')} FROM ${raw.table('segment_members')} m WHERE m.${column('segmentMembers', 'segmentId')} = $4)`;
    const params = [bytes('customer'), bytes('purchase'), now.getTime() - 90 * dayMs, bytes(vipSegmentId)];
    const handCount = Number((await raw.query(handSql, params))[0]!.n);
    if (handCount !== count) throw new Error(`hand SQL ${handCount} != ${count}`);
    const hand = await medianTime(() => raw.query(handSql, params), runs);
    console.log(`| same, hand-written SQL | ${ms(hand)} | crmkit ${(pushdown / hand).toFixed(2)}x |`);
  }
  const scores = await crm.analytics.rfm({ asOf: now, currency: 'EUR' });
  const rfm = await medianTime(() => crm.analytics.rfm({ asOf: now, currency: 'EUR' }), runs);
  console.log(`rfm: ${scores.length} customers scored`);
  console.log(`| RFM (crm.analytics.rfm) | ${ms(rfm)} |`);
  if (raw !== undefined) {
    const sqlAdapterLayout = (adapter as SqlAdapter).layout();
    const column = (path: string) => `"${sqlAdapterLayout.tables.find((t) => t.collection === 'interactions')!.columns.find((c) => c.path === path)!.column}"`;
    const handSql =
      `SELECT ${column('customerId')} AS c, COUNT(*) AS n, SUM(${column('purchase.amount')}) AS s, MAX(${column('occurredAt')}) AS l FROM ${raw.table('interactions')} ` +
      `WHERE ${column('kind')} = $1 AND ${column('occurredAt')} <= $2 AND ${column('purchase.currency')} = $3 GROUP BY ${column('customerId')}`;
    const params = [bytes('purchase'), now.getTime(), bytes('EUR')];
    const handRfm = async () =>
      rfmScores(
        (await raw.query(handSql, params)).map((row) => ({
          customerId: Buffer.from(row.c as Uint8Array).toString(),
          purchases: Number(row.n),
          monetary: Number(row.s),
          lastPurchaseAt: new Date(Number(row.l)),
        })),
        { asOf: now },
      );
    if (!isDeepStrictEqual(await handRfm(), scores)) throw new Error('hand RFM differs');
    const hand = await medianTime(handRfm, runs);
    console.log(`| RFM, hand-written SQL + rfmScores | ${ms(hand)} | crmkit ${(rfm / hand).toFixed(2)}x |`);
  }
}

for (const dialect of dialects) {
  if (dialect === 'memory') {
    const adapter = memoryAdapter();
    await bench('memory', adapter, undefined);
    await adapter.close();
  } else if (dialect === 'sqlite') {
    const folder = mkdtempSync(join(tmpdir(), 'crmkit-segments-'));
    const file = join(folder, 'bench.db');
    const adapter = sqlAdapter({ dialect: 'sqlite', filename: file });
    let db: Database.Database | undefined;
    const raw: Raw = {
      query: async (sqlText, params) => {
        db ??= new Database(file, { readonly: true });
        return db.prepare(sqlText.replace(/\$\d+/g, '?')).all(...params) as Record<string, unknown>[];
      },
      table: (name) => `crm_${name}`,
      close: async () => void db?.close(),
    };
    await bench('sqlite', adapter, raw);
    await raw.close();
    await adapter.close();
    rmSync(folder, { recursive: true, force: true });
  } else if (dialect === 'postgres') {
    const pool = new pg.Pool({ connectionString: postgresUrl, max: 4 });
    const schema = `bench_segments_${Date.now().toString(36)}`;
    const adapter = sqlAdapter({ dialect: 'postgres', pool, schema });
    const raw: Raw = {
      query: async (sqlText, params) => (await pool.query(sqlText, params)).rows,
      table: (name) => `"${schema}"."crm_${name}"`,
      close: async () => {},
    };
    await bench('postgres', adapter, raw);
    await adapter.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  }
}
