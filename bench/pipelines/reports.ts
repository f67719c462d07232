/**
 * The sales reports over 100,000 deals with 1,000,000 stage changes (1,100,000 stage-history rows)
 * on SQLite and PostgreSQL: `crm.deals.forecast`, `winMetrics`, `stageMetrics`, `velocity` and
 * `slipped`, each against the same report written by hand in SQL on the same tables (GROUP BY
 * queries, PostgreSQL's percentile_disc, SQLite's window functions, and the same few lines of
 * JavaScript to shape the rows), with the answers checked equal. The data is written straight
 * through the adapter (`insertMany`), as the deal service would have stored it; the cost of the
 * moves themselves is measured separately (`moveToStage` per move on SQLite).
 *
 * `npx tsx bench/pipelines/reports.ts [--deals 100000 --dialects sqlite,postgres]`; PostgreSQL from
 * CRMKIT_TEST_POSTGRES_URL. Figures in bench/pipelines/README.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createCrm, pipelineModel, stageForecastCategory, type Crm, type ForecastCategory } from '../../src/index.js';
import type { StoredRecord } from '../../src/storage/index.js';
import { sqlAdapter, type SqlAdapter } from '../../adapters/sql/index.js';
import { medianTime, ms } from '../measure.js';
import { benchPipeline, benchStages, random } from './deal-generator.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const dealCount = Number(args.get('deals') ?? 100_000);
const dialects = (args.get('dialects') ?? 'sqlite,postgres').split(',');
const postgresUrl = process.env.CRMKIT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const movesPerDeal = 10;
const dayMs = 86_400_000;
const start = Date.UTC(2023, 0, 1);
const pipelineId = 'p-bench';
const owners = Array.from({ length: 20 }, (_, i) => `owner-${String(i).padStart(2, '0')}`);
const system = { kind: 'system', id: 'bench' };
const pad = (n: number) => String(n).padStart(8, '0');

/** One deal and its 11 stays: a random walk over the open stages, the 10th move closing 60 % of the deals. */
function dealRecords(i: number): { deal: StoredRecord; stays: StoredRecord[] } {
  const next = random(1_000_003 * (i + 1));
  const createdAt = start + Math.floor(next() * 730) * dayMs + Math.floor(next() * dayMs);
  const ownerId = owners[Math.floor(next() * owners.length)]!;
  const amount = Math.round(Math.exp(Math.log(50_000) + next() * Math.log(1000)));
  const id = `d${pad(i)}`;
  let at = createdAt;
  let position = 0;
  const stays: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  const enter = (stageId: string, outcome: string, probability: number, fromStageId?: string) => {
    const open = stays.at(-1);
    if (open !== undefined) Object.assign(open, { leftAt: new Date(at), leftBy: system, toStageId: stageId, durationMs: at - (open.enteredAt as Date).getTime() });
    stays.push({
      id: `${id}-${String(stays.length + 1).padStart(2, '0')}`,
      createdAt: new Date(at), updatedAt: new Date(at), version: 1,
      dealId: id, customerId: 'c-bench', pipelineId, stageId, outcome, probability, amount, currency: 'EUR', ownerId,
      ...(fromStageId === undefined ? {} : { fromStageId }),
      enteredAt: new Date(at), enteredBy: system, firstEntry: !seen.has(stageId), sequence: stays.length + 1, custom: {},
    });
    seen.add(stageId);
  };
  enter('lead', 'open', 0.1);
  let status = 'open';
  for (let move = 1; move <= movesPerDeal; move++) {
    at += (1 + Math.floor(next() * 20)) * dayMs;
    const from = benchStages[position]!.id;
    if (move === movesPerDeal && next() < 0.6) {
      status = next() < 0.2 + position * 0.1 ? 'won' : 'lost';
      enter(status, status, status === 'won' ? 1 : 0, from);
      break;
    }
    const forward = position === 0 || (position < benchStages.length - 1 && next() < 0.7);
    position += forward ? 1 : -1;
    enter(benchStages[position]!.id, 'open', benchStages[position]!.probability, from);
  }
  if (status !== 'open') for (const stay of stays) stay.dealOutcome = status;
  const slipped = next() < 0.2;
  const expected = createdAt + 60 * dayMs + (slipped ? 30 * dayMs : 0);
  const last = stays.at(-1)!;
  const deal: Record<string, unknown> = {
    id, createdAt: new Date(createdAt), updatedAt: new Date(at), version: 1 + movesPerDeal,
    pipelineId, stageId: last.stageId, customerId: 'c-bench', title: `Deal ${i}`, amount, currency: 'EUR',
    expectedCloseDate: new Date(expected), ownerId, lineItems: [], contacts: [], status,
    stageEnteredAt: last.enteredAt, slipCount: slipped ? 1 : 0, custom: {},
    ...(slipped ? { slippedAt: new Date(createdAt + 20 * dayMs) } : {}),
    ...(status === 'open' ? {} : { closedAt: new Date(at), cycleMs: at - createdAt }),
    ...(status === 'lost' ? { lostReason: 'price' } : {}),
  };
  return { deal: deal as unknown as StoredRecord, stays: stays as unknown as StoredRecord[] };
}

