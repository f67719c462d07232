/**
 * crmkit end to end: a small online shop keeps its customers, orders, sales
 * deals, support cases and a campaign in crmkit, asks questions of them, then
 * imports a purchase history and scores which customers are slipping away.
 *
 * Run: `npm run demo`. Data goes to an embedded SQLite file, `crm-demo.db` in
 * the current folder (made afresh on every run), or to the path given as the
 * first argument.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { ago, createCrm, isCrmError, where } from 'crmkit';
import { sqlAdapter } from 'crmkit/sql';
import { z } from 'zod';

const filename = process.argv[2] ?? 'crm-demo.db';
if (filename === 'crm-demo.db') for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(filename + suffix, { force: true });

const day = 24 * 3600 * 1000;
const clock = { now: () => new Date('2025-03-31T12:00:00Z') };

console.log(`crmkit demo, stored in SQLite at ${filename}`);
const crm = await createCrm({
  adapter: sqlAdapter({ dialect: 'sqlite', filename }),
  clock,
  customFields: {
    customers: z.object({ loyaltyTier: z.enum(['bronze', 'silver', 'gold']).optional(), shopId: z.string().optional() }),
  },
});

const created: Record<string, number> = {};
crm.events.on('*', (name) => {
  created[name] = (created[name] ?? 0) + 1;
});
crm.events.on('deal.stageChanged', ({ deal, fromStageId, toStageId }) =>
  console.log(`  event: deal "${deal.title}" moved ${fromStageId} -> ${toStageId} (${deal.status})`),
);

console.log('1. Customers: an organization and the people who buy from us');
const acme = await crm.customers.create({ kind: 'organization', name: 'Acme GmbH', relationship: 'customer', tags: ['b2b'] });
const people = await crm.customers.createMany([
  { name: 'Ada Lovelace', emails: ['ADA@example.com'], phones: ['+44 20 7946 0958'], lifecycleStage: 'customer', custom: { loyaltyTier: 'gold' } },
  { name: 'Grace Hopper', emails: ['grace@example.com'], organizationId: acme.id, lifecycleStage: 'customer', tags: ['b2b'] },
  { name: 'Alan Turing', emails: ['alan@example.com'], lifecycleStage: 'lead', source: 'web' },
]);
const [ada, grace, alan] = people as [(typeof people)[number], (typeof people)[number], (typeof people)[number]];
console.log(`  ${ada.name}: ${ada.emails[0]} ${ada.phones[0]} (normalized), id ${ada.id}`);

console.log('2. The timeline: orders become purchase interactions');
const orders = [
  { customer: ada, daysAgo: 90, amount: 4_999 },
  { customer: ada, daysAgo: 45, amount: 12_50 },
  { customer: ada, daysAgo: 3, amount: 89_00 },
  { customer: grace, daysAgo: 200, amount: 240_00 },
  { customer: grace, daysAgo: 20, amount: 99_00 },
];
await crm.interactions.createMany(
  orders.map((order, i) => ({
    customerId: order.customer.id,
    channel: 'web' as const,
    kind: 'purchase' as const,
    occurredAt: new Date(clock.now().getTime() - order.daysAgo * day),
    purchase: { orderId: `ORD-${1000 + i}`, amount: order.amount, currency: 'EUR', lineItems: [{ sku: `SKU-${i}`, quantity: 1, unitPrice: order.amount }] },
  })),
);
await crm.interactions.create({ customerId: alan.id, channel: 'email', kind: 'message', direction: 'inbound', subject: 'Do you ship to Manchester?' });
await crm.interactions.create({ customerId: ada.id, channel: 'web', kind: 'survey_response', survey: { type: 'nps', score: 10 } });

const timeline = await crm.interactions.find({
  where: where('customerId', 'eq', ada.id),
  sort: [{ field: 'occurredAt', direction: 'desc' }],
});
for (const item of timeline.items) {
  console.log(`  ${item.occurredAt.toISOString().slice(0, 10)} ${item.kind}${item.purchase ? ` ${item.purchase.amount / 100} ${item.purchase.currency}` : ''}`);
}

console.log('3. A sales pipeline and a deal moving through it');
const pipeline = await crm.pipelines.create({
  name: 'B2B',
  currency: 'EUR',
  stages: [
    { id: 'qualify', name: 'Qualify', probability: 0.1 },
    { id: 'proposal', name: 'Proposal', probability: 0.5 },
    { id: 'won', name: 'Won', probability: 1, outcome: 'won' },
    { id: 'lost', name: 'Lost', probability: 0, outcome: 'lost' },
  ],
});
const deal = await crm.deals.create({ pipelineId: pipeline.id, stageId: 'qualify', customerId: acme.id, title: 'Acme annual licence', amount: 12_000_00, currency: 'EUR' });
await crm.deals.update(deal.id, (draft) => {
  draft.stageId = 'proposal';
});
const won = await crm.deals.update(deal.id, (draft) => {
  draft.stageId = 'won';
});
console.log(`  "${won.title}": ${won.status}, closed ${won.closedAt?.toISOString()}, version ${won.version}`);

console.log('4. Optimistic concurrency: a stale version is refused');
try {
  await crm.deals.update(deal.id, (draft) => void (draft.title = 'stale edit'), { expectedVersion: 1 });
} catch (error) {
  if (isCrmError(error, 'conflict')) console.log(`  refused (${error.code}): ${error.message}`);
  else throw error;
}

console.log('5. Bad input gets a typed error and changes nothing');
try {
  await crm.customers.create({ name: '', emails: ['not-an-email'] });
} catch (error) {
  if (isCrmError(error, 'validation')) for (const issue of error.issues) console.log(`  ${issue.path.join('.')}: ${issue.message}`);
  else throw error;
}

console.log('6. A support case and a campaign, written together in one transaction');
await crm.transaction(async (tx) => {
  await tx.cases.create({
    customerId: grace.id,
    subject: 'Invoice shows the wrong VAT number',
    priority: 'high',
    channel: 'email',
    firstResponseDueAt: new Date(clock.now().getTime() + 4 * 3600 * 1000),
  });
  const spring = await tx.campaigns.create({ name: 'Spring sale', channel: 'email', budget: { amount: 500_00, currency: 'EUR' } });
  await tx.campaignMembers.createMany([ada, grace].map((c) => ({ campaignId: spring.id, customerId: c.id })));
});
try {
  await crm.transaction(async (tx) => {
    await tx.cases.create({ customerId: alan.id, subject: 'This one is rolled back' });
    throw new Error('something went wrong midway');
  });
} catch {
  console.log(`  after a failed transaction: ${await crm.cases.count()} case(s) stored`);
}

console.log('7. Questions: who bought in the last 30 days, and revenue per customer');
const recentBuyers = await crm.interactions.aggregate({
  where: where.and(where('kind', 'eq', 'purchase'), where('occurredAt', 'gte', ago({ days: 30 }))),
  groupBy: ['customerId'],
  measures: [
    { name: 'orders', fn: 'count' },
    { name: 'revenue', fn: 'sum', field: 'purchase.amount' },
    { name: 'lastOrderAt', fn: 'max', field: 'occurredAt' },
  ],
});
const names = new Map([acme, ...people].map((c) => [c.id, c.name]));
for (const row of recentBuyers) {
  console.log(`  ${names.get(row.key[0] as string)}: ${row.values.orders} order(s), ${Number(row.values.revenue) / 100} EUR`);
}
const gold = await crm.customers.find({ where: where('custom.loyaltyTier', 'eq', 'gold') });
console.log(`  gold-tier customers: ${gold.items.map((c) => c.name).join(', ')}`);

console.log('8. Paging through customers by name, 2 at a time, with a cursor');
let cursor: string | undefined;
do {
  const page = await crm.customers.find({ sort: [{ field: 'name', direction: 'asc' }], limit: 2, cursor });
  console.log(`  page: ${page.items.map((c) => c.name).join(', ')}`);
  cursor = page.nextCursor;
} while (cursor);

console.log('9. Import a purchase history (the CDNOW sample: 2,357 customers, 1997-98) and score churn');
const cdnowFile = new URL('../test/fixtures/cdnow/CDNOW_sample.txt', import.meta.url);
if (existsSync(cdnowFile)) {
  const purchases = readFileSync(cdnowFile, 'utf8')
    .trim()
    .split('\n')
    .map((line, i) => {
      const [, id = '', date = '', , dollars = '0'] = line.trim().split(/\s+/);
      const occurredAt = new Date(Date.UTC(+date.slice(0, 4), +date.slice(4, 6) - 1, +date.slice(6, 8)));
      return { customerId: `cdnow-${id}`, occurredAt, orderId: `cdnow-order-${i}`, amount: Math.round(Number(dollars) * 100) };
    });
  const started = performance.now();
  const ids = [...new Set(purchases.map((p) => p.customerId))];
  await crm.customers.createMany(ids.map((id) => ({ id, name: `CDNOW ${id.slice(6)}`, source: 'web' as const })));
  for (let i = 0; i < purchases.length; i += 2000) {
    await crm.interactions.createMany(
      purchases.slice(i, i + 2000).map((p) => ({
        customerId: p.customerId,
        channel: 'web' as const,
        kind: 'purchase' as const,
        occurredAt: p.occurredAt,
        purchase: { orderId: p.orderId, amount: p.amount, currency: 'USD' },
      })),
    );
  }
  console.log(`  imported ${ids.length} customers and ${purchases.length} purchases in ${Math.round(performance.now() - started)} ms`);
  const report = await crm.analytics.churn({ currency: 'USD', observationEnd: new Date('1997-09-30T00:00:00Z'), timeUnit: 'weeks', horizon: 13 });
  const fit = report.purchaseModel;
  if (fit !== null) {
    console.log(`  ${fit.kind} fit on all ${fit.customers} customers: ${Object.entries(fit.params).map(([k, v]) => `${k} = ${v.toFixed(3)}`).join(', ')}, log-likelihood ${fit.logLikelihood.toFixed(1)}`);
  }
  for (const warning of report.warnings) console.log(`  warning (${warning.code}): ${warning.message}`);
  const bands = new Map<string, number>();
  for (const c of report.customers) bands.set(c.churn.riskBand, (bands.get(c.churn.riskBand) ?? 0) + 1);
  console.log(`  risk bands on P(no purchase in the next 13 weeks): ${[...bands].map(([band, n]) => `${band} ${n}`).join(', ')}`);
  const show = (c: (typeof report.customers)[number]): void => {
    console.log(`    ${c.customerId}: ${(c.churn.churnProbability * 100).toFixed(1)}% likely not to buy in 13 weeks (${c.churn.riskBand}), ${(c.churn.expectedRevenueLost / 100).toFixed(2)} USD expected revenue lost, 12-month value ${((c.lifetimeValue ?? 0) / 100).toFixed(2)} USD`);
    for (const reason of c.churn.reasons) console.log(`      - ${reason}`);
  };
  console.log('  most likely to churn:');
  for (const c of report.customers.slice(0, 2)) show(c);
  const byRevenue = [...report.customers].sort((a, b) => b.churn.expectedRevenueLost - a.churn.expectedRevenueLost);
  console.log('  most expected revenue lost (churn probability × spend in 13 weeks if active):');
  for (const c of byRevenue.slice(0, 2)) show(c);
} else {
  console.log('  (CDNOW sample not found; skipped)');
}

console.log('Events emitted:', created);
await crm.close();
