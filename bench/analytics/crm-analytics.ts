/**
 * `crm.analytics` end to end: synthetic BG/NBD customers and their purchases stored through a crm
 * (memory adapter, or SQLite in a file in a temp dir), then `crm.analytics.summarize` — on SQLite the
 * database groups purchases per customer and day and streams the groups — against the summarizer fed
 * by `crm.interactions.scan` of every purchase, then fitting on a sample and scoring every customer.
 *
 * Run with `ADAPTER=memory|sqlite CUSTOMERS=200000 npx tsx bench/analytics/crm-analytics.ts`.
 * Not a timed test; figures in bench/analytics/README.md.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCrm, type CrmAdapter } from '../../src/index.js';
import {
  createTransactionSummarizer,
  fitBgNbd,
  fitGammaGamma,
  gammaGammaExpectedSpend,
  scoreCustomers,
  type CustomerSummary,
} from '../../src/analytics/index.js';
import { memoryAdapter } from '../../adapters/memory/index.js';
import { sqlAdapter } from '../../adapters/sql/index.js';
import { syntheticObservationEnd as observationEnd, syntheticPurchases } from './synthetic-purchases.js';

const adapterName = process.env.ADAPTER ?? 'memory';
const customers = Number(process.env.CUSTOMERS ?? 1_000_000);
const churnLimit = Number(process.env.CHURN_CUSTOMERS ?? 50_000);
/** SCAN=0 leaves out the scan baseline (on SQLite the keyset scan of every purchase grows faster than linearly). */
const withScan = process.env.SCAN !== '0';

const day = 86_400_000;
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const heapMb = () => `${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB`;


let folder: string | undefined;
let adapter: CrmAdapter;
if (adapterName === 'sqlite') {
  folder = mkdtempSync(join(tmpdir(), 'crmkit-analytics-bench-'));
  adapter = sqlAdapter({ dialect: 'sqlite', filename: join(folder, 'crm.db') });
} else {
  adapter = memoryAdapter();
}
const crm = await createCrm({ adapter, clock: { now: () => observationEnd } });
console.log(`${adapterName}: ${customers.toLocaleString('en')} customers, node ${process.version}`);

let loadStart = performance.now();
let purchases = 0;
for (let c = 0; c < customers; c += 10_000) {
  const to = Math.min(c + 10_000, customers);
  const events = syntheticPurchases(c, to);
  const ids = [...new Set(events.map((e) => e.customerId))];
  await crm.customers.createMany(ids.map((id) => ({ id, name: id })));
  for (let i = 0; i < events.length; i += 10_000) {
    await crm.interactions.createMany(
      events.slice(i, i + 10_000).map((e, j) => ({
        customerId: e.customerId,
        channel: 'web' as const,
        kind: 'purchase' as const,
        occurredAt: e.occurredAt,
        purchase: { orderId: `o${purchases + i + j}`, amount: e.amount!, currency: 'EUR' },
      })),
    );
  }
  purchases += events.length;
}
console.log(`load ${customers.toLocaleString('en')} customers + ${purchases.toLocaleString('en')} purchases through createMany: ${seconds(loadStart)}, heap ${heapMb()}${folder ? `, file ${(statSync(join(folder, 'crm.db')).size / 2 ** 20).toFixed(0)} MB` : ''}`);

// The summarizer fed by a scan of every purchase: what summarize did before the pushdown.
let baseline: CustomerSummary[] | undefined;
let t = performance.now();
if (withScan) {
  const scanned = createTransactionSummarizer({ observationEnd, timeUnit: 'days' });
  for await (const batch of crm.interactions.scan({ where: { field: 'kind', op: 'eq', value: 'purchase' }, batchSize: 5000 })) {
    scanned.add(batch.map((i) => ({ customerId: i.customerId, occurredAt: i.occurredAt, amount: i.purchase!.amount })));
  }
  baseline = scanned.summaries();
  console.log(`scan every purchase into the summarizer: ${seconds(t)} (${baseline.length.toLocaleString('en')} rows), heap ${heapMb()}`);
}

t = performance.now();
const { summaries } = await crm.analytics.summarize({ timeUnit: 'days' });
console.log(`crm.analytics.summarize (${crm.interactions.aggregatesInStorage ? 'grouped by the database' : 'scan'}): ${seconds(t)} (${summaries.length.toLocaleString('en')} rows), heap ${heapMb()}`);
if (baseline !== undefined) {
  const byId = new Map<string, CustomerSummary>(baseline.map((s) => [s.customerId, s]));
  const differing = summaries.find((s) => JSON.stringify(s) !== JSON.stringify(byId.get(s.customerId)));
  console.log(`same summaries as the scan: ${summaries.length === baseline.length && differing === undefined}`);
  if (differing !== undefined) console.log(JSON.stringify(differing), JSON.stringify(byId.get(differing.customerId)));
}

if (folder !== undefined) {
  // Baseline: the same GROUP BY hand-written against the file with better-sqlite3, rows iterated.
  const raw = new Database(join(folder, 'crm.db'), { readonly: true });
  t = performance.now();
  const statement = raw.prepare(
    `SELECT customer_id, occurred_at - ((occurred_at % 86400000) + 86400000) % 86400000 AS day, purchase_currency,
       SUM(purchase_amount) AS spend, MIN(occurred_at) AS first, MAX(occurred_at) AS last
     FROM crm_interactions WHERE kind = ? AND occurred_at < ? GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  );
  let groups = 0;
  for (const _ of statement.iterate(Buffer.from('purchase'), observationEnd.getTime() + day)) groups += 1;
  console.log(`baseline: the same GROUP BY in raw better-sqlite3, rows iterated: ${seconds(t)} (${groups.toLocaleString('en')} groups)`);
  raw.close();
}

t = performance.now();
const sample = summaries.filter((_, i) => i % 50 === 0);
const model = fitBgNbd(sample, { standardErrors: false });
const spendModel = fitGammaGamma(sample.filter((s) => s.frequency > 0 && s.monetaryValue > 0));
console.log(`fit BG/NBD + Gamma-Gamma on a 1-in-50 sample (${sample.length.toLocaleString('en')}): ${seconds(t)}`);
t = performance.now();
const scores = scoreCustomers(model, summaries, { horizon: 30, timeUnit: 'days' }, (row) => gammaGammaExpectedSpend(spendModel.params, row));
console.log(`score ${scores.length.toLocaleString('en')} customers: ${seconds(t)}, heap ${heapMb()}`);

if (customers <= churnLimit) {
  t = performance.now();
  const report = await crm.analytics.churn({ timeUnit: 'days', horizon: 30 });
  console.log(`crm.analytics.churn end to end (summary, fits on all ${report.customers.length.toLocaleString('en')}, scores, CLV): ${seconds(t)}`);
}

await crm.close();
if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