async function load(adapter: SqlAdapter): Promise<number> {
  const t = performance.now();
  const at = new Date(start);
  await adapter.insertMany('customers', [
    { id: 'c-bench', createdAt: at, updatedAt: at, version: 1, kind: 'organization', name: 'Bench', emails: [], phones: [], addresses: [], relationship: 'customer', lifecycleStage: 'customer', tags: [], consent: {}, custom: {} } as unknown as StoredRecord,
  ]);
  await adapter.insertMany('pipelines', [pipelineModel.recordSchema.parse({ id: pipelineId, createdAt: at, updatedAt: at, version: 1, ...structuredClone(benchPipeline) }) as unknown as StoredRecord]);
  for (let from = 0; from < dealCount; from += 5000) {
    const made = Array.from({ length: Math.min(5000, dealCount - from) }, (_, j) => dealRecords(from + j));
    await adapter.transaction(async (tx) => {
      await tx.insertMany('deals', made.map((m) => m.deal));
      await tx.insertMany('dealStageHistory', made.flatMap((m) => m.stays));
    });
  }
  return performance.now() - t;
}

/** The raw side: one query function per dialect, rows as plain objects. */
interface Raw {
  query(text: string, params: unknown[]): Promise<Record<string, unknown>[]>;
  month(column: string): string;
  quarter(column: string): string;
  table(name: string): string;
  bytes(value: string): unknown;
  quantiles: 'percentile' | 'window';
  close(): Promise<void>;
}

const text = (value: unknown): string | null => (value === null || value === undefined ? null : Buffer.isBuffer(value) || value instanceof Uint8Array ? Buffer.from(value).toString() : String(value));
const num = (value: unknown): number => Number(value);
const bucket = (value: unknown): Date | null => (value === null ? null : new Date(`${String(value)}T00:00:00.000Z`));
const stageById = new Map(benchPipeline.stages.map((s) => [s.id, s]));
const categories = ['pipeline', 'best_case', 'commit', 'closed', 'omitted'];

async function rawForecast(raw: Raw) {
  const deals = raw.table('deals');
  const open = await raw.query(
    `SELECT stage_id, currency, ${raw.month('expected_close_date')} AS m, COUNT(*) AS n, SUM(amount) AS a FROM ${deals} WHERE status = $1 GROUP BY stage_id, currency, m`,
    [raw.bytes('open')],
  );
  const won = await raw.query(`SELECT currency, ${raw.month('closed_at')} AS m, COUNT(*) AS n, SUM(amount) AS a FROM ${deals} WHERE status = $1 GROUP BY currency, m`, [raw.bytes('won')]);
  const rows = new Map<string, { period: Date | null; group: null; currency: string | null; category: ForecastCategory; deals: number; amount: number; weightedAmount: number }>();
  const add = (period: Date | null, currency: string | null, category: ForecastCategory, n: number, a: number, w: number) => {
    const key = `${period?.getTime()}|${currency}|${category}`;
    const row = rows.get(key) ?? { period, group: null, currency, category, deals: 0, amount: 0, weightedAmount: 0 };
    row.deals += n;
    row.amount += a;
    row.weightedAmount += w;
    rows.set(key, row);
  };
  for (const r of open) {
    const stage = stageById.get(text(r.stage_id)!)!;
    add(bucket(r.m), text(r.currency), stageForecastCategory(stage as never), num(r.n), num(r.a), Math.round(num(r.a) * stage.probability));
  }
  for (const r of won) add(bucket(r.m), text(r.currency), 'closed', num(r.n), num(r.a), num(r.a));
  return [...rows.values()].sort((x, y) => (x.period?.getTime() ?? Infinity) - (y.period?.getTime() ?? Infinity) || categories.indexOf(x.category) - categories.indexOf(y.category));
}

