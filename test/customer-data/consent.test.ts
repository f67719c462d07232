// The consent ledger and crm.consent.canContact: every decision a record, the answer with its reason.
import { afterEach, describe, expect, it } from 'vitest';
import { createCrm, isCrmError, type Crm } from 'crmkit';
import { customerDataAdapters } from './customer-data-adapters.js';

describe.each(customerDataAdapters)('consent on $name', ({ create }) => {
  let crm: Crm;
  afterEach(async () => crm?.close());

  async function seed() {
    let now = new Date('2026-01-01T00:00:00Z');
    crm = await createCrm({ adapter: create(), clock: { now: () => now } });
    const ada = await crm.customers.create({ name: 'Ada Lovelace', emails: ['ada@example.com'], phones: ['+442079460018'] });
    return { ada, advance: (ms: number) => void (now = new Date(now.getTime() + ms)) };
  }

  it('answers from the latest decision per channel and purpose, with the reason and the record', async () => {
    const { ada, advance } = await seed();
    expect(await crm.consent.canContact(ada.id, 'email', 'marketing')).toEqual({ allowed: false, reason: 'no_consent_recorded' });
    expect(await crm.consent.canContact(ada.id, 'email', 'transactional')).toEqual({ allowed: true, reason: 'transactional' });
    const granted = await crm.consent.record({ customerId: ada.id, channel: 'email', purpose: 'marketing', status: 'granted', source: 'signup-form', proof: 'Yes, send me news' });
    expect(await crm.consent.canContact(ada.id, 'email', 'marketing')).toEqual({ allowed: true, reason: 'consent_granted', decision: granted });
    expect((await crm.consent.canContact(ada.id, 'sms', 'marketing')).reason).toBe('no_consent_recorded');
    expect((await crm.consent.canContact(ada.id, 'email', 'profiling')).reason).toBe('no_consent_recorded');
    advance(1000);
    await crm.consent.record({ customerId: ada.id, channel: 'email', purpose: 'marketing', status: 'withdrawn', source: 'preference-centre' });
    expect((await crm.consent.canContact(ada.id, 'email', 'marketing')).reason).toBe('consent_withdrawn');
    // The customer's marketing summary follows the ledger.
    expect((await crm.customers.get(ada.id)).consent.email?.status).toBe('denied');
    // A decision dated earlier than the latest does not override it.
    await crm.consent.record({ customerId: ada.id, channel: 'email', purpose: 'marketing', status: 'granted', source: 'old-import', at: new Date('2025-01-01') });
    expect((await crm.consent.canContact(ada.id, 'email', 'marketing')).reason).toBe('consent_withdrawn');
    expect((await crm.customers.get(ada.id)).consent.email?.status).toBe('denied');
    expect((await crm.consent.history(ada.id)).map((r) => r.status)).toEqual(['granted', 'granted', 'withdrawn']);
    await crm.consent.record({ customerId: ada.id, channel: 'phone', purpose: 'marketing', status: 'denied', source: 'call' });
    expect((await crm.consent.canContact(ada.id, 'phone', 'marketing')).reason).toBe('consent_denied');
  });

  it('lets a grant lapse at its expiry', async () => {
    const { ada, advance } = await seed();
    await crm.consent.record({ customerId: ada.id, channel: 'email', purpose: 'profiling', status: 'granted', source: 'form', expiresAt: new Date('2026-01-02T00:00:00Z') });
    expect((await crm.consent.canContact(ada.id, 'email', 'profiling')).allowed).toBe(true);
    advance(24 * 3600 * 1000);
    expect((await crm.consent.canContact(ada.id, 'email', 'profiling')).reason).toBe('consent_expired');
  });

  it('records unsubscribes from a campaign status and a STOP reply in the same write', async () => {
    const { ada } = await seed();
    await crm.consent.record({ customerId: ada.id, channel: 'sms', purpose: 'marketing', status: 'granted', source: 'form', at: new Date('2025-12-01') });
    await crm.consent.record({ customerId: ada.id, channel: 'email', purpose: 'marketing', status: 'granted', source: 'form', at: new Date('2025-12-01') });
    const campaign = await crm.campaigns.create({ name: 'Spring', channel: 'email' });
    const member = await crm.campaignMembers.create({ campaignId: campaign.id, customerId: ada.id });
    await crm.campaignMembers.setStatus(member.id, 'unsubscribed');
    const email = await crm.consent.canContact(ada.id, 'email', 'marketing');
    expect(email.reason).toBe('consent_withdrawn');
    expect(email.decision?.source).toBe(`campaign:${campaign.id}`);
    await crm.interactions.create({ customerId: ada.id, channel: 'sms', direction: 'inbound', kind: 'message', body: 'Stop' });
    const sms = await crm.consent.canContact(ada.id, 'sms', 'marketing');
    expect(sms).toMatchObject({ allowed: false, reason: 'consent_withdrawn', decision: { proof: 'Stop' } });
    // A message merely mentioning stop is not an unsubscribe.
    await crm.consent.record({ customerId: ada.id, channel: 'sms', purpose: 'marketing', status: 'granted', source: 'form' });
    await crm.interactions.create({ customerId: ada.id, channel: 'sms', direction: 'inbound', kind: 'message', body: 'please do not stop the offers' });
    expect((await crm.consent.canContact(ada.id, 'sms', 'marketing')).allowed).toBe(true);
  });

  it('refuses bad decisions and unknown customers with typed errors, writing nothing', async () => {
    const { ada } = await seed();
    for (const input of [
      { customerId: 'nobody', channel: 'email', purpose: 'marketing', status: 'granted', source: 'x' },
      { customerId: ada.id, channel: 'pigeon', purpose: 'marketing', status: 'granted', source: 'x' },
      { customerId: ada.id, channel: 'email', purpose: 'Marketing!', status: 'granted', source: 'x' },
      { customerId: ada.id, channel: 'email', purpose: 'marketing', status: 'maybe', source: 'x' },
      { customerId: ada.id, channel: 'email', purpose: 'marketing', status: 'granted' },
    ]) {
      const error = await crm.consent.record(input as never).catch((e: unknown) => e);
      expect(isCrmError(error) && error.code === 'validation', JSON.stringify(input)).toBe(true);
    }
    expect(await crm.consent.history(ada.id)).toEqual([]);
    const missing = await crm.consent.canContact('nobody', 'email', 'marketing').catch((e: unknown) => e);
    expect(isCrmError(missing) && missing.code === 'not_found').toBe(true);
  });
});
