/**
 * CSV import into SQLite (issue 20): `--rows` interaction rows (1,000,000 by
 * default) of orders from a CSV file into a file-backed SQLite crm through
 * `crm.imports.interactions` (customer found by an external id, upsert by
 * order id), against `crm.interactions.createMany` of the same rows already
 * parsed (the same inputs, made in memory batch by batch, customer ids known),
 * each into a fresh database, in one run. Reports rows per second, the ratio,
 * and the peak `heapUsed` sampled every 20 ms during each phase.
 * Targets: >= 50,000 rows/s, peak heap < 256 MB, import ÷ createMany <= 1.5.
 *
 * `npm run bench -- import` or `npx tsx bench/import/run.ts --rows 1000000 [--phase import|create|plain]`.
 * Run a phase alone under a hard heap limit to prove the bound:
 * `node --max-old-space-size=256 --import tsx bench/import/run.ts --phase import`.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod';
import { createCrm } from '../../src/index.js';
import { sqlAdapter } from '../../adapters/sql/index.js';
import { seededRandom } from '../synthetic-data.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const rowCount = Number(args.get('rows') ?? 1_000_000);
const customerCount = Number(args.get('customers') ?? 10_000);
const batchSize = Number(args.get('batch') ?? 1_000);
const phases = (args.get('phase') ?? 'create,import').split(',');
/** `--history off`: record history and the change feed off, to see what they cost (both are on by default, as here). */
const historyOn = args.get('history') !== 'off';

const customFields = { customers: z.object({ externalId: z.string() }) };
const unique = { customers: ['custom.externalId'], interactions: ['purchase.orderId'] } as const;
const channels = ['web', 'email', 'phone', 'in_person'] as const;

/** Row `i` of the order file: the same values the CSV holds and the baseline writes. */
function orderRow(i: number, random: () => number) {
  const customer = Math.floor(random() * customerCount);
  const cents = 100 + Math.floor(random() * 50_000);
  const at = Date.UTC(2024, 0, 1) + Math.floor(random() * 730 * 86_400_000);
  return { order: `O-${i}`, customer: `ext-${customer}`, placed: new Date(at), amount: cents, channel: channels[i % channels.length]! };
}

async function writeCsv(path: string): Promise<number> {
  const out = createWriteStream(path);
  const random = seededRandom(20261202);
  out.write('order_id,customer_ref,placed_at,total,currency,channel\r\n');
  let chunk = '';
  for (let i = 0; i < rowCount; i++) {
    const row = orderRow(i, random);
    chunk += `${row.order},${row.customer},${row.placed.toISOString()},${(row.amount / 100).toFixed(2)},EUR,${row.channel}\r\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return statSync(path).size;
}

async function freshCrm(dir: string, name: string) {
  const crm = await createCrm({ adapter: sqlAdapter({ dialect: 'sqlite', filename: join(dir, `${name}.db`) }), customFields, unique, ...(historyOn ? {} : { history: false, changeFeed: false }) });
  const ids = new Map<string, string>();
  for (let from = 0; from < customerCount; from += 1000) {
    const created = await crm.customers.createMany(
      Array.from({ length: Math.min(1000, customerCount - from) }, (_, j) => ({ name: `Customer ${from + j}`, emails: [`c${from + j}@example.com`], custom: { externalId: `ext-${from + j}` } })),
    );
    for (const customer of created) ids.set(customer.custom.externalId, customer.id);
  }
  return { crm, ids };
}

/** Runs `fn`, sampling `heapUsed` every 20 ms; returns the time and the peak. */
async function measured(fn: () => Promise<unknown>): Promise<{ seconds: number; peakMiB: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  let peak = process.memoryUsage().heapUsed;
  const timer = setInterval(() => void (peak = Math.max(peak, process.memoryUsage().heapUsed)), 20);
  const start = performance.now();
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  return { seconds: (performance.now() - start) / 1000, peakMiB: peak / 1024 / 1024 };
}

const dir = mkdtempSync(join(tmpdir(), 'crmkit-import-bench-'));
try {
  const csvPath = join(dir, 'orders.csv');
  const bytes = await writeCsv(csvPath);
  console.log(`crmkit CSV import bench: ${rowCount.toLocaleString('en')} order rows (${(bytes / 1024 / 1024).toFixed(0)} MiB CSV), ${customerCount.toLocaleString('en')} customers, SQLite file, batches of ${batchSize}, history and change feed ${historyOn ? 'on' : 'off'}, Node ${process.version}`);
  const results: Record<string, { seconds: number; peakMiB: number }> = {};
  for (const phase of phases) {
    const { crm, ids } = await freshCrm(dir, phase);
    try {
      if (phase === 'create') {
        results[phase] = await measured(async () => {
          const random = seededRandom(20261202);
          for (let from = 0; from < rowCount; from += batchSize) {
            const inputs = [];
            for (let i = from; i < Math.min(rowCount, from + batchSize); i++) {
              const row = orderRow(i, random);
              inputs.push({
                customerId: ids.get(row.customer)!,
                kind: 'purchase' as const,
                channel: row.channel,
                occurredAt: row.placed,
                purchase: { orderId: row.order, amount: row.amount, currency: 'EUR' },
              });
            }
            await crm.interactions.createMany(inputs);
          }
        });
      } else {
        const report = await (async () => {
          let out: Awaited<ReturnType<typeof crm.imports.interactions>> | undefined;
          results[phase] = await measured(async () => {
            out = await crm.imports.interactions(createReadStream(csvPath, { highWaterMark: 1 << 16 }), {
              format: 'csv',
              mapping: {
                order_id: 'purchase.orderId',
                placed_at: 'occurredAt',
                total: { field: 'purchase.amount', parse: 'money' },
                currency: 'purchase.currency',
                channel: 'channel',
              },
              defaults: { kind: 'purchase' },
              customer: { column: 'customer_ref', by: 'custom.externalId' },
              ...(phase === 'import' ? { upsertBy: 'purchase.orderId' } : {}),
              batchSize,
            });
          });
          return out!;
        })();
        if (report.created !== rowCount || report.rejected !== 0) throw new Error(`import ${phase}: ${JSON.stringify({ ...report, rejectedRows: report.rejectedRows.slice(0, 3) })}`);
      }
      const stored = await crm.interactions.count();
      if (stored !== rowCount) throw new Error(`${phase}: ${stored} interactions stored, expected ${rowCount}`);
    } finally {
      await crm.close();
    }
    const r = results[phase]!;
    console.log(`${phase.padEnd(7)} ${r.seconds.toFixed(1)} s  ${Math.round(rowCount / r.seconds).toLocaleString('en')} rows/s  peak heap ${r.peakMiB.toFixed(0)} MiB`);
  }
  if (results.create !== undefined) {
    for (const phase of ['import', 'plain']) {
      const r = results[phase];
      if (r !== undefined) console.log(`${phase} ÷ createMany: ${(r.seconds / results.create.seconds).toFixed(2)}x`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