async function rawWinMetrics(raw: Raw) {
  const rows = await raw.query(
    `SELECT status, currency, ${raw.quarter('closed_at')} AS q, owner_id, COUNT(*) AS n, COUNT(amount) AS na, SUM(amount) AS a, SUM(cycle_ms) AS c
     FROM ${raw.table('deals')} WHERE status IN ($1, $2) GROUP BY status, currency, q, owner_id`,
    [raw.bytes('won'), raw.bytes('lost')],
  );
  const byKey = new Map<string, { period: Date | null; group: string | null; won: number; lost: number; wonAmount: Record<string, number>; n: Record<string, number>; c: number }>();
  for (const r of rows) {
    const key = `${r.q}|${text(r.owner_id)}`;
    const acc = byKey.get(key) ?? { period: bucket(r.q), group: text(r.owner_id), won: 0, lost: 0, wonAmount: {}, n: {}, c: 0 };
    if (text(r.status) === 'won') {
      acc.won += num(r.n);
      acc.c += num(r.c);
      acc.wonAmount[text(r.currency)!] = (acc.wonAmount[text(r.currency)!] ?? 0) + num(r.a);
      acc.n[text(r.currency)!] = (acc.n[text(r.currency)!] ?? 0) + num(r.na);
    } else acc.lost += num(r.n);
    byKey.set(key, acc);
  }
  return [...byKey.values()]
    .map(({ period, group, won, lost, wonAmount, n, c }) => ({
      period, group, won, lost, winRate: won / (won + lost), wonAmount,
      averageDealSize: Object.fromEntries(Object.entries(wonAmount).map(([k, v]) => [k, v / n[k]!])),
      averageSalesCycleDays: won === 0 ? null : c / won / dayMs,
    }))
    .sort((x, y) => (x.period?.getTime() ?? Infinity) - (y.period?.getTime() ?? Infinity) || (x.group! < y.group! ? -1 : 1));
}

async function rawStageMetrics(raw: Raw) {
  const history = raw.table('deal_stage_history');
  const firsts = await raw.query(`SELECT stage_id, to_stage_id, COUNT(*) AS n FROM ${history} WHERE pipeline_id = $1 AND first_entry = 1 GROUP BY stage_id, to_stage_id`, [raw.bytes(pipelineId)]);
  const quantiles =
    raw.quantiles === 'percentile'
      ? await raw.query(
          `SELECT stage_id, COUNT(*) AS n, percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_ms) AS median, percentile_disc(0.9) WITHIN GROUP (ORDER BY duration_ms) AS p90
           FROM ${history} WHERE pipeline_id = $1 AND duration_ms IS NOT NULL GROUP BY stage_id`,
          [raw.bytes(pipelineId)],
        )
      : (
          await raw.query(
            `SELECT stage_id, n, rn, duration_ms FROM (
               SELECT stage_id, duration_ms, ROW_NUMBER() OVER (PARTITION BY stage_id ORDER BY duration_ms) AS rn, COUNT(*) OVER (PARTITION BY stage_id) AS n
               FROM ${history} WHERE pipeline_id = $1 AND duration_ms IS NOT NULL) AS ranked
             WHERE rn = (n + 1) / 2 OR rn = (9 * n + 9) / 10`,
            [raw.bytes(pipelineId)],
          )
        ).reduce<Record<string, unknown>[]>((out, r) => {
          let row = out.find((o) => text(o.stage_id) === text(r.stage_id));
          if (row === undefined) out.push((row = { stage_id: r.stage_id, n: r.n }));
          if (num(r.rn) === Math.floor((num(r.n) + 1) / 2)) row.median = r.duration_ms;
          if (num(r.rn) === Math.floor((9 * num(r.n) + 9) / 10)) row.p90 = r.duration_ms;
          return out;
        }, []);
  const ordered = benchPipeline.stages.filter((s) => s.outcome !== 'lost');
  const position = new Map(ordered.map((s, i) => [s.id, i]));
  return ordered.map((stage) => {
    const mine = firsts.filter((r) => text(r.stage_id) === stage.id);
    const entered = mine.reduce((sum, r) => sum + num(r.n), 0);
    const movedForward = mine.filter((r) => r.to_stage_id !== null && (position.get(text(r.to_stage_id)!) ?? -1) > position.get(stage.id)!).reduce((sum, r) => sum + num(r.n), 0);
    const q = quantiles.find((r) => text(r.stage_id) === stage.id);
    return {
      stageId: stage.id, entered, movedForward, conversion: stage.outcome !== 'open' || entered === 0 ? null : movedForward / entered,
      stays: q === undefined ? 0 : num(q.n), medianMs: q === undefined ? null : num(q.median), p90Ms: q === undefined ? null : num(q.p90),
    };
  });
}

