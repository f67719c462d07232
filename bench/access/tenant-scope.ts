/**
 * Tenant scoping on SQLite (a file) and PostgreSQL: 100 tenants sharing one
 * store of 1,000,000 interactions (10,000 per tenant, 1,000 customers each),
 * and the same queries on a store without tenancy that holds one tenant's
 * records only, what the tenant would have in a database of its own. The
 * ratio is scoped over unscoped: the cost of sharing the tables, which the
 * tenant-led indexes should keep near 1. Prints the SQL and query plan of the
 * scoped filtered query. Run with `npx tsx bench/access/tenant-scope.ts`;
 * options: `--tenants 100 --interactions 10000 --customers 1000 --dialects sqlite,postgres`.
 * The PostgreSQL URL comes from CRMKIT_TEST_POSTGRES_URL (or the local default below).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { createCrm, where, type Crm, type CustomerInput, type InteractionInput } from '../../src/index.js';
import { sqlAdapter } from '../../adapters/sql/index.js';
import { ms, timeOnce } from '../measure.js';
import { syntheticCustomers, syntheticInteractions, timelineStart } from '../synthetic-data.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const tenantCount = Number(args.get('tenants') ?? 100);
const perTenant = Number(args.get('interactions') ?? 10_000);
const customersPerTenant = Number(args.get('customers') ?? 1_000);
const dialects = (args.get('dialects') ?? 'sqlite,postgres').split(',');
const postgresUrl = process.env.CRMKIT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const tenantName = (t: number) => `tenant-${String(t).padStart(3, '0')}`;
/** Tenant `t`'s data: the same generator for every tenant (other seeds), ids made distinct per tenant. */
function tenantData(t: number): { customers: CustomerInput[]; interactions: InteractionInput[] } {
  const prefix = `t${String(t).padStart(3, '0')}`;
  const customers = syntheticCustomers(customersPerTenant, 1 + t).map((c) => ({ ...c, id: `${prefix}${c.id}` }));
  const interactions = syntheticInteractions(perTenant, customersPerTenant, 1000 + t).map((i) => ({ ...i, customerId: `${prefix}${i.customerId}` }));
  return { customers, interactions };
}

async function load(crm: Crm, data: { customers: CustomerInput[]; interactions: InteractionInput[] }) {
  await crm.customers.createMany(data.customers);
  for (let from = 0; from < data.interactions.length; from += 5000) await crm.interactions.createMany(data.interactions.slice(from, from + 5000));
}

const since = new Date(timelineStart + 500 * 24 * 3600 * 1000);
/** The queries timed, as a tenant's application would run them. */
const queries: { name: string; run: (crm: Crm) => Promise<unknown> }[] = [
  {
    name: "a customer's timeline, newest 50",
    run: (crm) => crm.interactions.find({ where: where('customerId', 'eq', 't000c000042'), sort: [{ field: 'occurredAt', direction: 'desc' }], limit: 50 }),
  },
  {
    name: 'purchases since a date above an amount, newest 50',
    run: (crm) =>
      crm.interactions.find({
        where: { and: [where('kind', 'eq', 'purchase'), where('occurredAt', 'gte', since), where('purchase.amount', 'gte', 15_000)] },
        sort: [{ field: 'occurredAt', direction: 'desc' }],
        limit: 50,
      }),
  },
  { name: 'count purchases', run: (crm) => crm.interactions.count(where('kind', 'eq', 'purchase')) },
  {
    name: 'revenue per currency (aggregate)',
    run: (crm) =>
      crm.interactions.aggregate({ where: where('kind', 'eq', 'purchase'), groupBy: ['purchase.currency'], measures: [{ name: 'revenue', fn: 'sum', field: 'purchase.amount' }] }),
  },
  { name: 'first page of customers by name', run: (crm) => crm.customers.find({ sort: [{ field: 'name', direction: 'asc' }], limit: 50 }) },
];

/**
 * The median times of `a` and `b` run alternately `runs` times each (after a
 * warm-up of both), so neither gains from running after the other (a warmer
 * JIT, a fuller cache) or loses to a pause in the middle of the run.
 */
async function pairedMedians(a: () => unknown, b: () => unknown, runs: number): Promise<[number, number]> {
  for (let i = 0; i < 3; i++) {
    await a();
    await b();
  }
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      times[0].push(await timeOnce(a));
      times[1].push(await timeOnce(b));
    } else {
      times[1].push(await timeOnce(b));
      times[0].push(await timeOnce(a));
    }
  }
  const median = (list: number[]) => [...list].sort((x, y) => x - y)[Math.floor(list.length / 2)]!;
  return [median(times[0]), median(times[1])];
}

