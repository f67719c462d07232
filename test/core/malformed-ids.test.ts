// An id that is not well-formed UTF-16 can name no stored record (every write refuses such
// strings); a lookup by one is refused, not answered with the record a driver's U+FFFD finds.
import { describe, expect, it } from 'vitest';
import { createCrm, isCrmError, type CrmAdapter } from 'crmkit';
import { memoryAdapter } from 'crmkit/memory';
import { sqlAdapter } from 'crmkit/sql';

const adapters: Record<string, () => CrmAdapter> = {
  memory: () => memoryAdapter(),
  sqlite: () => sqlAdapter({ dialect: 'sqlite', filename: ':memory:' }),
};
const lone = '\uDC41';

async function refused(call: Promise<unknown>, code: 'invalid_query' | 'validation') {
  const error = await call.then(() => undefined, (e: unknown) => e);
  expect(isCrmError(error, code), String(error)).toBe(true);
  expect((error as { issues: { code: string }[] }).issues.map((i) => i.code)).toContain('malformed_string');
}

describe.each(Object.keys(adapters))('ids holding a lone surrogate on %s', (name) => {
  it('are refused by get, getMany, update, updateMany, delete and deleteMany, and nothing changes', async () => {
    const crm = await createCrm({ adapter: adapters[name]!() });
    // The record a driver would find if it replaced the lone surrogate with U+FFFD.
    const decoy = await crm.customers.create({ id: '\uFFFD', name: 'Decoy' });
    await refused(crm.customers.get(lone), 'invalid_query');
    await refused(crm.customers.getMany(['ok', lone]), 'invalid_query');
    await refused(crm.customers.update(lone, (d) => void (d.name = 'Changed')), 'validation');
    await refused(crm.customers.updateMany([{ id: lone, recipe: (d) => void (d.name = 'Changed') }]), 'validation');
    await refused(crm.customers.delete(lone), 'validation');
    await refused(crm.customers.deleteMany([lone]), 'validation');
    expect(await crm.customers.get(decoy.id)).toEqual(decoy);
    await crm.close();
  });
});