async function rawVelocity(raw: Raw, from: Date, to: Date) {
  const deals = raw.table('deals');
  const closed = await raw.query(
    `SELECT status, COUNT(*) AS n, COUNT(amount) AS na, SUM(amount) AS a, SUM(cycle_ms) AS c FROM ${deals} WHERE status IN ($1, $2) AND closed_at >= $3 AND closed_at < $4 GROUP BY status`,
    [raw.bytes('won'), raw.bytes('lost'), from.getTime(), to.getTime()],
  );
  const [open] = await raw.query(`SELECT COUNT(*) AS n FROM ${deals} WHERE status = $1`, [raw.bytes('open')]);
  const won = closed.find((r) => text(r.status) === 'won')!;
  const lost = closed.find((r) => text(r.status) === 'lost')!;
  const winRate = num(won.n) / (num(won.n) + num(lost.n));
  const averageDealSize = num(won.a) / num(won.na);
  const averageSalesCycleDays = num(won.c) / num(won.n) / dayMs;
  const openDeals = num(open!.n);
  return [{ group: null, currency: 'EUR', openDeals, winRate, averageDealSize, averageSalesCycleDays, perDay: (openDeals * winRate * averageDealSize) / averageSalesCycleDays }];
}

async function rawSlipped(raw: Raw) {
  const rows = await raw.query(
    `SELECT currency, ${raw.month('slipped_at')} AS m, COUNT(*) AS n, SUM(slip_count) AS s, SUM(amount) AS a FROM ${raw.table('deals')} WHERE slip_count > 0 GROUP BY currency, m`,
    [],
  );
  return rows
    .map((r) => ({ period: bucket(r.m), group: null, deals: num(r.n), slips: num(r.s), amount: { [text(r.currency)!]: num(r.a) } }))
    .sort((x, y) => x.period!.getTime() - y.period!.getTime());
}

function close(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(a, round)), JSON.parse(JSON.stringify(b, round)));
}
function round(_key: string, value: unknown): unknown {
  return typeof value === 'number' ? Number(value.toPrecision(12)) : value;
}

const window = { from: new Date(Date.UTC(2024, 0, 1)), to: new Date(Date.UTC(2025, 0, 1)) };

