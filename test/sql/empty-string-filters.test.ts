import { afterAll, describe, expect, it } from 'vitest';
import { memoryAdapter } from 'crmkit/memory';
import { createCrm, type Filter } from 'crmkit';
import { dialectTargets } from './dialect-targets.js';

// SQLite's substr() of an empty blob is NULL, which turned `not endsWith` into NULL and dropped
// records whose value is the empty string. Found by the differential property test (seed -1952901096).
const filters: [string, Filter][] = [
  ['not endsWith', { not: { field: 'firstName', op: 'endsWith', value: 'lead' } }],
  ['not startsWith', { not: { field: 'firstName', op: 'startsWith', value: 'lead' } }],
  ['not contains', { not: { field: 'firstName', op: 'contains', value: 'lead' } }],
  ['endsWith', { field: 'firstName', op: 'endsWith', value: 'lead' }],
];

describe('string operators on an empty string agree with the memory adapter', () => {
  const targets = dialectTargets();
  afterAll(async () => {
    for (const target of targets) await target.end();
  });
  for (const target of targets) {
    it.each(filters)(`${target.name}: %s`, async (_title, where) => {
      const adapter = await target.create();
      const crms = [await createCrm({ adapter: memoryAdapter() }), await createCrm({ adapter })];
      try {
        const answers = [];
        for (const crm of crms) {
          await crm.customers.createMany([
            { id: 'empty', name: 'Empty', firstName: '' },
            { id: 'lead', name: 'Lead', firstName: 'a lead' },
            { id: 'absent', name: 'Absent' },
          ]);
          answers.push((await crm.customers.find({ where })).items.map((c) => c.id));
        }
        expect(answers[1]).toEqual(answers[0]);
      } finally {
        await adapter.close();
        await target.destroy(adapter);
      }
    });
  }
});
