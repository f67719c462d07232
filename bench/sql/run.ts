/**
 * Benchmarks of crmkit/sql against the raw driver, per dialect: bulk insert of
 * customers and interactions, a filtered, sorted, paginated query and the
 * per-customer aggregate. Run with `npx tsx bench/sql/run.ts`; options:
 * `--customers 100000 --interactions 1000000 --dialects sqlite,postgres,mysql`.
 * Server URLs come from CRMKIT_TEST_POSTGRES_URL / CRMKIT_TEST_MYSQL_URL (or
 * the local defaults below).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import mysql from 'mysql2';
import pg from 'pg';
import { createCrm, type Crm } from '../../src/index.js';
import type { StoredRecord } from '../../src/storage/index.js';
import { sqlAdapter, type SqlAdapter } from '../../adapters/sql/index.js';
import { dropSchemaStatements } from '../../adapters/sql/migration-statements.js';
import { mysqlDialect } from '../../adapters/sql/dialects/mysql/mysql-dialect.js';
import type { StorageLayout, TableLayout } from '../../adapters/sql/table-layout.js';
import { encodeKey } from '../../adapters/sql/key-encoding.js';
import { decodeRecord } from '../../adapters/sql/record-codec.js';
import { columnValue } from '../../adapters/sql/collection-table.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const customerCount = Number(args.get('customers') ?? 100_000);
const interactionCount = Number(args.get('interactions') ?? 1_000_000);
const dialects = (args.get('dialects') ?? 'sqlite,postgres,mysql').split(',');
const postgresUrl = process.env.CRMKIT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const mysqlUrl = process.env.CRMKIT_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const batch = 10_000;
const start = Date.UTC(2023, 0, 1);
const windowStart = new Date(Date.UTC(2024, 0, 1));
const kinds = ['purchase', 'message', 'web_visit', 'call'] as const;

const pad = (n: number) => String(n).padStart(8, '0');
function customer(i: number): StoredRecord {
  const at = new Date(start + i * 1000);
  return {
    id: `c${pad(i)}`, createdAt: at, updatedAt: at, version: 1, kind: 'person', name: `Customer ${i}`,
    emails: [`c${i}@example.com`], phones: [], addresses: [], relationship: 'customer',
    lifecycleStage: (['lead', 'customer', 'churned'] as const)[i % 3], tags: i % 10 === 0 ? ['vip', 'b2b'] : ['b2c'],
    consent: {}, custom: {},
  };
}
function interaction(i: number): StoredRecord {
  const at = new Date(start + Math.floor((i * 2_654_435_761) % (730 * 86_400_000)));
  const kind = kinds[i % 4]!;
  return {
    id: `i${pad(i)}`, createdAt: at, updatedAt: at, version: 1, customerId: `c${pad((i * 7919) % customerCount)}`,
    channel: 'web', direction: 'inbound', kind, occurredAt: at, custom: {},
    ...(kind === 'purchase' ? { purchase: { orderId: `o${i}`, amount: 100 + (i % 9000), currency: 'EUR', lineItems: [] } } : {}),
  };
}
function* batches(count: number, make: (i: number) => StoredRecord): Generator<StoredRecord[]> {
  for (let from = 0; from < count; from += batch) yield Array.from({ length: Math.min(batch, count - from) }, (_, j) => make(from + j));
}

/** The same table rows crmkit writes, made the plain way: native JSON, UTF-8 bytes. */
function rawRow(layout: TableLayout, record: StoredRecord): unknown[] {
  const doc = JSON.stringify(record, function (this: Record<string, unknown>, key, value) {
    return this[key] instanceof Date ? { $date: (this[key] as Date).getTime() } : value;
  });
  return [Buffer.from(record.id), record.version, doc, null, ...layout.columns.map((c) => columnValue(c.kind, readPath(record, c.path)))];
}
function readPath(record: object, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v == null ? undefined : (v as Record<string, unknown>)[k]), record) ?? undefined;
}
function rawValueRows(record: StoredRecord): unknown[][] {
  const owner = Buffer.from(record.id);
  return (['emails', 'phones', 'tags'] as const).flatMap((field) =>
    ((record[field] as string[]) ?? []).map((v) => [owner, Buffer.from(field), Buffer.from(v)]),
  );
}

