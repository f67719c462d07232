import { describe, expect, it } from 'vitest';
import { createCrm, isCrmError, type ConflictError } from 'crmkit';
import { memoryAdapter } from 'crmkit/memory';

async function conflictOf(call: Promise<unknown>): Promise<ConflictError> {
  const error = await call.then(() => undefined, (e: unknown) => e);
  expect(isCrmError(error, 'conflict'), String(error)).toBe(true);
  return error as ConflictError;
}

describe('a conflict says which one it is', () => {
  it('id_taken, stale_version and still_referenced', async () => {
    const crm = await createCrm({ adapter: memoryAdapter() });
    const ada = await crm.customers.create({ name: 'Ada' });
    expect((await conflictOf(crm.customers.create({ id: ada.id, name: 'Again' }))).reason).toBe('id_taken');
    expect((await conflictOf(crm.customers.update(ada.id, (d) => void (d.name = 'A'), { expectedVersion: 7 }))).reason).toBe('stale_version');
    await crm.interactions.create({ customerId: ada.id, channel: 'email', kind: 'message' });
    const referenced = await conflictOf(crm.customers.delete(ada.id));
    expect(referenced.reason).toBe('still_referenced');
    expect(referenced.id).toBe(ada.id);
  });
});