const captured: CompiledQuery[] = [];
const capture = (event: { query: CompiledQuery }) => {
  if (/^\s*select/i.test(event.query.sql) && /purchase_amount/.test(event.query.sql)) captured.push(event.query);
};

async function run(
  name: string,
  makeAdapter: (store: 'shared' | 'own') => ReturnType<typeof sqlAdapter>,
  explain: (query: CompiledQuery) => Promise<string>,
  analyze: () => Promise<void> = async () => {},
) {
  const options = { history: false, changeFeed: false } as const; // the load measures nothing; the queries are what is compared
  const shared = await createCrm({ adapter: makeAdapter('shared'), tenant: tenantName(0), ...options });
  const loadStart = performance.now();
  for (let t = 0; t < tenantCount; t++) await load(shared.forTenant(tenantName(t)), tenantData(t));
  const loadMs = performance.now() - loadStart;
  const own = await createCrm({ adapter: makeAdapter('own'), ...options });
  await load(own, tenantData(0));
  await analyze();
  console.log(`${name}: ${tenantCount} tenants, ${(tenantCount * perTenant).toLocaleString('en')} interactions loaded in ${(loadMs / 1000).toFixed(0)} s`);
  console.log(`| query | scoped (tenant of ${tenantCount}) | own store (no tenancy) | ratio |`);
  console.log('| --- | --- | --- | --- |');
  for (const query of queries) {
    // The same answer, but for what each store generated itself (ids of interactions, timestamps, cursors).
    const answer = async (crm: Crm) => JSON.stringify(await query.run(crm), (key, value) => (['id', 'createdAt', 'updatedAt', 'nextCursor'].includes(key) ? undefined : value));
    const scopedAnswer = await answer(shared);
    const ownAnswer = await answer(own);
    if (scopedAnswer !== ownAnswer) throw new Error(`${query.name}: the scoped answer differs from the own store's`);
    const [scoped, unscoped] = await pairedMedians(() => query.run(shared), () => query.run(own), 41);
    console.log(`| ${query.name} | ${ms(scoped)} | ${ms(unscoped)} | ${(scoped / unscoped).toFixed(2)}x |`);
  }
  captured.length = 0;
  await queries[1]!.run(shared);
  const query = captured.at(-1);
  if (query !== undefined) {
    console.log(`  scoped SQL: ${query.sql.replace(/\s+/g, ' ')}`);
    console.log(`  plan:       ${await explain(query)}`);
  }
  await shared.close();
  await own.close();
}

if (dialects.includes('sqlite')) {
  const directory = mkdtempSync(join(tmpdir(), 'crmkit-bench-access-'));
  const files = { shared: new Database(join(directory, 'shared.db')), own: new Database(join(directory, 'own.db')) };
  for (const file of Object.values(files)) file.pragma('journal_mode = WAL');
  await run(
    'sqlite',
    (store) => sqlAdapter({ db: new Kysely<any>({ dialect: new SqliteDialect({ database: files[store] }), log: store === 'shared' ? capture : undefined }), dialect: 'sqlite' }),
    async (query) => {
      const rows = files.shared.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...(query.parameters as unknown[])) as { detail: string }[];
      return rows.map((row) => row.detail).join(' | ');
    },
  );
  rmSync(directory, { recursive: true, force: true });
}

if (dialects.includes('postgres')) {
  const pool = new pg.Pool({ connectionString: postgresUrl, max: 4 });
  const stamp = Date.now().toString(36);
  const schemas = { shared: `bench_access_shared_${stamp}`, own: `bench_access_own_${stamp}` };
  await run(
    'postgres',
    (store) => sqlAdapter({ db: new Kysely<any>({ dialect: new PostgresDialect({ pool }), log: store === 'shared' ? capture : undefined }), dialect: 'postgres', schema: schemas[store] }),
    async (query) => {
      const client = await pool.connect();
      try {
        const result = await client.query(`EXPLAIN ${query.sql}`, query.parameters as unknown[]);
        return result.rows.map((row) => String(row['QUERY PLAN']).trim()).join(' | ');
      } finally {
        client.release();
      }
    },
    async () => {
      for (const schema of Object.values(schemas)) {
        for (const table of ['crm_interactions', 'crm_customers', 'crm_customers_values']) await pool.query(`ANALYZE "${schema}"."${table}"`);
      }
    },
  );
  for (const schema of Object.values(schemas)) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
}
