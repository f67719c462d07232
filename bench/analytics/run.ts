/**
 * Analytics benchmark: fit times on the CDNOW summary, and summary + scoring of 1,000,000 synthetic
 * customers in memory. Run with `npx tsx bench/analytics/run.ts`. Not a timed test.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  createTransactionSummarizer,
  fitBgNbd,
  fitGammaGamma,
  fitModifiedBgNbd,
  fitParetoNbd,
  gammaGammaExpectedSpend,
  scoreCustomers,
} from '../../src/analytics/index.js';
import { syntheticObservationEnd as observationEnd, syntheticPurchases } from './synthetic-purchases.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../test/fixtures/cdnow/${name}`, import.meta.url));
const rows = readFileSync(fixture('cdnow_customers_summary_with_transactions.csv'), 'utf8')
  .trim()
  .split(/\r?\n/)
  .slice(1)
  .map((line) => {
    const [, x = 0, tx = 0, T = 0, z = 0] = line.split(',').map(Number);
    return { frequency: x, recency: tx, T, monetaryValue: z };
  });

function time<T>(label: string, fn: () => T, repeat = 3): T {
  let result = fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < repeat; i += 1) {
    const start = performance.now();
    result = fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  console.log(`${label.padEnd(48)} median ${(times[Math.floor(times.length / 2)] as number).toFixed(0)} ms`);
  return result;
}

const heapMb = () => (process.memoryUsage().heapUsed / 2 ** 20).toFixed(0);

console.log(`node ${process.version}, ${rows.length} CDNOW customers`);
time('fit BG/NBD (CDNOW, with standard errors)', () => fitBgNbd(rows));
time('fit modified BG/NBD (CDNOW)', () => fitModifiedBgNbd(rows));
time('fit Pareto/NBD (CDNOW)', () => fitParetoNbd(rows));
time('fit Gamma-Gamma (CDNOW, 946 repeat buyers)', () => fitGammaGamma(rows));

// 1,000,000 synthetic BG/NBD customers (r = 0.5, alpha = 20 days, a = 1.5, b = 4) over two years,
// fed to the streaming summariser in batches of 10,000 customers.
const customers = Number(process.env.CUSTOMERS ?? 1_000_000);
const summarizer = createTransactionSummarizer({ observationEnd, timeUnit: 'days' });
const before = performance.now();
let events = 0;
for (let c = 0; c < customers; c += 10_000) {
  const batch = syntheticPurchases(c, Math.min(c + 10_000, customers));
  events += batch.length;
  summarizer.add(batch);
}
const summarised = performance.now();
const summaries = summarizer.summaries();
const built = performance.now();
console.log(`summarise ${customers.toLocaleString('en')} customers (${events.toLocaleString('en')} events): add ${(summarised - before).toFixed(0)} ms, build rows ${(built - summarised).toFixed(0)} ms, heap ${heapMb()} MB`);

const fitStart = performance.now();
const sample = summaries.filter((_, i) => i % 50 === 0);
const model = fitBgNbd(sample, { standardErrors: false });
const spendModel = fitGammaGamma(sample);
console.log(`fit BG/NBD + Gamma-Gamma on a 1-in-50 sample (${sample.length} customers): ${(performance.now() - fitStart).toFixed(0)} ms`);

const scoreStart = performance.now();
const scores = scoreCustomers(model, summaries, { horizon: 30, timeUnit: 'days' }, (row) => gammaGammaExpectedSpend(spendModel.params, row));
const scored = performance.now();
const bands = new Map<string, number>();
for (const s of scores) bands.set(s.riskBand, (bands.get(s.riskBand) ?? 0) + 1);
console.log(`score ${scores.length.toLocaleString('en')} customers (P(alive), 30-day expectation, value at risk, reasons): ${(scored - scoreStart).toFixed(0)} ms, heap ${heapMb()} MB`);
console.log('bands', Object.fromEntries(bands));