async function bench(dialect: string, adapter: SqlAdapter, raw: Raw, runs: number): Promise<void> {
  const crm: Crm = await createCrm({ adapter });
  const loadMs = await load(adapter);
  const [deals, stays] = [await crm.deals.count(), await crm.dealStageHistory.count()];
  console.log(`\n${dialect}: loaded ${deals} deals and ${stays} stage-history rows (${stays - deals} stage changes) in ${(loadMs / 1000).toFixed(1)} s`);
  const reports: [string, () => Promise<unknown>, () => Promise<unknown>][] = [
    ['forecast by month and category', () => crm.deals.forecast({ period: 'month' }), () => rawForecast(raw)],
    ['win metrics by quarter and owner', () => crm.deals.winMetrics({ period: 'quarter', by: 'owner' }), () => rawWinMetrics(raw)],
    ['stage conversion, median and p90 time in stage', () => crm.deals.stageMetrics({ pipelineId }), () => rawStageMetrics(raw)],
    ['pipeline velocity over 2024', () => crm.deals.velocity(window), () => rawVelocity(raw, window.from, window.to)],
    ['slipped deals by month', () => crm.deals.slipped({ period: 'month' }), () => rawSlipped(raw)],
  ];
  console.log('| report | crmkit | hand-written SQL | ratio | same answer |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const [name, ours, theirs] of reports) {
    const [x, y] = [await ours(), await theirs()];
    const same = close(x, y);
    if (!same && process.env.BENCH_DEBUG) console.log(JSON.stringify(x), '\n', JSON.stringify(y));
    const a = await medianTime(ours, runs);
    const b = await medianTime(theirs, runs);
    console.log(`| ${name} | ${ms(a)} | ${ms(b)} | ${(a / b).toFixed(2)}x | ${same ? 'yes' : 'NO'} |`);
  }
  if (dialect === 'sqlite') {
    // the moves themselves, through the API: 1,000 moveToStage calls, each its own transaction with its two history writes
    const sample = (await crm.deals.find({ where: { field: 'status', op: 'eq', value: 'open' }, limit: 1000 } as never)).items;
    const t = performance.now();
    for (const deal of sample) await crm.deals.moveToStage(deal.id, deal.stageId === 'lead' ? 'qualified' : 'lead');
    console.log(`moveToStage through the API on the loaded database: ${((performance.now() - t) / sample.length).toFixed(2)} ms per move (${sample.length} moves)`);
  }
  await crm.close();
}

const runs = Number(args.get('runs') ?? 5);
for (const dialect of dialects) {
  if (dialect === 'sqlite') {
    const folder = mkdtempSync(join(tmpdir(), 'crmkit-pipelines-'));
    const file = join(folder, 'bench.db');
    const adapter = sqlAdapter({ dialect: 'sqlite', filename: file });
    let db: Database.Database | undefined;
    const raw: Raw = {
      query: async (sqlText, params) => {
        db ??= new Database(file, { readonly: true });
        return db.prepare(sqlText.replace(/\$\d+/g, '?')).all(...params) as Record<string, unknown>[];
      },
      month: (c) => `strftime('%Y-%m-01', ${c} / 1000, 'unixepoch')`,
      quarter: (c) => `(strftime('%Y', ${c} / 1000, 'unixepoch') || '-' || printf('%02d', ((CAST(strftime('%m', ${c} / 1000, 'unixepoch') AS INTEGER) - 1) / 3) * 3 + 1) || '-01')`,
      table: (name) => `crm_${name}`,
      bytes: (value) => Buffer.from(value),
      quantiles: 'window',
      close: async () => void db?.close(),
    };
    await bench('sqlite', adapter, raw, runs);
    await raw.close();
    rmSync(folder, { recursive: true, force: true });
  } else if (dialect === 'postgres') {
    const pool = new pg.Pool({ connectionString: postgresUrl, max: 4 });
    const schema = `bench_pipelines_${Date.now().toString(36)}`;
    const adapter = sqlAdapter({ dialect: 'postgres', pool, schema });
    const raw: Raw = {
      query: async (sqlText, params) => (await pool.query(sqlText, params)).rows,
      month: (c) => `to_char(date_trunc('month', to_timestamp(${c} / 1000.0) AT TIME ZONE 'UTC'), 'YYYY-MM-DD')`,
      quarter: (c) => `to_char(date_trunc('quarter', to_timestamp(${c} / 1000.0) AT TIME ZONE 'UTC'), 'YYYY-MM-DD')`,
      table: (name) => `"${schema}"."crm_${name}"`,
      bytes: (value) => Buffer.from(value),
      quantiles: 'percentile',
      close: async () => {},
    };
    await bench('postgres', adapter, raw, runs);
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  }
}
