/**
 * `crm.analytics.churn` end to end on the full CDNOW cohort (23,570 customers, 69,659 purchases)
 * stored in SQLite (a file in a temp dir): loading is timed apart, then `summarize`, `churn` with the
 * default Pareto/NBD fitted on every customer, and `churn({ persist: true })`, each after loading.
 *
 * `npx tsx bench/analytics/cdnow-sqlite.ts`, or as part of `npm run bench -- analytics-churn`. Reads
 * `../shared/data/cdnow/CDNOW_master.txt` beside the checkout (or `CDNOW_MASTER`). Not a timed test.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sqlAdapter } from '../../adapters/sql/index.js';
import { createCrm } from '../../src/index.js';

const master = process.env.CDNOW_MASTER ?? fileURLToPath(new URL('../../../shared/data/cdnow/CDNOW_master.txt', import.meta.url));
const seconds = (since: number): string => `${((performance.now() - since) / 1000).toFixed(2)} s`;

export async function benchCdnowSqlite(): Promise<void> {
  if (!existsSync(master)) {
    console.log(`\n## crm.analytics.churn on SQLite: skipped, ${master} not found (set CDNOW_MASTER)`);
    return;
  }
  const purchases = readFileSync(master, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length >= 4 && /^\d/.test(f[0] as string))
    .map((f, i) => {
      const d = f[1] as string;
      return {
        customerId: `c${Number(f[0])}`,
        occurredAt: new Date(Date.UTC(Number(d.slice(0, 4)), Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8)))),
        orderId: `o${i}`,
        amount: Math.round(Number(f[3]) * 100),
      };
    });
  const folder = mkdtempSync(join(tmpdir(), 'crmkit-cdnow-'));
  const crm = await createCrm({
    adapter: sqlAdapter({ dialect: 'sqlite', filename: join(folder, 'crm.db') }),
    clock: { now: () => new Date('1998-06-30T00:00:00Z') },
  });
  try {
    let t = performance.now();
    const ids = [...new Set(purchases.map((p) => p.customerId))];
    for (let i = 0; i < ids.length; i += 10_000) await crm.customers.createMany(ids.slice(i, i + 10_000).map((id) => ({ id, name: id })));
    for (let i = 0; i < purchases.length; i += 10_000) {
      await crm.interactions.createMany(
        purchases.slice(i, i + 10_000).map((p) => ({
          customerId: p.customerId,
          channel: 'web' as const,
          kind: 'purchase' as const,
          occurredAt: p.occurredAt,
          purchase: { orderId: p.orderId, amount: p.amount, currency: 'USD' },
        })),
      );
    }
    console.log(`\n## crm.analytics.churn on SQLite, full CDNOW cohort (${ids.length.toLocaleString('en')} customers, ${purchases.length.toLocaleString('en')} purchases)`);
    console.log(`load through createMany: ${seconds(t)} (not counted below)`);
    const options = { timeUnit: 'weeks', horizon: 13, observationEnd: new Date('1998-06-30T00:00:00Z') } as const;
    t = performance.now();
    const { summaries } = await crm.analytics.summarize(options);
    console.log(`summarize: ${seconds(t)} (${summaries.length.toLocaleString('en')} rows)`);
    for (let run = 1; run <= 2; run += 1) {
      t = performance.now();
      const report = await crm.analytics.churn(options);
      console.log(
        `churn, run ${run} (summarize + ${report.purchaseModel?.kind} and Gamma-Gamma fitted on all ${report.purchaseModel?.customers.toLocaleString('en')} + scores + CLV): ${seconds(t)}; warnings ${report.warnings.length}`,
      );
    }
    t = performance.now();
    const persisted = await crm.analytics.churn({ ...options, persist: true });
    console.log(`churn({ persist: true }) (the same + ${persisted.persisted?.updated.toLocaleString('en')} customers written in batches of 1,000): ${seconds(t)}`);
    t = performance.now();
    const high = await crm.customers.count({ field: 'churn.riskBand', op: 'eq', value: 'high' });
    console.log(`count customers where churn.riskBand = 'high': ${high.toLocaleString('en')} in ${seconds(t)}`);
  } finally {
    await crm.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchCdnowSqlite();
