// Launching a campaign snapshots its audience into members, leaving out — with a reason each —
// whoever may not be contacted: no consent for the channel and purpose, unsubscribed, bounced,
// over the frequency cap, erased. Launching again adds nobody twice. Refusals change nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { isCrmError, where, type CrmAdapter } from 'crmkit';
import { coreAdapters } from '../core/core-adapters.js';
import { campaignWorld, day, stored } from './campaign-fixture.js';

describe.each(coreAdapters)('campaign launch on $name', ({ create }) => {
  let adapter: CrmAdapter;
  afterEach(async () => adapter?.close());

  async function world() {
    adapter = create();
    return campaignWorld(adapter);
  }

  it('adds every consenting customer of the audience and skips the others, each with its reason', async () => {
    const { crm, clock, customer } = await world();
    const ada = await customer('Ada');
    const grace = await customer('Grace');
    const noConsent = await customer('Noconsent', { consent: 'none' });
    const denied = await customer('Denied', { consent: 'denied' });
    const expired = await customer('Expired', { expiresAt: new Date(clock.now().getTime() + day) });
    const unsubscribed = await customer('Unsub', { consent: 'withdrawn' });
    const bounced = await customer('Bounced');
    const erased = await customer('Erased');
    await customer('Not in the audience', { tags: ['vip'] });
    // Bounced on an earlier e-mail campaign; an sms bounce would not count.
    const earlier = await crm.campaigns.create({ name: 'Winter', channel: 'email', audience: { customerIds: [bounced.id] } });
    await crm.campaigns.launch(earlier.id);
    const [bouncedMember] = (await crm.campaignMembers.find()).items;
    await crm.campaignMembers.setStatus(bouncedMember!.id, 'bounced');
    await crm.privacy.erase(erased.id, { reason: 'request' });
    clock.advance(2 * day); // Expired's grant ran out

    // Erasure clears the person's tags, so a tag audience no longer finds them; a static list still names them.
    const everyone = [ada, grace, noConsent, denied, expired, unsubscribed, bounced, erased].map((person) => person.id);
    const spring = await crm.campaigns.create({ name: 'Spring', channel: 'email', audience: { customerIds: everyone } });
    const result = await crm.campaigns.launch(spring.id);
    expect(result.added).toBe(2);
    expect(result.alreadyMembers).toBe(0);
    expect(new Map(result.skipped.map((skip) => [skip.customerId, skip.reason]))).toEqual(
      new Map([
        [noConsent.id, 'no_consent'],
        [denied.id, 'consent_denied'],
        [expired.id, 'consent_expired'],
        [unsubscribed.id, 'unsubscribed'],
        [bounced.id, 'bounced'],
        [erased.id, 'erased'],
      ]),
    );
    expect(result.skippedByReason).toMatchObject({ no_consent: 1, consent_denied: 1, consent_expired: 1, unsubscribed: 1, bounced: 1, erased: 1, frequency_cap: 0, suppressed: 0, not_found: 0 });
    const members = (await stored(adapter, 'campaignMembers')).filter((member) => member.campaignId === spring.id);
    expect(members.map((member) => member.customerId).sort()).toEqual([ada.id, grace.id].sort());
    expect(members.every((member) => member.status === 'targeted')).toBe(true);
    expect(await crm.campaigns.get(spring.id)).toMatchObject({ status: 'running', launchedAt: clock.now() });
  });

  it('is idempotent: a second launch adds only customers who joined the audience since', async () => {
    const { crm, customer } = await world();
    await customer('Ada');
    await customer('Grace');
    const spring = await crm.campaigns.create({ name: 'Spring', channel: 'email', audience: { tags: ['newsletter'] } });
    expect((await crm.campaigns.launch(spring.id)).added).toBe(2);
    await customer('Alan');
    const again = await crm.campaigns.launch(spring.id, { batchSize: 1 });
    expect(again).toMatchObject({ added: 1, alreadyMembers: 2, skipped: [] });
    expect(await crm.campaignMembers.count()).toBe(3);
    expect((await crm.campaigns.launch(spring.id)).added).toBe(0);
    expect(await crm.campaignMembers.count()).toBe(3);
  });

  it('enforces the frequency cap over touches of other campaigns within its window', async () => {
    const { crm, clock, customer } = await world();
    const ada = await customer('Ada');
    const grace = await customer('Grace');
    const alan = await customer('Alan');
    const send = async () => {};
    // Ada: two sends, 10 and 3 days ago. Grace: one send 3 days ago. Alan: one send 40 days ago.
    for (const [who, daysAgo] of [[ada, 10], [ada, 3], [grace, 3], [alan, 40]] as const) {
      clock.advance(-daysAgo * day);
      const past = await crm.campaigns.create({ name: `Past ${daysAgo}`, channel: 'email', audience: { customerIds: [who.id] } });
      await crm.campaigns.launch(past.id);
      await crm.campaigns.dispatch(past.id, send);
      await crm.campaigns.complete(past.id);
      clock.advance(daysAgo * day);
    }
    // A pending membership (targeted, not yet sent) in a running campaign is a touch too.
    const pending = await crm.campaigns.create({ name: 'Pending', channel: 'email', audience: { customerIds: [grace.id] } });
    await crm.campaigns.launch(pending.id);

    const capped = await crm.campaigns.create({ name: 'Capped', channel: 'email', frequencyCap: { touches: 2, days: 30 }, audience: { tags: ['newsletter'] } });
    const result = await crm.campaigns.launch(capped.id);
    expect(result.skipped).toEqual(expect.arrayContaining([{ customerId: ada.id, reason: 'frequency_cap' }, { customerId: grace.id, reason: 'frequency_cap' }]));
    expect(result.skipped).toHaveLength(2);
    expect(result.added).toBe(1); // Alan: his only touch is 40 days old
  });

  it('takes a static list, reporting ids that name no customer as not_found', async () => {
    const { crm, customer } = await world();
    const ada = await customer('Ada', { tags: [] });
    const spring = await crm.campaigns.create({ name: 'Spring', channel: 'email', audience: { customerIds: [ada.id, 'cus_missing', ada.id] } });
    const result = await crm.campaigns.launch(spring.id);
    expect(result).toMatchObject({ added: 1, skipped: [{ customerId: 'cus_missing', reason: 'not_found' }] });
  });

  it('narrows a static list by tags, and asks consent for the campaign\'s purpose', async () => {
    const { crm, customer } = await world();
    const ada = await customer('Ada', { tags: ['vip'] });
    const grace = await customer('Grace', { tags: ['newsletter'] });
    const list = await crm.campaigns.create({ name: 'VIP', channel: 'email', audience: { customerIds: [ada.id, grace.id], tags: ['vip'] } });
    expect((await crm.campaigns.launch(list.id)).added).toBe(1);
    const receipts = await crm.campaigns.create({ name: 'Receipts', channel: 'email', purpose: 'transactional', audience: { tags: ['newsletter'] } });
    const none = await customer('Noconsent', { consent: 'none' });
    const result = await crm.campaigns.launch(receipts.id);
    expect(result.added).toBe(2); // transactional messages need no decision
    expect(result.skipped.find((skip) => skip.customerId === none.id)).toBeUndefined();
  });

  it('splits members among A/B variants deterministically by the seed, in proportion to the weights', async () => {
    const { crm, customer } = await world();
    for (let index = 0; index < 200; index++) await customer(`Person ${index}`);
    const variants = [{ name: 'A', weight: 3 }, { name: 'B', weight: 1 }];
    const first = await crm.campaigns.create({ name: 'Test 1', channel: 'email', variants, seed: 'spring', audience: { tags: ['newsletter'] } });
    const second = await crm.campaigns.create({ name: 'Test 2', channel: 'email', variants, seed: 'spring', audience: { tags: ['newsletter'] } });
    await crm.campaigns.launch(first.id);
    await crm.campaigns.launch(second.id);
    const members = await stored(adapter, 'campaignMembers');
    const of = (id: string) => new Map(members.filter((m) => m.campaignId === id).map((m) => [m.customerId, m.variant]));
    expect(of(first.id)).toEqual(of(second.id));
    const a = [...of(first.id).values()].filter((variant) => variant === 'A').length;
    expect(a).toBeGreaterThan(130); // 150 expected; a fair coin would almost never give this split
    expect(a).toBeLessThan(170);
  });

  it('targets a segment and leaves out the members of its suppression segments', async () => {
    const { crm, clock, customer } = await world();
    const ada = await customer('Ada', { tags: ['vip'] });
    const grace = await customer('Grace', { tags: ['vip'] });
    await customer('Alan', { tags: [] });
    await crm.interactions.create({ customerId: grace.id, channel: 'email', kind: 'complaint', occurredAt: clock.now() });
    const vips = await crm.segments.define({ name: 'VIPs', where: where('tags', 'contains', 'vip') });
    const complained = await crm.segments.define({ name: 'Complained', where: where.related('interactions', { where: where('kind', 'eq', 'complaint') }) });
    const spring = await crm.campaigns.create({ name: 'Spring', channel: 'email', audience: { segmentId: vips.id, suppressionSegmentIds: [complained.id] } });
    const result = await crm.campaigns.launch(spring.id);
    expect(result).toMatchObject({ added: 1, skipped: [{ customerId: grace.id, reason: 'suppressed' }] });
    expect((await stored(adapter, 'campaignMembers')).map((m) => m.customerId)).toEqual([ada.id]);
  });

  it('refuses a completed or cancelled campaign (campaign_closed), a paused one, and writes nothing', async () => {
    const { crm, customer } = await world();
    await customer('Ada');
    const spring = await crm.campaigns.create({ name: 'Spring', channel: 'email', audience: { tags: ['newsletter'] } });
    await crm.campaigns.cancel(spring.id);
    const before = await stored(adapter, 'campaignMembers');
    const error = await crm.campaigns.launch(spring.id).catch((e: unknown) => e);
    expect(isCrmError(error, 'invalid_transition') && error.reason).toBe('campaign_closed');
    const paused = await crm.campaigns.create({ name: 'Paused', channel: 'email', audience: { tags: ['newsletter'] } });
    await crm.campaigns.launch(paused.id);
    await crm.campaigns.pause(paused.id);
    const pausedError = await crm.campaigns.launch(paused.id).catch((e: unknown) => e);
    expect(isCrmError(pausedError, 'invalid_transition') && pausedError.reason).toBe('campaign_paused');
    expect((await stored(adapter, 'campaignMembers')).filter((m) => m.campaignId === spring.id)).toEqual(before);
    expect((await stored(adapter, 'campaigns')).find((c) => c.id === spring.id)).toMatchObject({ status: 'cancelled' });
  });

  it('refuses an audience that names no one, or a segment that does not exist, with the issue\'s path', async () => {
    const { crm, customer } = await world();
    await customer('Ada');
    const empty = await crm.campaigns.create({ name: 'Nobody', channel: 'email' });
    await expect(crm.campaigns.launch(empty.id)).rejects.toMatchObject({ code: 'validation', issues: [{ code: 'missing_audience', path: ['audience'] }] });
    const ghost = await crm.campaigns.create({ name: 'Ghost', channel: 'email', audience: { segmentId: 'seg_missing' } });
    await expect(crm.campaigns.launch(ghost.id)).rejects.toMatchObject({ code: 'validation', issues: [{ code: 'unknown_segment', path: ['audience', 'segmentId'] }] });
    const suppressed = await crm.campaigns.create({ name: 'Suppressed', channel: 'email', audience: { tags: ['newsletter'], suppressionSegmentIds: ['seg_missing'] } });
    await expect(crm.campaigns.launch(suppressed.id)).rejects.toMatchObject({ issues: [{ code: 'unknown_segment', path: ['audience', 'suppressionSegmentIds', 0] }] });
    expect(await stored(adapter, 'campaignMembers')).toEqual([]);
    expect((await stored(adapter, 'campaigns')).every((c) => c.status === 'draft')).toBe(true);
  });

  it('keeps status managed: create and update cannot set it, the lifecycle methods move it', async () => {
    const { crm } = await world();
    await expect(crm.campaigns.create({ name: 'x', channel: 'email', status: 'running' } as never)).rejects.toMatchObject({ code: 'validation' });
    const spring = await crm.campaigns.create({ name: 'Spring', channel: 'email', audience: { tags: ['newsletter'] } });
    await expect(crm.campaigns.update(spring.id, (d) => void Object.assign(d, { status: 'running' }))).rejects.toMatchObject({ issues: [{ code: 'readonly_field' }] });
    await expect(crm.campaigns.schedule(spring.id)).rejects.toMatchObject({ code: 'validation', issues: [{ path: ['startsAt'] }] });
    const error = await crm.campaigns.resume(spring.id).catch((e: unknown) => e);
    expect(isCrmError(error, 'invalid_transition') && error.reason).toBe('not_paused');
    expect((await stored(adapter, 'campaigns'))[0]).toMatchObject({ status: 'draft', version: 1 });
  });
});
