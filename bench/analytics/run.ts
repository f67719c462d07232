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
  type PurchaseEvent,
} from '../../src/analytics/index.js';

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
let seed = 12345;
const uniform = () => {
  seed = (seed * 16807) % 2147483647;
  return seed / 2147483647;
};
const gamma = (shape: number): number => {
  if (shape < 1) return gamma(shape + 1) * uniform() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const n = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    const v = (1 + c * n) ** 3;
    if (v > 0 && Math.log(uniform()) < 0.5 * n * n + d - d * v + d * Math.log(v)) return d * v;
  }
};
const start = Date.UTC(2023, 0, 1);
const day = 86_400_000;
const observationEnd = new Date(start + 730 * day);
const summarizer = createTransactionSummarizer({ observationEnd, timeUnit: 'days' });
const before = performance.now();
let events = 0;
for (let c = 0; c < customers; c += 10_000) {
  const batch: PurchaseEvent[] = [];
  for (let k = c; k < Math.min(c + 10_000, customers); k += 1) {
    const lambda = gamma(0.5) / 20;
    const ga = gamma(1.5);
    const dropout = ga / (ga + gamma(4));
    const id = `c${k}`;
    let when = Math.floor(uniform() * 700);
    for (let purchases = 1; ; purchases += 1) {
      batch.push({ customerId: id, occurredAt: new Date(start + when * day + Math.floor(uniform() * day)), amount: 500 + Math.floor(gamma(2) * 5000) });
      if (purchases > 1 && uniform() < dropout) break; // dropout after each repeat purchase
      when += -Math.log(uniform()) / lambda;
      if (when >= 730) break;
    }
  }
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
