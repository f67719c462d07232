import { createCrm, type CrmAdapter } from 'crmkit';
import { testClock } from '../pipelines/pipeline-fixture.js';

export { day, hour, stored, testClock } from '../pipelines/pipeline-fixture.js';

/** A crm on `adapter` at 2026-03-02 10:00 UTC, with a test clock. */
export async function campaignWorld(adapter: CrmAdapter) {
  const clock = testClock('2026-03-02T10:00:00.000Z');
  const crm = await createCrm({ adapter, clock });
  /** A customer with a marketing e-mail decision (granted unless told). */
  const customer = async (name: string, options: { tags?: string[]; consent?: 'granted' | 'withdrawn' | 'denied' | 'none'; expiresAt?: Date } = {}) => {
    const created = await crm.customers.create({ name, emails: [`${name.toLowerCase().replace(/\W+/g, '.')}@example.com`], tags: options.tags ?? ['newsletter'] });
    const status = options.consent ?? 'granted';
    if (status !== 'none') {
      await crm.consent.record({
        customerId: created.id,
        channel: 'email',
        purpose: 'marketing',
        status,
        source: 'signup-form',
        ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }),
      });
    }
    return created;
  };
  return { crm, clock, customer };
}
