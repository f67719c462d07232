/**
 * Churn scores measured on the CDNOW 39/39-week split (calibration 1997-01-01..1997-09-30, holdout
 * to 1998-06-30, repeat purchases per distinct day), on the 2,357-customer sample and on the full
 * 23,570-customer cohort: AUC of each model's churn probability for "did not buy again", next to the
 * recency, frequency and RFM baselines and each model's expectation and P(alive); calibration per
 * decile of each model; every fit timed against scipy (Nelder-Mead and L-BFGS-B, the
 * `lifetimes` formulation, spawned as `python3 bench/analytics/scipy_fits.py`) on the same rows;
 * then `crm.analytics.churn` end to end on the full cohort in SQLite (bench/analytics/cdnow-sqlite.ts).
 *
 * `npm run bench -- analytics-churn` or `npx tsx bench/analytics/churn-holdout.ts`. The full cohort is
 * read from `../shared/data/cdnow/CDNOW_master.txt` beside the checkout (or `CDNOW_MASTER`); without it
 * only the sample runs. Not a timed test; figures in bench/analytics/README.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  evaluateHoldout,
  fitGammaGamma,
  fitPurchaseModel,
  purchaseModelKinds,
  summarizeTransactions,
  type CustomerSummary,
  type HoldoutEvaluation,
  type PurchaseEvent,
  type PurchaseModelKind,
} from '../../src/analytics/index.js';
import { benchCdnowSqlite } from './cdnow-sqlite.js';

const repoFile = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const calibrationEnd = new Date('1997-09-30T00:00:00Z');
const observationEnd = new Date('1998-06-30T00:00:00Z');
const defaultModel: PurchaseModelKind = 'pareto-nbd';

/** CDNOW_sample.txt (master id, sample id, date, cds, dollars) or CDNOW_master.txt (id, date, cds, dollars). */
function readCdnow(path: string): PurchaseEvent[] {
  const events: PurchaseEvent[] = [];
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4 || !/^\d/.test(f[0] as string)) continue;
    const [id, date, dollars] = f.length >= 5 ? [f[1], f[2], f[4]] : [f[0], f[1], f[3]];
    const d = date as string;
    events.push({
      customerId: String(Number(id)),
      occurredAt: new Date(Date.UTC(Number(d.slice(0, 4)), Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8)))),
      amount: Math.round(Number(dollars) * 100),
    });
  }
  return events;
}

