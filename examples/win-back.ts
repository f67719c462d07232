/**
 * A win-back journey run by crmkit's automation engine: a customer's churn risk rises, a task
 * goes to their owner, they join a win-back e-mail campaign, and a complaint during the journey
 * opens a case and ends the journey.
 *
 * Run: `npx tsx examples/win-back.ts` (in memory) or `npx tsx examples/win-back.ts sqlite` (an
 * in-memory SQLite database). It prints what happened and exits with an error if the journey did
 * not go as described (CI runs it on both).
 */
import { createCrm, where } from 'crmkit';
import { memoryAdapter } from 'crmkit/memory';
import { sqlAdapter } from 'crmkit/sql';

const day = 86_400_000;
let now = Date.parse('2026-03-02T09:00:00Z');
const adapter = process.argv[2] === 'sqlite' ? sqlAdapter({ dialect: 'sqlite', filename: ':memory:' }) : memoryAdapter();
const crm = await createCrm({ adapter, clock: { now: () => new Date(now) } });
const check = (ok: boolean, what: string) => {
  console.log(`  ${ok ? 'ok' : 'FAILED'}: ${what}`);
  if (!ok) process.exitCode = 1;
};

// A shop's customers: a base buying every few weeks, many of whom stopped at some point, and Ada,
// who bought weekly for a year and stopped five months ago. Grace owns Ada's account.
let seed = 7;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const ada = await crm.customers.create({ name: 'Ada Lovelace', emails: ['ada@example.com'], ownerId: 'u_grace', lifecycleStage: 'customer' });
const regulars = await crm.customers.createMany(Array.from({ length: 150 }, (_, i) => ({ name: `Regular ${i}`, lifecycleStage: 'customer' as const })));
const purchases = [];
let order = 0;
for (let week = 0; week < 52; week++) {
  purchases.push({ customerId: ada.id, at: now - (52 * 7 + 150 - week * 7) * day });
}
for (const customer of regulars) {
  // Each buys every 10 to 50 days from some day in the last 500 until they stop (some never do).
  const stop = random() < 0.4 ? now : now - random() * 400 * day;
  for (let at = now - 500 * day + random() * 40 * day; at < stop - 2 * day; at += (10 + random() * 40) * day) purchases.push({ customerId: customer.id, at });
}
await crm.interactions.createMany(
  purchases.map((p) => ({ customerId: p.customerId, channel: 'web' as const, kind: 'purchase' as const, occurredAt: new Date(p.at), purchase: { orderId: `o-${++order}`, amount: 40_00, currency: 'EUR' } })),
);
await crm.consent.record({ customerId: ada.id, channel: 'email', purpose: 'marketing', status: 'granted', source: 'signup-form' });

// The win-back campaign, and the two rules.
const winBack = await crm.campaigns.create({ name: 'We miss you', channel: 'email', audience: { tags: ['win-back'] } });
const journey = await crm.automation.define({
  name: 'Win-back journey',
  trigger: { kind: 'record', collection: 'customers', operations: ['update'], fields: ['churn'], where: where('churn.riskBand', 'in', ['high', 'lost']) },
  steps: [
    { kind: 'create_task', title: 'Call: churn risk is high', dueInMinutes: 24 * 60, priority: 'high' },
    { kind: 'add_tag', tag: 'win-back' },
    { kind: 'add_to_campaign', campaignId: winBack.id },
    { kind: 'wait', minutes: 14 * 24 * 60 },
    { kind: 'add_tag', tag: 'win-back-finished' },
  ],
  exitWhen: { kind: 'record', collection: 'interactions', operations: ['create'], where: where('kind', 'eq', 'complaint'), subject: 'customerId' },
});
const complaints = await crm.automation.define({
  name: 'A complaint opens a case',
  trigger: { kind: 'record', collection: 'interactions', operations: ['create'], where: where('kind', 'eq', 'complaint'), subject: 'customerId' },
  steps: [{ kind: 'open_case', subject: 'Complaint', priority: 'high' }],
});
await crm.automation.enable(journey.id);
await crm.automation.enable(complaints.id);
await crm.automation.tick(); // the loading is behind the rules: nothing to do

console.log('1. Churn scores are computed and stored on the customers');
const report = await crm.analytics.churn({ currency: 'EUR', persist: true, timeUnit: 'weeks', horizon: 13 });
const scored = await crm.customers.get(ada.id);
console.log(`  Ada: ${((scored.churn?.probability ?? 0) * 100).toFixed(0)} % likely to churn (${scored.churn?.riskBand}); ${report.persisted?.updated} customers scored`);
await crm.automation.tick();
const tasks = (await crm.tasks.find({ where: where('customerId', 'eq', ada.id) })).items;
check(tasks.length === 1 && tasks[0]!.assigneeId === 'u_grace', `a task for Ada's owner: "${tasks[0]?.title}" (${tasks[0]?.assigneeId})`);
const members = (await crm.campaignMembers.find({ where: where('customerId', 'eq', ada.id) })).items;
check(members.length === 1 && members[0]!.campaignId === winBack.id, 'Ada joined the win-back campaign');

console.log('2. Three days into the journey, Ada complains');
now += 3 * day;
await crm.interactions.create({ customerId: ada.id, channel: 'email', kind: 'complaint', direction: 'inbound', occurredAt: new Date(now), body: 'My last order never arrived.' });
await crm.automation.tick();
const cases = (await crm.cases.find({ where: where('customerId', 'eq', ada.id) })).items;
check(cases.length === 1, `a case was opened: "${cases[0]?.subject}" (${cases[0]?.priority})`);
const [run] = (await crm.automation.runs({ ruleId: journey.id, subjectId: ada.id })).items;
check(run?.status === 'exited', `the journey ended: ${run?.status}`);

console.log('3. Two weeks later the journey does not go on');
now += 14 * day;
await crm.automation.tick();
check(!(await crm.customers.get(ada.id)).tags.includes('win-back-finished'), 'no "finished" step ran after the exit');
for (const step of run?.steps ?? []) console.log(`  run step ${step.path} ${step.kind}: ${step.outcome}`);
const regularsInJourney = (await crm.automation.runs({ ruleId: journey.id })).items.length - 1;
console.log(`  other customers on the journey: ${regularsInJourney}`);
await crm.close();
