/**
 * What record history and the change feed cost: bulk insert and bulk update of
 * customers through crmkit with both on (the default) against the same with
 * both off (`createCrm({ history: false, changeFeed: false })`), per dialect,
 * in one run, alternating the order; and how fast the feed reads (entries per
 * second through `crm.changes.read` and through a consumer's `next` + `ack`).
 * Target (issue 18): on ÷ off at most 1.3.
 *
 * `npm run bench -- history` or `npx tsx bench/history/run.ts --customers 20000 --dialects sqlite,postgres,mysql`.
 * Server URLs come from CRMKIT_TEST_POSTGRES_URL / CRMKIT_TEST_MYSQL_URL (or the local defaults).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCrm, type Crm } from '../../src/index.js';
import { sqlAdapter, type SqlAdapterOptions } from '../../adapters/sql/index.js';
import { ms, timeOnce } from '../measure.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const customerCount = Number(args.get('customers') ?? 20_000);
const dialects = (args.get('dialects') ?? 'sqlite,postgres,mysql').split(',');
const rounds = Number(args.get('rounds') ?? 2);
const postgresUrl = process.env.CRMKIT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const mysqlUrl = process.env.CRMKIT_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const batch = 1_000;

/** A fresh, empty database of `dialect` each call: a new SQLite file, a new table prefix on the servers. */
function freshAdapter(dialect: string, dir: string, run: number): SqlAdapterOptions {
  const prefix = `hb${Date.now().toString(36)}${run}_`;
  if (dialect === 'sqlite') return { dialect: 'sqlite', filename: join(dir, `${prefix}.db`) };
  if (dialect === 'postgres') return { dialect: 'postgres', connectionString: postgresUrl, tablePrefix: prefix };
  return { dialect: 'mysql', connectionString: mysqlUrl, tablePrefix: prefix };
}

interface Timings {
  insert: number;
  update: number;
  read?: number;
  consume?: number;
}

async function measure(dialect: string, dir: string, run: number, on: boolean): Promise<Timings> {
  const adapter = sqlAdapter(freshAdapter(dialect, dir, run));
  const crm: Crm = await createCrm({ adapter, ...(on ? {} : { history: false, changeFeed: false }) });
  try {
    const ids: string[] = [];
    const insert = await timeOnce(async () => {
      for (let from = 0; from < customerCount; from += batch) {
        const created = await crm.customers.createMany(
          Array.from({ length: Math.min(batch, customerCount - from) }, (_, j) => ({
            name: `Customer ${from + j}`,
            emails: [`c${from + j}@example.com`],
            tags: (from + j) % 10 === 0 ? ['vip'] : ['b2c'],
          })),
        );
        ids.push(...created.map((customer) => customer.id));
      }
    });
    const update = await timeOnce(async () => {
      for (let from = 0; from < ids.length; from += batch) {
        await crm.customers.updateMany(
          ids.slice(from, from + batch).map((id) => ({
            id,
            recipe: (draft) => {
              draft.tags.push('seen');
              draft.lifecycleStage = 'customer';
            },
          })),
        );
      }
    });
    if (!on) return { insert, update };
    let entries = 0;
    const read = await timeOnce(async () => {
      let after: string | undefined;
      for (;;) {
        const page = await crm.changes.read({ limit: 1000, ...(after === undefined ? {} : { after }) });
        if (page.entries.length === 0) break;
        entries += page.entries.length;
        after = page.cursor;
      }
    });
    if (entries !== 2 * customerCount) throw new Error(`read ${entries} feed entries, expected ${2 * customerCount}`);
    const consumer = crm.changes.consumer('bench', { batchSize: 1000 });
    const consume = await timeOnce(async () => {
      for (let next = await consumer.next(); next !== undefined; next = await consumer.next()) await consumer.ack(next.cursor);
    });
    return { insert, update, read, consume };
  } finally {
    await crm.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'crmkit-history-bench-'));
console.log(`history + change feed on vs off: ${customerCount} customers, batches of ${batch}, ${rounds} alternating rounds (Node ${process.version})`);
let run = 0;
try {
  for (const dialect of dialects) {
    const on: Timings[] = [];
    const off: Timings[] = [];
    for (let round = 0; round < rounds; round++) {
      // Alternate which goes first, so neither always gets the warmer cache.
      if (round % 2 === 0) {
        off.push(await measure(dialect, dir, run++, false));
        on.push(await measure(dialect, dir, run++, true));
      } else {
        on.push(await measure(dialect, dir, run++, true));
        off.push(await measure(dialect, dir, run++, false));
      }
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;
    const row = (what: 'insert' | 'update') => {
      const a = median(on.map((t) => t[what]));
      const b = median(off.map((t) => t[what]));
      return `${what} ${ms(a)} on / ${ms(b)} off = ${(a / b).toFixed(2)}x`;
    };
    const entries = 2 * customerCount;
    const read = median(on.map((t) => t.read!));
    const consume = median(on.map((t) => t.consume!));
    console.log(
      `${dialect.padEnd(8)} ${row('insert')}; ${row('update')}; feed read ${Math.round(entries / (read / 1000)).toLocaleString('en')} entries/s, consumer next+ack ${Math.round(entries / (consume / 1000)).toLocaleString('en')} entries/s`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
