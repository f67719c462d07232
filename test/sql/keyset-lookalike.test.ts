import { createCrm } from 'crmkit';
import { sqlAdapter } from 'crmkit/sql';
import { expect, it } from 'vitest';

// A user filter can have exactly the shape of a keyset filter (an `or` whose last branch is
// `exists: true`). On a list field it is no keyset (lists do not sort) and must compile as the
// ordinary filter it is. Found by the differential property test (seed -1612043898).
it('a filter shaped like a keyset on a list field is compiled as an ordinary filter', async () => {
  const crm = await createCrm({ adapter: sqlAdapter({ dialect: 'sqlite', filename: ':memory:' }) });
  await crm.customers.createMany([{ name: 'with', emails: ['a@example.com'] }, { name: 'without' }]);
  const { items } = await crm.customers.find({ where: { or: [{ field: 'emails', op: 'exists', value: true }] } });
  expect(items.map((c) => c.name)).toEqual(['with', 'without']); // an empty list is present
  const scalar = await crm.customers.find({ where: { or: [{ field: 'ownerId', op: 'exists', value: true }] } });
  expect(scalar.items).toEqual([]);
  await crm.close();
});
