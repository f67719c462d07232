import { caseModel, createCrm, customerModel, dealModel, models, pipelineModel, type Crm } from 'crmkit';
import { memoryAdapter } from 'crmkit/memory';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';

const stages: { id: string; name: string; probability: number; outcome?: 'open' | 'won' | 'lost' }[] = [
  { id: 'qualify', name: 'Qualify', probability: 0.1 },
  { id: 'won', name: 'Won', probability: 1, outcome: 'won' },
  { id: 'lost', name: 'Lost', probability: 0, outcome: 'lost' },
];

async function world() {
  const crm = await createCrm({ adapter: memoryAdapter() });
  const acme = await crm.customers.create({ kind: 'organization', name: 'Acme' });
  const pipeline = await crm.pipelines.create({ name: 'Sales', stages });
  return { crm, acme, pipeline };
}

/** Whether `create` accepted the input. */
async function creates(crm: Crm, collection: 'customers' | 'deals' | 'cases' | 'pipelines', input: unknown): Promise<boolean> {
  try {
    await (crm[collection].create as (input: unknown) => Promise<unknown>)(input);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code !== 'validation') throw error;
    return false;
  }
}

describe("a model's input schema and create agree", () => {
  it('on cross-field rules, normalizations, refused fields and stored-value limits', async () => {
    const { crm, acme, pipeline } = await world();
    const deal = { pipelineId: pipeline.id, stageId: 'qualify', customerId: acme.id, title: 'Pilot' };
    const opened = new Date('2026-01-10T00:00:00Z');
    const cases: [keyof typeof models & ('customers' | 'deals' | 'cases' | 'pipelines'), unknown][] = [
      ['deals', deal],
      ['deals', { ...deal, amount: 100 }], // an amount needs a currency
      ['deals', { ...deal, amount: 100, currency: 'usd' }],
      ['deals', { ...deal, amount: -1, currency: 'USD' }],
      ['deals', { ...deal, status: 'won' }], // managed
      ['deals', { ...deal, title: '   ' }],
      ['cases', { customerId: acme.id, subject: 'Help', openedAt: opened, solvedAt: new Date('2026-01-09T00:00:00Z') }],
      ['cases', { customerId: acme.id, subject: 'Help', openedAt: opened, solvedAt: new Date('2026-01-11T00:00:00Z') }],
      ['cases', { customerId: acme.id, subject: 'Help', solvedAt: new Date('2000-01-01T00:00:00Z') }], // openedAt defaults to now
      ['cases', { customerId: acme.id, subject: 'Help', openedAt: new Date('+010000-01-01T00:00:00Z') }],
      ['customers', { name: 'Ada', emails: ['ADA@example.com'] }],
      ['customers', { name: 'Ada', emails: ['not an email'] }],
      ['customers', { name: 'Ada', createdAt: new Date() }],
      ['customers', { name: 'Ada', tags: ['\uD800'] }],
      ['customers', { name: 'Ada', unknownField: 1 }],
      ['pipelines', { name: 'P', stages }],
      ['pipelines', { name: 'P', stages: stages.slice(0, 2) }], // no lost stage
      ['pipelines', { name: 'P', stages: [...stages, stages[0]] }], // duplicate stage id
    ];
    const results = [];
    for (const [collection, input] of cases) {
      const schema = models[collection].inputSchema;
      results.push({ collection, input, schema: schema.safeParse(input).success, create: await creates(crm, collection, input) });
    }
    expect(results.filter((r) => r.schema !== r.create)).toEqual([]);
    // Both ways are exercised.
    expect(results.some((r) => r.create)).toBe(true);
    expect(results.some((r) => !r.create)).toBe(true);
  });

  it('normalizes the same way create does', async () => {
    const { crm } = await world();
    const input = { name: '  Ada  ', emails: ['ADA@Example.com'], tags: ['vip', 'vip'] };
    const parsed = customerModel.inputSchema.parse(input);
    const created = await crm.customers.create(input);
    expect({ name: parsed.name, emails: parsed.emails, tags: parsed.tags }).toEqual({ name: created.name, emails: created.emails, tags: created.tags });
  });

  it('takes the host custom fields the way the crm does', async () => {
    const custom = z.object({ tier: z.enum(['gold', 'silver']) });
    const schema = customerModel.inputSchemaWith(custom);
    expect(schema.safeParse({ name: 'Ada', custom: { tier: 'gold' } }).success).toBe(true);
    expect(schema.safeParse({ name: 'Ada', custom: { tier: 'bronze' } }).success).toBe(false);
    expect(schema.safeParse({ name: 'Ada', custom: { tier: 'gold', extra: 1 } }).success).toBe(false); // strict, as stored
  });
});

describe("a model's record schema", () => {
  it('is the one the crm validates stored records with, cross-field rules included', async () => {
    const { crm, acme, pipeline } = await world();
    const stored = await crm.deals.create({ pipelineId: pipeline.id, stageId: 'qualify', customerId: acme.id, title: 'Pilot' });
    expect(dealModel.recordSchema.parse(stored)).toEqual(stored);
    expect(dealModel.recordSchema.safeParse({ ...stored, amount: 5 }).success).toBe(false); // amount without currency
  });
});

describe("a model's JSON Schema", () => {
  it('describes the input fields, dates as date-time strings, required ones required', () => {
    const schema = caseModel.jsonSchema() as { properties: Record<string, { type?: string; format?: string }>; required?: string[]; additionalProperties?: unknown };
    expect(schema.properties.openedAt).toMatchObject({ type: 'string', format: 'date-time' });
    expect(schema.properties.subject).toMatchObject({ type: 'string' });
    expect(schema.required).toEqual(expect.arrayContaining(['customerId', 'subject']));
    expect(schema.required).not.toContain('openedAt'); // defaults to now
    expect(schema.properties).not.toHaveProperty('createdAt');
    expect(schema.additionalProperties).toBe(false);
    expect(JSON.parse(JSON.stringify(pipelineModel.jsonSchema()))).toHaveProperty('properties.stages');
  });
});

describe("a model's storage description", () => {
  it('is what createCrm hands the adapter: fields, indexes, references, unique keys', async () => {
    const { crm } = await world();
    expect(dealModel.collectionSchema()).toEqual(crm.schema.collections.deals);
    expect(crm.schema.collections.deals!.references).toEqual([
      { field: 'pipelineId', collection: 'pipelines' },
      { field: 'customerId', collection: 'customers' },
    ]);
    expect(dealModel.uniqueKeys).toEqual([]);
  });
});
