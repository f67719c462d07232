/**
 * A campaign launch to 100,000 customers on SQLite (a file), with the consent
 * ledger read for every one of them (90 % granted, 6 % withdrawn, 4 % with no
 * decision), a frequency cap over two earlier campaigns sent to a fifth of the
 * base, and record history and the change feed on, as a host runs it. Prints
 * the launch time (target: under 5 s), the members written per second, and a
 * second, idempotent launch. Run with `npx tsx bench/campaigns/launch.ts`;
 * options: `--customers 100000`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCrm } from '../../src/index.js';
import { sqlAdapter } from '../../adapters/sql/index.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const customerCount = Number(args.get('customers') ?? 100_000);
const batchSize = Number(args.get('batch') ?? 1000);
const history = args.get('history') !== 'off';
const day = 86_400_000;
const now = new Date('2026-03-02T10:00:00Z');
let clockAt = now.getTime();

const dir = mkdtempSync(join(tmpdir(), 'crmkit-bench-campaigns-'));
try {
  const crm = await createCrm({ adapter: sqlAdapter({ dialect: 'sqlite', filename: join(dir, 'crm.db') }), clock: { now: () => new Date(clockAt) }, ...(history ? {} : { history: false, changeFeed: false }) });
  const loadStart = performance.now();
  for (let from = 0; from < customerCount; from += 5000) {
    const batch = Array.from({ length: Math.min(5000, customerCount - from) }, (_, k) => ({
      name: `Customer ${from + k}`,
      emails: [`customer${from + k}@example.com`],
      tags: (from + k) % 5 === 0 ? ['newsletter', 'panel'] : ['newsletter'],
    }));
    const created = await crm.customers.createMany(batch);
    const decisions = created.flatMap((customer, k) => {
      const n = from + k;
      if (n % 25 === 0) return []; // 4 %: no decision recorded
      const status = n % 50 < 3 ? ('withdrawn' as const) : ('granted' as const); // 6 % withdrawn
      return [{ customerId: customer.id, channel: 'email' as const, purpose: 'marketing', status, source: 'signup-form', at: new Date(now.getTime() - 30 * day) }];
    });
    await crm.consentRecords.createMany(decisions as never);
  }
  // Two earlier campaigns, both sent to the same fifth of the base (the panel), 10 and 3 days ago: the cap of 2 in 30 days skips them.
  for (const daysAgo of [10, 3]) {
    clockAt = now.getTime() - daysAgo * day;
    const earlier = await crm.campaigns.create({ name: `Earlier ${daysAgo}`, channel: 'email', audience: { tags: ['panel'] } });
    await crm.campaigns.launch(earlier.id);
    await crm.campaigns.dispatch(earlier.id, () => {}, { concurrency: 32, batchSize: 1000 });
  }
  clockAt = now.getTime();
  const loadMs = performance.now() - loadStart;

  const spring = await crm.campaigns.create({ name: 'Spring', channel: 'email', frequencyCap: { touches: 2, days: 30 }, audience: { tags: ['newsletter'] } });
  const t0 = performance.now();
  const result = await crm.campaigns.launch(spring.id, { batchSize });
  const launchMs = performance.now() - t0;
  const t1 = performance.now();
  const again = await crm.campaigns.launch(spring.id);
  const againMs = performance.now() - t1;
  console.log(`SQLite file, ${customerCount.toLocaleString('en')} customers (loaded with ledger and two earlier sends in ${(loadMs / 1000).toFixed(1)} s)`);
  console.log(
    `  launch: ${(launchMs / 1000).toFixed(2)} s (target < 5 s): ${result.added.toLocaleString('en')} members, ` +
      `${Math.round(result.added / (launchMs / 1000)).toLocaleString('en')} members/s; skipped ${JSON.stringify(Object.fromEntries(Object.entries(result.skippedByReason).filter(([, n]) => n > 0)))}`,
  );
  console.log(`  launch again (idempotent): ${(againMs / 1000).toFixed(2)} s, ${again.added} added, ${again.alreadyMembers.toLocaleString('en')} already members`);
  await crm.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
