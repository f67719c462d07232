// A member's status moves forward only, each status's first time is kept, and what customers do
// (an open, a click, a reply, a purchase carrying the campaign or its code) moves it by itself.
import { afterEach, describe, expect, it } from 'vitest';
import { isCrmError, where, type CrmAdapter } from 'crmkit';
import { coreAdapters } from '../core/core-adapters.js';
import { campaignWorld, hour, stored } from './campaign-fixture.js';

describe.each(coreAdapters)('campaign members on $name', ({ create }) => {
  let adapter: CrmAdapter;
  afterEach(async () => adapter?.close());

  async function launched(code?: string) {
    adapter = create();
    const world = await campaignWorld(adapter);
    const ada = await world.customer('Ada');
    const spring = await world.crm.campaigns.create({ name: 'Spring', channel: 'email', audience: { customerIds: [ada.id] }, ...(code === undefined ? {} : { code }) });
    await world.crm.campaigns.launch(spring.id);
    const [member] = (await world.crm.campaignMembers.find()).items;
    return { ...world, ada, spring, member: member! };
  }

  it('move forward, skipping stages, and keep the first time of each', async () => {
    const { crm, clock, member } = await launched();
    const sentAt = clock.now();
    await crm.campaignMembers.setStatus(member.id, 'sent');
    clock.advance(hour);
    const clicked = await crm.campaignMembers.setStatus(member.id, 'clicked');
    expect(clicked).toMatchObject({ status: 'clicked', sentAt, clickedAt: clock.now(), statusChangedAt: clock.now() });
    expect(clicked.openedAt).toBeUndefined();
    expect(await crm.campaignMembers.setStatus(member.id, 'clicked')).toEqual(clicked); // a repeat is a no-op
  });

  it('refuse a backwards move and any move out of bounced or unsubscribed, changing nothing', async () => {
    const { crm, member } = await launched();
    await crm.campaignMembers.setStatus(member.id, 'opened');
    const before = await stored(adapter, 'campaignMembers');
    const backwards = await crm.campaignMembers.setStatus(member.id, 'sent').catch((e: unknown) => e);
    expect(isCrmError(backwards, 'invalid_transition') && backwards.reason).toBe('status_backwards');
    const bounce = await crm.campaignMembers.setStatus(member.id, 'bounced').catch((e: unknown) => e);
    expect(isCrmError(bounce, 'invalid_transition') && bounce.reason).toBe('status_backwards');
    expect(await stored(adapter, 'campaignMembers')).toEqual(before);
    await crm.campaignMembers.setStatus(member.id, 'unsubscribed');
    const closed = await crm.campaignMembers.setStatus(member.id, 'converted').catch((e: unknown) => e);
    expect(isCrmError(closed, 'invalid_transition') && closed.reason).toBe('member_closed');
    await expect(crm.campaignMembers.setStatus(member.id, 'nonsense' as never)).rejects.toMatchObject({ code: 'validation' });
    await expect(crm.campaignMembers.update(member.id, (d) => void Object.assign(d, { status: 'sent' }))).rejects.toMatchObject({ issues: [{ code: 'readonly_field' }] });
  });

  it('an unsubscribe withdraws the marketing consent for the campaign\'s channel in the same write', async () => {
    const { crm, ada, member } = await launched();
    await crm.campaignMembers.setStatus(member.id, 'unsubscribed');
    expect(await crm.consent.canContact(ada.id, 'email', 'marketing')).toMatchObject({ allowed: false, reason: 'consent_withdrawn' });
  });

  it('move from tracked interactions: open, click, inbound reply, purchase with the campaign id', async () => {
    const { crm, clock, ada, spring, member } = await launched();
    const log = (kind: 'open' | 'click' | 'message' | 'purchase', extra: object = {}) =>
      crm.interactions.create({ customerId: ada.id, channel: 'email', kind, campaignId: spring.id, occurredAt: clock.now(), ...extra });
    await log('open');
    expect(await crm.campaignMembers.get(member.id)).toMatchObject({ status: 'opened', openedAt: clock.now() });
    clock.advance(hour);
    await log('click');
    clock.advance(hour);
    await log('open'); // opened again after the click: nothing moves back
    expect(await crm.campaignMembers.get(member.id)).toMatchObject({ status: 'clicked' });
    await log('message', { direction: 'inbound', body: 'Tell me more' });
    expect((await crm.campaignMembers.get(member.id)).status).toBe('responded');
    await log('purchase', { purchase: { orderId: 'o-1', amount: 40_00, currency: 'EUR' } });
    expect(await crm.campaignMembers.get(member.id)).toMatchObject({ status: 'converted', convertedAt: clock.now() });
  });

  it('a purchase quoting the campaign\'s code converts its member; a non-member is not made one', async () => {
    const { crm, clock, ada, member, customer } = await launched('SPRING10');
    await crm.interactions.create({
      customerId: ada.id, channel: 'web', kind: 'purchase', occurredAt: clock.now(),
      purchase: { orderId: 'o-1', amount: 25_00, currency: 'EUR', couponCode: 'SPRING10' },
    });
    expect((await crm.campaignMembers.get(member.id)).status).toBe('converted');
    const outsider = await customer('Outsider');
    await crm.interactions.create({
      customerId: outsider.id, channel: 'web', kind: 'purchase', occurredAt: clock.now(),
      purchase: { orderId: 'o-2', amount: 25_00, currency: 'EUR', couponCode: 'SPRING10' },
    });
    expect(await crm.campaignMembers.count(where('customerId', 'eq', outsider.id))).toBe(0);
  });

  it('are one per campaign and customer, even when created by hand', async () => {
    const { crm, ada, spring } = await launched();
    await expect(crm.campaignMembers.create({ campaignId: spring.id, customerId: ada.id })).rejects.toMatchObject({ code: 'conflict' });
    expect(await stored(adapter, 'campaignMembers')).toHaveLength(1);
  });
});
