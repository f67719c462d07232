import { analyticsIssueCodes, createCrm, issueCodes, storedValueIssueCodes, where, type CrmIssue } from 'crmkit';
import { memoryAdapter } from 'crmkit/memory';
import { describe, expect, it } from 'vitest';

async function issuesOf(call: () => Promise<unknown>): Promise<readonly CrmIssue[]> {
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeDefined();
  return (error as { issues: readonly CrmIssue[] }).issues;
}

describe('the closed list of issue codes', () => {
  it('holds the analytics and stored-value codes', () => {
    for (const code of [...analyticsIssueCodes, ...storedValueIssueCodes]) expect(issueCodes).toContain(code);
    expect(new Set(issueCodes).size).toBe(issueCodes.length);
  });

  it('holds every code the core reports for bad writes and queries', async () => {
    const crm = await createCrm({ adapter: memoryAdapter() });
    const acme = await crm.customers.create({ name: 'Acme' });
    const pipeline = await crm.pipelines.create({
      name: 'P',
      stages: [
        { id: 'a', name: 'A', probability: 0 },
        { id: 'w', name: 'W', probability: 1, outcome: 'won' },
        { id: 'l', name: 'L', probability: 0, outcome: 'lost' },
      ],
    });
    const found = [
      ...(await issuesOf(() => crm.customers.create({ name: '' }))),
      ...(await issuesOf(() => crm.customers.create({ name: 'x', version: 3 } as never))),
      ...(await issuesOf(() => crm.customers.create({ name: 'x', tags: ['\uD800'] }))),
      ...(await issuesOf(() => crm.customers.create({ name: 'x', bogus: 1 } as never))),
      ...(await issuesOf(() => crm.cases.create({ customerId: 'nobody', subject: 's' }))),
      ...(await issuesOf(() => crm.deals.create({ pipelineId: pipeline.id, stageId: 'zz', customerId: acme.id, title: 't' }))),
      ...(await issuesOf(() => crm.customers.createMany([{ id: 'same', name: 'a' }, { id: 'same', name: 'b' }]))),
      ...(await issuesOf(() => crm.customers.find({ where: { field: 'nope', op: 'eq', value: 1 } as never }))),
      ...(await issuesOf(() => crm.customers.find({ limit: 0 }))),
      ...(await issuesOf(() => crm.customers.find({ cursor: 'garbage' }))),
      ...(await issuesOf(() => crm.customers.count({ related: { collection: 'nope' } }))),
      ...(await issuesOf(() => crm.customers.count({ related: { collection: 'pipelines' } }))),
      ...(await issuesOf(() => crm.customers.count(where.related('interactions', { having: { fn: 'avg' as never, op: 'gt', value: 1 } })))),
      ...(await issuesOf(() => crm.customers.count(where.related('interactions', { having: { fn: 'count', field: 'kind', op: 'gt', value: 1 } })))),
      ...(await issuesOf(() => crm.segments.define({ name: 's', where: where.inSegment('nope') }))),
    ];
    expect(found.length).toBeGreaterThan(8);
    expect(found.map((issue) => issue.code).filter((code) => !(issueCodes as readonly string[]).includes(code))).toEqual([]);
  });
});