function median(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function timeFit<T>(fn: () => T, repeat = 3): { result: T; ms: number } {
  let result = fn();
  const times: number[] = [];
  for (let i = 0; i < repeat; i += 1) {
    const start = performance.now();
    result = fn();
    times.push(performance.now() - start);
  }
  return { result, ms: median(times) };
}

const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
const auc = (v: number): string => v.toFixed(3);

interface ScipyFit {
  readonly seconds: number;
  readonly params: number[];
  readonly nll: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly success: boolean;
}

function scipyFits(rows: readonly CustomerSummary[]): Record<string, Record<string, ScipyFit>> | null {
  const groups = new Map<string, number[]>();
  for (const r of rows) {
    const key = `${r.frequency}|${r.recency}|${r.T}|${r.monetaryValue}`;
    const g = groups.get(key);
    if (g) g[4] = (g[4] as number) + 1;
    else groups.set(key, [r.frequency, r.recency, r.T, r.monetaryValue, 1]);
  }
  const meanT = rows.reduce((s, r) => s + r.T, 0) / rows.length;
  const spenders = rows.filter((r) => r.frequency > 0 && r.monetaryValue > 0);
  const meanSpend = spenders.reduce((s, r) => s + r.monetaryValue, 0) / Math.max(1, spenders.length);
  const input = JSON.stringify({
    rows: [...groups.values()],
    // the same starting points as crmkit's fits
    starts: { 'bg-nbd': [1, meanT, 1, 1], 'modified-bg-nbd': [1, meanT, 1, 1], 'pareto-nbd': [1, meanT, 1, meanT], 'gamma-gamma': [1, 2, meanSpend] },
    repeat: 3,
  });
  const run = spawnSync('python3', [repoFile('bench/analytics/scipy_fits.py')], { input, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0) {
    console.log(`  scipy comparison skipped: python3 failed (${run.error?.message ?? run.stderr.trim().split('\n').pop()})`);
    return null;
  }
  return JSON.parse(run.stdout) as Record<string, Record<string, ScipyFit>>;
}

function printEvaluation(label: string, rows: readonly CustomerSummary[]): void {
  const bought = rows.filter((r) => (r.holdout?.frequency ?? 0) > 0).length;
  console.log(`\n## ${label}: ${rows.length.toLocaleString('en')} customers, ${pct(bought / rows.length)} bought again in the holdout`);
  const evaluations = new Map<PurchaseModelKind, HoldoutEvaluation>();
  const fitTimes = new Map<string, number>();
  for (const kind of purchaseModelKinds) {
    const { result: fit, ms } = timeFit(() => fitPurchaseModel(kind, rows, { standardErrors: false }));
    fitTimes.set(kind, ms);
    evaluations.set(kind, evaluateHoldout(rows, { model: fit }));
    if (!fit.converged) console.log(`  WARNING: ${kind} did not converge`);
  }
  const repeaters = rows.filter((r) => r.frequency > 0 && r.monetaryValue > 0);
  fitTimes.set('gamma-gamma', timeFit(() => fitGammaGamma(repeaters, { standardErrors: false })).ms);
  const first = evaluations.get(defaultModel) as HoldoutEvaluation;
  console.log('\nAUC for "did NOT buy again in the holdout" (baselines: 1 - their AUC for "bought again", i.e. the same figure)');
  console.log('| score | AUC |\n| --- | --- |');
  console.log(`| baseline: recency (weeks since last purchase) | ${auc(first.recencyBaselineAuc)} |`);
  console.log(`| baseline: frequency (fewer repeat purchases) | ${auc(first.frequencyBaselineAuc)} |`);
  console.log(`| baseline: RFM score (quintiles summed) | ${auc(first.rfmBaselineAuc)} |`);
  for (const [kind, e] of evaluations) {
    console.log(`| ${kind}: churn probability (39 weeks)${kind === defaultModel ? ' **default**' : ''} | ${auc(e.churnProbabilityAuc)} |`);
    console.log(`| ${kind}: expected holdout purchases (lower = churn) | ${auc(e.modelAuc)} |`);
    console.log(`| ${kind}: P(alive) (lower = churn) | ${auc(e.probabilityAliveAuc)} |`);
  }
  const best = Math.max(first.recencyBaselineAuc, first.frequencyBaselineAuc, first.rfmBaselineAuc);
  console.log(`default minus best baseline: ${(first.churnProbabilityAuc - best).toFixed(4)}`);
  for (const [kind, e] of evaluations) {
    console.log(`\nCalibration per decile, ${kind} (decile 1 = most likely to churn): predicted vs observed share who bought again`);
    console.log('| decile | customers | predicted | observed | gap (points) |\n| --- | --- | --- | --- | --- |');
    let worst = 0;
    for (const g of e.calibration) {
      const gap = (g.predictedBoughtAgain - g.observedBoughtAgain) * 100;
      worst = Math.max(worst, Math.abs(gap));
      console.log(`| ${g.group} | ${g.customers} | ${pct(g.predictedBoughtAgain)} | ${pct(g.observedBoughtAgain)} | ${gap.toFixed(1)} |`);
    }
    console.log(`largest gap ${worst.toFixed(1)} points; predicted ${e.predictedTotal.toFixed(0)} holdout purchases against ${e.actualTotal} actual`);
  }
  const scipy = scipyFits(rows);
  console.log('\nFit times, same rows (identical customers grouped on both sides), median of 3 after a warm-up');
  console.log('| model | crmkit L-BFGS | scipy Nelder-Mead | scipy L-BFGS-B | scipy L-BFGS-B / crmkit | crmkit -LL | scipy L-BFGS-B -LL |\n| --- | --- | --- | --- | --- | --- | --- |');
  for (const [kind, ms] of fitTimes) {
    const s = scipy?.[kind];
    const own = kind === 'gamma-gamma' ? fitGammaGamma(repeaters, { standardErrors: false }) : fitPurchaseModel(kind as PurchaseModelKind, rows, { standardErrors: false });
    const nm = s?.['Nelder-Mead'];
    const lb = s?.['L-BFGS-B'];
    console.log(
      `| ${kind} | ${ms.toFixed(0)} ms | ${nm ? `${(nm.seconds * 1000).toFixed(0)} ms` : '-'} | ${lb ? `${(lb.seconds * 1000).toFixed(0)} ms${lb.success ? '' : ' (not converged)'}` : '-'} | ${lb ? `${((lb.seconds * 1000) / ms).toFixed(2)}x` : '-'} | ${(-own.logLikelihood).toFixed(2)} | ${lb ? lb.nll.toFixed(2) : '-'} |`,
    );
  }
}

console.log(`crmkit churn holdout benchmark, node ${process.version}`);
const split = { calibrationEnd, observationEnd, timeUnit: 'weeks' as const };
printEvaluation('CDNOW sample', summarizeTransactions(readCdnow(repoFile('test/fixtures/cdnow/CDNOW_sample.txt')), split));
const master = process.env.CDNOW_MASTER ?? repoFile('../shared/data/cdnow/CDNOW_master.txt');
if (existsSync(master)) printEvaluation('CDNOW full cohort', summarizeTransactions(readCdnow(master), split));
else console.log(`\nfull cohort skipped: ${master} not found (set CDNOW_MASTER)`);
await benchCdnowSqlite();
