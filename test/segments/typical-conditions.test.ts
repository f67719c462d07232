// The typical conditions of docs/segments.md: each one is written here once, type-checked, run on every
// core adapter against a small world, and its source must appear verbatim in the guide.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ago, createCrm, where, type Crm, type CrmAdapter, type Filter } from 'crmkit';
import { testClock } from 'crmkit/testing';
import { coreAdapters } from '../core/core-adapters.js';

const guide = readFileSync(fileURLToPath(new URL('../../docs/segments.md', import.meta.url)), 'utf8');
const source = readFileSync(fileURLToPath(import.meta.url), 'utf8');

/** The conditions, each between `// doc:<name>` and `// end` markers so the test can find its source. */
function conditions(ids: { springCampaignId: string }) {
  const { springCampaignId } = ids;
  return {
    // doc:frequent
    'at least 3 purchases in the last 90 days': where.related('interactions', {
      where: where.and(where('kind', 'eq', 'purchase'), where('occurredAt', 'gte', ago({ days: 90 }))),
      having: { fn: 'count', op: 'gte', value: 3 },
    }),
    // end
    // doc:spent
    'spent over 500 EUR this year': where.related('interactions', {
      where: where.and(
        where('kind', 'eq', 'purchase'),
        where('purchase.currency', 'eq', 'EUR'),
        where('occurredAt', 'gte', new Date('2025-01-01T00:00:00Z')),
      ),
      having: { fn: 'sum', field: 'purchase.amount', op: 'gt', value: 500_00 },
    }),
    // end
    // doc:lapsed
    'no purchase since 180 days': where.not(
      where.related('interactions', {
        where: where.and(where('kind', 'eq', 'purchase'), where('occurredAt', 'gte', ago({ days: 180 }))),
      }),
    ),
    // end
    // doc:opened
    'opened a campaign email but did not click': where.related('campaignMembers', {
      where: where.and(where('campaignId', 'eq', springCampaignId), where('status', 'eq', 'opened')),
    }),
    // end
    // doc:urgent
    'has an open urgent case': where.related('cases', {
      where: where.and(where('priority', 'eq', 'urgent'), where('status', 'nin', ['solved', 'closed'])),
    }),
    // end
    // doc:negotiation
    'a deal in stage negotiation': where.related('deals', {
      where: where.and(where('stageId', 'eq', 'negotiation'), where('status', 'eq', 'open')),
    }),
    // end
    // doc:churn
    'churn risk high': where('churn.riskBand', 'eq', 'high'),
    // end
  } satisfies Record<string, Filter>;
}

const expected: Record<string, string[]> = {
  'at least 3 purchases in the last 90 days': ['Ada'],
  'spent over 500 EUR this year': ['Ada'],
  'no purchase since 180 days': ['Bob', 'Cy'],
  'opened a campaign email but did not click': ['Bob'],
  'has an open urgent case': ['Cy'],
  'a deal in stage negotiation': ['Bob'],
  'churn risk high': ['Cy'],
};

describe('docs/segments.md', () => {
  it('shows every typical condition exactly as this test runs it', () => {
    const blocks = [...source.matchAll(/\/\/ doc:\w+\n([\s\S]*?)\n\s*\/\/ end/g)];
    expect(blocks).toHaveLength(Object.keys(expected).length);
    for (const [, body] of blocks) {
      const code = dedent(body!.replace(/^(\s*)'[^']+': /, '$1').replace(/,\s*$/, ''));
      expect(guide, code).toContain(code);
    }
  });
});

describe.each(coreAdapters)('the typical conditions on $name', ({ create }) => {
  let adapter: CrmAdapter;
  afterEach(async () => adapter?.close());

  it('select the customers the guide says they do, as segments too', async () => {
    adapter = create();
    const clock = testClock(new Date('2025-06-15T00:00:00.000Z'));
    const crm = await createCrm({ adapter, clock });
    const { springCampaignId } = await world(crm, clock.now());
    for (const [name, filter] of Object.entries(conditions({ springCampaignId }))) {
      const found = await crm.customers.find({ where: filter as Filter, sort: [{ field: 'name', direction: 'asc' }] });
      expect(found.items.map((c) => c.name), name).toEqual(expected[name]);
      const segment = await crm.segments.define({ name, where: filter as Filter });
      expect(await crm.segments.count(segment), name).toBe(expected[name]!.length);
    }
  });
});

async function world(crm: Crm, now: Date) {
  const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * 86_400_000);
  const [ada, bob, cy] = await crm.customers.createMany([{ name: 'Ada' }, { name: 'Bob' }, { name: 'Cy' }]);
  const buy = (customerId: string, daysAgo: number, amount: number, currency = 'EUR') => ({
    customerId,
    channel: 'web' as const,
    kind: 'purchase' as const,
    occurredAt: at(daysAgo),
    purchase: { orderId: `${customerId}-${daysAgo}`, amount, currency, lineItems: [] },
  });
  await crm.interactions.createMany([
    buy(ada!.id, 5, 200_00),
    buy(ada!.id, 20, 200_00),
    buy(ada!.id, 60, 200_00),
    buy(bob!.id, 200, 900_00),
    buy(cy!.id, 190, 50_00, 'USD'),
  ]);
  const spring = await crm.campaigns.create({ name: 'Spring', channel: 'email' });
  // Member statuses move forward only, through setStatus (or dispatch and tracked interactions).
  const members = await crm.campaignMembers.createMany([ada!, bob!, cy!].map((c) => ({ campaignId: spring.id, customerId: c.id })));
  for (const [member, status] of [[members[0]!, 'clicked'], [members[1]!, 'opened'], [members[2]!, 'sent']] as const) await crm.campaignMembers.setStatus(member.id, status);
  await crm.cases.create({ customerId: cy!.id, subject: 'Broken', priority: 'urgent' });
  await crm.cases.create({ customerId: ada!.id, subject: 'Question', priority: 'low' });
  const pipeline = await crm.pipelines.create({
    name: 'Sales',
    stages: [
      { id: 'qualify', name: 'Qualify', probability: 0.2 },
      { id: 'negotiation', name: 'Negotiation', probability: 0.7 },
      { id: 'won', name: 'Won', probability: 1, outcome: 'won' },
      { id: 'lost', name: 'Lost', probability: 0, outcome: 'lost' },
    ],
  });
  await crm.deals.create({ pipelineId: pipeline.id, stageId: 'negotiation', customerId: bob!.id, title: 'Bob renewal' });
  await crm.deals.create({ pipelineId: pipeline.id, stageId: 'qualify', customerId: ada!.id, title: 'Ada upsell' });
  await crm.customers.writeManaged([
    { id: cy!.id, fields: { churn: { riskBand: 'high', probability: 0.8, expectedRevenueLost: 0, horizon: 90, timeUnit: 'days', scoredAt: now, model: 'bg-nbd' } } },
  ]);
  return { springCampaignId: spring.id };
}

/** The block with its common indentation removed. */
function dedent(text: string): string {
  const lines = text.split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}
