/**
 * checkSla over 100,000 open cases, on SQLite (a file) and PostgreSQL: how long
 * one run takes when 1 % of the cases are due (it writes them: flags, history,
 * escalation), and when none is (the index lookup alone), with the query plan
 * of the lookup. Run with `npx tsx bench/cases/check-sla.ts`; options:
 * `--cases 100000 --due 1000 --dialects sqlite,postgres`. The PostgreSQL URL
 * comes from CRMKIT_TEST_POSTGRES_URL (or the local default below).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { createCrm, type CaseInput } from '../../src/index.js';
import { sqlAdapter } from '../../adapters/sql/index.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const caseCount = Number(args.get('cases') ?? 100_000);
const dueCount = Number(args.get('due') ?? 1_000);
const dialects = (args.get('dialects') ?? 'sqlite,postgres').split(',');
const postgresUrl = process.env.CRMKIT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const minute = 60_000;
const now = new Date('2025-03-12T10:00:00Z'); // a Wednesday, 11:00 in Berlin
const office = [{ start: '08:00', end: '18:00' }];

/** The SQL the adapter sent that reads cases by slaNextCheckAt (captured through Kysely's log). */
const lookups: CompiledQuery[] = [];
const capture = (event: { query: CompiledQuery }) => {
  if (/sla_?next_?check/i.test(event.query.sql) && /^\s*select/i.test(event.query.sql)) lookups.push(event.query);
};

async function run(name: string, db: Kysely<any>, schema: string | undefined, explain: (query: CompiledQuery) => Promise<string>, cleanup: () => Promise<void>) {
  const clockNow = now.getTime();
  const adapter = schema === undefined ? sqlAdapter({ db, dialect: 'sqlite' }) : sqlAdapter({ db, dialect: 'postgres', schema });
  const crm = await createCrm({ adapter, clock: { now: () => new Date(clockNow) } });
  await crm.slaPolicies.create({
    name: 'Office',
    calendar: { timeZone: 'Europe/Berlin', hours: { monday: office, tuesday: office, wednesday: office, thursday: office, friday: office } },
    targets: [
      { kind: 'first_response', minutes: 240 },
      { kind: 'resolution', minutes: 2400 },
    ],
    escalation: { onBreach: { raisePriority: true, notify: ['leads@example.com'] } },
  });
  const customer = await crm.customers.create({ name: 'Load' });
  const loadStart = performance.now();
  for (let from = 0; from < caseCount; from += 5000) {
    const inputs: CaseInput[] = [];
    for (let i = from; i < Math.min(caseCount, from + 5000); i++) {
      // The first `dueCount` cases opened three business days ago (breached); the others within the last two hours.
      const openedAt = i < dueCount ? new Date(now.getTime() - 3 * 24 * 60 * minute) : new Date(now.getTime() - (i % 120) * minute);
      inputs.push({ customerId: customer.id, subject: `Case ${i}`, priority: 'normal', openedAt });
    }
    await crm.cases.createMany(inputs);
  }
  const loadMs = performance.now() - loadStart;
  lookups.length = 0;
  const t1 = performance.now();
  const first = await crm.cases.checkSla({ now });
  const dueMs = performance.now() - t1;
  const t2 = performance.now();
  const second = await crm.cases.checkSla({ now });
  const idleMs = performance.now() - t2;
  const plan = lookups.length > 0 ? await explain(lookups.at(-1)!) : '(no lookup captured)';
  console.log(
    `${name}: ${caseCount.toLocaleString('en')} open cases loaded in ${(loadMs / 1000).toFixed(1)} s; ` +
      `checkSla with ${first.checked} due: ${dueMs.toFixed(0)} ms (${first.breaches.length} breaches, ${first.escalations} escalations); ` +
      `again, none due: ${idleMs.toFixed(1)} ms (${second.checked} checked)`,
  );
  console.log(`  lookup: ${lookups.at(-1)?.sql.replace(/\s+/g, ' ')}`);
  console.log(`  plan:   ${plan}`);
  await crm.close();
  await cleanup();
}

if (dialects.includes('sqlite')) {
  const directory = mkdtempSync(join(tmpdir(), 'crmkit-bench-cases-'));
  const database = new Database(join(directory, 'cases.db'));
  database.pragma('journal_mode = WAL');
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database }), log: capture });
  await run(
    'sqlite',
    db,
    undefined,
    async (query) => {
      const rows = database.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...(query.parameters as unknown[])) as { detail: string }[];
      return rows.map((row) => row.detail).join(' | ');
    },
    async () => rmSync(directory, { recursive: true, force: true }),
  );
}

if (dialects.includes('postgres')) {
  const pool = new pg.Pool({ connectionString: postgresUrl, max: 4 });
  const schema = `bench_cases_${Date.now().toString(36)}`;
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }), log: capture });
  await run(
    'postgres',
    db,
    schema,
    async (query) => {
      const client = await pool.connect();
      try {
        await client.query(`ANALYZE "${schema}"."crm_cases"`);
        const result = await client.query(`EXPLAIN ${query.sql}`, query.parameters as unknown[]);
        return result.rows.map((row) => String(row['QUERY PLAN']).trim()).join(' | ');
      } finally {
        client.release();
      }
    },
    async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  );
}