interface RawTarget {
  insert(table: string, columns: string[], rows: unknown[][]): Promise<void>;
  begin(): Promise<void>;
  commit(): Promise<void>;
  query(sqlText: string, params: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const result = await fn();
  return [performance.now() - t0, result];
}

const results: string[] = [];
function report(dialect: string, what: string, crmkitMs: number, rawMs: number) {
  const seconds = (ms: number) => (ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`);
  const line = `| ${dialect} | ${what} | ${seconds(crmkitMs)} | ${seconds(rawMs)} | ${(crmkitMs / rawMs).toFixed(2)}x |`;
  results.push(line);
  console.log(line);
}

let tablesLayout: StorageLayout | undefined;

async function runDialect(dialect: string) {
  const folder = mkdtempSync(join(tmpdir(), 'crmkit-bench-'));
  const tag = `b${Date.now().toString(36)}`;
  let make: (prefix: string) => SqlAdapter;
  let raw: RawTarget;
  let cleanup: () => Promise<void>;
  const q = (name: string) => (dialect === 'mysql' ? `\`${name}\`` : `"${name}"`);
  if (dialect === 'sqlite') {
    make = (prefix) => sqlAdapter({ dialect: 'sqlite', filename: join(folder, `${prefix}.db`), tablePrefix: '' });
    let db: Database.Database;
    const prepared = new Map<string, Database.Statement>();
    raw = {
      async insert(table, columns, rows) {
        // Batched: multi-row INSERTs of up to 1000 rows, each shape prepared once and reused.
        const perStatement = Math.min(1000, Math.floor(32_000 / columns.length));
        for (let from = 0; from < rows.length; from += perStatement) {
          const chunk = rows.slice(from, from + perStatement);
          const text = `INSERT INTO ${q(table)} (${columns.map(q).join(', ')}) VALUES ${chunk.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ')}`;
          let statement = prepared.get(text);
          if (statement === undefined) prepared.set(text, (statement = db.prepare(text)));
          statement.run(chunk.flat());
        }
      },
      async begin() {
        db ??= new Database(join(folder, 'raw_.db'));
        db.pragma('journal_mode = WAL');
        db.exec('BEGIN');
      },
      async commit() {
        db.exec('COMMIT');
      },
      async query(text, params) {
        return db.prepare(text).all(params) as Record<string, unknown>[];
      },
      async close() {
        db.close();
      },
    };
    cleanup = async () => rmSync(folder, { recursive: true, force: true });
  } else if (dialect === 'postgres') {
    const pool = new pg.Pool({ connectionString: postgresUrl, max: 4 });
    make = (prefix) => sqlAdapter({ dialect: 'postgres', pool, schema: `${tag}${prefix}`, tablePrefix: '' });
    let client: pg.PoolClient;
    raw = {
      async insert(table, columns, rows) {
        for (let from = 0; from < rows.length; from += 1000) {
          const chunk = rows.slice(from, from + 1000);
          const params: unknown[] = [];
          const tuples = chunk.map((row) => `(${row.map((v) => (params.push(v), `$${params.length}`)).join(', ')})`);
          await client.query(`INSERT INTO "${tag}raw_".${q(table)} (${columns.map(q).join(', ')}) VALUES ${tuples.join(', ')}`, params);
        }
      },
      async begin() {
        client ??= await pool.connect();
        await client.query('BEGIN');
      },
      async commit() {
        await client.query('COMMIT');
      },
      async query(text, params) {
        return (await pool.query(text.replace(/FROM "/g, `FROM "${tag}raw_"."`), params)).rows;
      },
      async close() {
        client.release();
      },
    };
    cleanup = async () => {
      for (const p of ['crm_', 'raw_']) await pool.query(`DROP SCHEMA IF EXISTS "${tag}${p}" CASCADE`);
      await pool.end();
      rmSync(folder, { recursive: true, force: true });
    };
  } else {
    const pool = mysql.createPool({ uri: mysqlUrl, connectionLimit: 4, charset: 'utf8mb4_bin' });
    make = (prefix) => sqlAdapter({ dialect: 'mysql', pool, tablePrefix: `${tag}${prefix}` });
    let connection: mysql.PoolConnection;
    const run = (text: string, params: unknown[]) =>
      new Promise<Record<string, unknown>[]>((resolve, reject) =>
        connection.query(text, params, (error, rows) => (error ? reject(error) : resolve(rows as Record<string, unknown>[]))),
      );
    raw = {
      async insert(table, columns, rows) {
        for (let from = 0; from < rows.length; from += 1000) {
          await run(`INSERT INTO \`${tag}raw_${table}\` (${columns.map(q).join(', ')}) VALUES ?`, [rows.slice(from, from + 1000)]);
        }
      },
      async begin() {
        connection ??= await new Promise<mysql.PoolConnection>((resolve, reject) => pool.getConnection((e, c) => (e ? reject(e) : resolve(c))));
        await run('BEGIN', []);
      },
      async commit() {
        await run('COMMIT', []);
      },
      async query(text, params) {
        return run(text.replace(/FROM `/g, `FROM \`${tag}raw_`), params);
      },
      async close() {
        connection.release();
      },
    };
    cleanup = async () => {
      for (const p of ['crm_', 'raw_']) for (const s of dropSchemaStatements(mysqlDialect, { prefix: `${tag}${p}` }, tablesLayout!)) await pool.promise().query(s);
      await new Promise<void>((resolve) => pool.end(() => resolve()));
      rmSync(folder, { recursive: true, force: true });
    };
  }

  const adapter = make('crm_');
  const crm: Crm = await createCrm({ adapter });
  const rawAdapter = make('raw_');
  await createCrm({ adapter: rawAdapter }); // creates the identical empty tables the raw driver fills
  tablesLayout = rawAdapter.layout();
  const tableOf = (collection: string) => tablesLayout!.tables.find((t) => t.collection === collection)!;
  const columnsOf = (collection: string) => ['id', 'version', 'doc', 'ext', ...tableOf(collection).columns.map((c) => c.column)];

  for (const [collection, count, maker] of [
    ['customers', customerCount, customer],
    ['interactions', interactionCount, interaction],
  ] as const) {
    const [crmkitMs] = await time(async () => {
      for (const records of batches(count, maker)) await adapter.insertMany(collection, records);
    });
    const layout = tableOf(collection);
    const [rawMs] = await time(async () => {
      await raw.begin();
      for (const records of batches(count, maker)) {
        await raw.insert(layout.table, columnsOf(collection), records.map((r) => rawRow(layout, r)));
        if (collection === 'customers') await raw.insert(`${layout.table}_values`, ['owner', 'field', 'value'], records.flatMap(rawValueRows));
      }
      await raw.commit();
    });
    report(dialect, `insert ${count.toLocaleString('en')} ${collection}`, crmkitMs, rawMs);
  }

  // A filtered, sorted, paginated query: purchases since the window start, newest first, 10 pages of 50.
  // Timed twice: the first walk of each side (cold: crmkit's first find compiles its schemas and
  // statements), and the median of 5 further walks (warm, what a running application sees).
  const pages = 10;
  const crmkitWalk = () => time(async () => {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let p = 0; p < pages; p++) {
      const page = await crm.interactions.find({
        where: { and: [{ field: 'kind', op: 'eq', value: 'purchase' }, { field: 'occurredAt', op: 'gte', value: windowStart }] },
        sort: [{ field: 'occurredAt', direction: 'desc' }],
        limit: 50,
        ...(cursor ? { cursor } : {}),
      });
      ids.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
    }
    return ids;
  });
  const ph = (i: number) => (dialect === 'postgres' ? `$${i}` : '?');
  const rawWalk = () => time(async () => {
    const ids: string[] = [];
    let last: { at: number; id: Buffer } | undefined;
    for (let p = 0; p < pages; p++) {
      const params: unknown[] = [Buffer.from('purchase'), windowStart.getTime()];
      let keyset = '';
      if (last) {
        params.push(last.at, last.at, last.id);
        keyset = ` AND (occurred_at < ${ph(3)} OR (occurred_at = ${ph(4)} AND id < ${ph(5)}))`;
      }
      const rows = await raw.query(
        `SELECT doc, occurred_at, id FROM ${q('interactions')} WHERE kind = ${ph(1)} AND occurred_at >= ${ph(2)}${keyset} ORDER BY occurred_at DESC, id DESC LIMIT 51`,
        params,
      );
      const records = rows.slice(0, 50).map((row) => decodeRecord<StoredRecord>(row.doc as string));
      ids.push(...records.map((r) => r.id));
      const tail = rows[49];
      if (tail) last = { at: Number(tail.occurred_at), id: Buffer.from(tail.id as Uint8Array) };
    }
    return ids;
  });
  const [crmkitQueryMs, crmkitIds] = await crmkitWalk();
  const [rawQueryMs, rawIds] = await rawWalk();
  if (JSON.stringify(crmkitIds) !== JSON.stringify(rawIds)) throw new Error(`${dialect}: the paginated query answers differ`);
  report(dialect, `query: ${pages} pages of 50 purchases, first walk`, crmkitQueryMs, rawQueryMs);
  const warm: [number[], number[]] = [[], []];
  for (let run = 0; run < 5; run++) {
    warm[0].push((await crmkitWalk())[0]);
    warm[1].push((await rawWalk())[0]);
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  report(dialect, `query: ${pages} pages of 50 purchases, median of 5 warm walks`, median(warm[0]), median(warm[1]));

  const crmkitAggregate = () =>
    crm.interactions.aggregate({
      where: { and: [{ field: 'kind', op: 'eq', value: 'purchase' }, { field: 'occurredAt', op: 'gte', value: windowStart }] },
      groupBy: ['customerId'],
      measures: [
        { name: 'orders', fn: 'count' },
        { name: 'revenue', fn: 'sum', field: 'purchase.amount' },
        { name: 'last', fn: 'max', field: 'occurredAt' },
      ],
    });
  const rawAggregate = async () => {
    const rows = await raw.query(
      `SELECT customer_id, COUNT(*) AS orders, SUM(purchase_amount) AS revenue, MAX(occurred_at) AS last FROM ${q('interactions')} WHERE kind = ${ph(1)} AND occurred_at >= ${ph(2)} GROUP BY customer_id ORDER BY customer_id`,
      [Buffer.from('purchase'), windowStart.getTime()],
    );
    return rows.map((row) => ({
      key: [Buffer.from(row.customer_id as Uint8Array).toString('utf8')],
      values: { orders: Number(row.orders), revenue: Number(row.revenue), last: new Date(Number(row.last)) },
    }));
  };
  // Like the query: one warm-up each (so neither side pays for a cold page cache), then the
  // median of 5 runs, the sides alternating.
  const [, crmkitRows] = await time(crmkitAggregate);
  const [, rawRows] = await time(rawAggregate);
  const aggregateTimes: [number[], number[]] = [[], []];
  for (let i = 0; i < 5; i++) {
    aggregateTimes[0].push((await time(crmkitAggregate))[0]);
    aggregateTimes[1].push((await time(rawAggregate))[0]);
  }
  const crmkitAggMs = median(aggregateTimes[0]);
  const rawAggMs = median(aggregateTimes[1]);
  if (JSON.stringify(crmkitRows) !== JSON.stringify(rawRows)) throw new Error(`${dialect}: the aggregate answers differ`);
  report(dialect, `aggregate per customer (${crmkitRows.length.toLocaleString('en')} groups), median of 5 warm runs`, crmkitAggMs, rawAggMs);

  await raw.close();
  await crm.close();
  await rawAdapter.close();
  await cleanup();
}

console.log(`crmkit/sql benchmark: ${customerCount} customers, ${interactionCount} interactions`);
console.log('| dialect | operation | crmkit | raw driver | ratio |\n| --- | --- | --- | --- | --- |');
for (const dialect of dialects) await runDialect(dialect);
