// crm.segments: named, versioned customer filters; evaluate, count, contains, snapshot, diff, refresh and its events.
import { afterEach, describe, expect, it } from 'vitest';
import { ago, createCrm, parseFilter, serializeFilter, where, type CrmAdapter, type SegmentMembershipEvent } from 'crmkit';
import { testClock } from 'crmkit/testing';
import { coreAdapters } from '../core/core-adapters.js';

const day = 86_400_000;
const purchases = where('kind', 'eq', 'purchase');
const frequent = where.related('interactions', {
  where: where.and(purchases, where('occurredAt', 'gte', ago({ days: 90 }))),
  having: { fn: 'count', op: 'gte', value: 2 },
});

describe('serializeFilter / parseFilter', () => {
  it('keep dates as dates and relative dates relative', () => {
    const filter = where.and(where('createdAt', 'gte', new Date('2024-05-01T10:00:00.000Z')), frequent);
    const text = serializeFilter(filter);
    expect(text).toContain('{"$date":"2024-05-01T10:00:00.000Z"}');
    expect(text).toContain('"relative":"ago"');
    expect(parseFilter(text)).toEqual(filter);
  });
});

describe.each(coreAdapters)('crm.segments on $name', ({ create }) => {
  let adapter: CrmAdapter;
  afterEach(async () => adapter?.close());

  async function world() {
    adapter = create();
    const clock = testClock();
    const crm = await createCrm({ adapter, clock });
    const at = (daysAgo: number) => new Date(clock.now().getTime() - daysAgo * day);
    const [ada, bob, cy] = await crm.customers.createMany([
      { name: 'Ada', lifecycleStage: 'customer', tags: ['vip'] },
      { name: 'Bob', lifecycleStage: 'customer' },
      { name: 'Cy', lifecycleStage: 'lead' },
    ]);
    const buy = (customerId: string, daysAgo: number, amount: number) =>
      crm.interactions.create({ customerId, channel: 'web', kind: 'purchase', occurredAt: at(daysAgo), purchase: { orderId: `${customerId}-${daysAgo}`, amount, currency: 'EUR', lineItems: [] } });
    await buy(ada!.id, 5, 100);
    await buy(ada!.id, 30, 200);
    await buy(bob!.id, 10, 50);
    return { crm, clock, ada: ada!, bob: bob!, cy: cy!, buy };
  }

  it('define stores a named segment; evaluate, count and contains answer it against the current data', async () => {
    const { crm, ada, bob, buy } = await world();
    const segment = await crm.segments.define({ name: 'Frequent buyers', where: frequent, description: '2+ purchases in 90 days' });
    expect(segment).toMatchObject({ name: 'Frequent buyers', kind: 'dynamic', version: 1, refersTo: [] });
    expect(await crm.segments.count(segment)).toBe(1);
    expect((await crm.segments.evaluate(segment)).items.map((c) => c.name)).toEqual(['Ada']);
    expect(await crm.segments.contains(segment.id, ada.id)).toBe(true);
    expect(await crm.segments.contains('Frequent buyers', bob.id)).toBe(false);
    await buy(bob.id, 1, 75);
    expect(await crm.segments.contains(segment, bob.id)).toBe(true);
    const pageOne = await crm.segments.evaluate(segment, { limit: 1 });
    const pageTwo = await crm.segments.evaluate(segment, { limit: 1, cursor: pageOne.nextCursor! });
    expect([...pageOne.items, ...pageTwo.items].map((c) => c.name).sort()).toEqual(['Ada', 'Bob']);
  });

  it('defining a name again makes a new version of the same segment', async () => {
    const { crm } = await world();
    const first = await crm.segments.define({ name: 'Leads', where: where('lifecycleStage', 'eq', 'lead') });
    const second = await crm.segments.define({ name: 'Leads', where: where('lifecycleStage', 'eq', 'customer') });
    expect(second.id).toBe(first.id);
    expect(second.version).toBe(2);
    expect(await crm.segments.count(first.id)).toBe(2);
    expect(await crm.segmentDefinitions.count()).toBe(1);
  });

  it('refuses a filter that does not hold on customers, and stores nothing', async () => {
    const { crm } = await world();
    await expect(crm.segments.define({ name: 'Bad', where: { field: 'nope', op: 'eq', value: 1 } as never })).rejects.toMatchObject({ code: 'invalid_query' });
    await expect(
      crm.segments.define({ name: 'Bad', where: where.related('interactions', { having: { fn: 'avg' as never, op: 'gt', value: 1 } }) }),
    ).rejects.toMatchObject({ code: 'invalid_query' });
    await expect(crm.segments.define({ name: '', where: frequent })).rejects.toMatchObject({ code: 'validation' });
    await expect(crm.segments.define({ name: 'No filter' } as never)).rejects.toMatchObject({ code: 'validation' });
    expect(await crm.segmentDefinitions.count()).toBe(0);
  });

  it('segments build on segments, evaluated live; an unknown segment is refused', async () => {
    const { crm, ada, bob } = await world();
    const vips = await crm.segments.define({ name: 'VIPs', where: where('tags', 'contains', 'vip') });
    const customersNotVip = await crm.segments.define({
      name: 'Customers, not VIP',
      where: where.and(where('lifecycleStage', 'eq', 'customer'), where.not(where.inSegment(vips.id))),
    });
    expect(customersNotVip.refersTo).toEqual([vips.id]);
    expect((await crm.segments.evaluate(customersNotVip)).items.map((c) => c.id)).toEqual([bob.id]);
    await crm.customers.update(ada.id, (draft) => void (draft.tags = []));
    expect(await crm.segments.count(customersNotVip)).toBe(2);
    const error = await crm.segments.define({ name: 'Dangling', where: where.inSegment('no-such-segment') }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'validation', issues: [{ code: 'unknown_segment' }] });
    expect(await crm.segmentDefinitions.count()).toBe(2);
  });

  it('refuses a cycle of segments with a typed error, and keeps the stored version', async () => {
    const { crm } = await world();
    const a = await crm.segments.define({ name: 'A', where: where('lifecycleStage', 'eq', 'lead') });
    const b = await crm.segments.define({ name: 'B', where: where.inSegment(a.id) });
    const c = await crm.segments.define({ name: 'C', where: where.or(where.inSegment(b.id), where('name', 'eq', 'Zed')) });
    const error = await crm.segments.define({ name: 'A', where: where.inSegment(c.id) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'validation', issues: [{ code: 'segment_cycle' }] });
    const self = await crm.segments.define({ name: 'A', where: where.not(where.inSegment(a.id)) }).catch((e: unknown) => e);
    expect(self).toMatchObject({ code: 'validation', issues: [{ code: 'segment_cycle' }] });
    const stored = await crm.segments.get('A');
    expect(stored.version).toBe(1);
    expect(await crm.segments.count(c)).toBe(1);
  });

  it('snapshot freezes the members into a static segment; diff says who entered and who left', async () => {
    const { crm, ada, bob, buy } = await world();
    const segment = await crm.segments.define({ name: 'Frequent buyers', where: frequent });
    const monday = await crm.segments.snapshot(segment, { name: 'Frequent buyers, Monday' });
    expect(monday).toMatchObject({ kind: 'static', sourceSegmentId: segment.id, memberCount: 1 });
    await buy(bob.id, 1, 10);
    expect(await crm.segments.count(monday)).toBe(1);
    expect(await crm.segments.count(segment)).toBe(2);
    expect(await crm.segments.diff(monday, segment)).toEqual({ entered: [bob.id], left: [] });
    expect(await crm.segments.diff(segment, monday)).toEqual({ entered: [], left: [bob.id] });
    expect(await crm.segments.contains(monday, ada.id)).toBe(true);
    // A static segment in another segment's filter is its list.
    const mondayCustomers = await crm.segments.define({ name: 'Monday customers', where: where.inSegment(monday.id) });
    expect((await crm.segments.evaluate(mondayCustomers)).items.map((c) => c.id)).toEqual([ada.id]);
    await expect(crm.segments.define({ name: 'Frequent buyers, Monday', where: frequent })).rejects.toMatchObject({ code: 'validation' });
  });

  it('refresh stores the membership and emits segment.entered / segment.left for the change', async () => {
    const { crm, clock, ada, bob, buy } = await world();
    const events: [string, SegmentMembershipEvent][] = [];
    crm.events.on('segment.entered', (event) => events.push(['entered', event]));
    crm.events.on('segment.left', (event) => events.push(['left', event]));
    const segment = await crm.segments.define({ name: 'Frequent buyers', where: frequent });
    const first = await crm.segments.refresh(segment);
    expect(first).toMatchObject({ entered: [ada.id], left: [], count: 1 });
    expect(events).toEqual([['entered', { segmentId: segment.id, segmentName: 'Frequent buyers', customerId: ada.id, at: clock.now() }]]);
    // where.inSegment reads the stored membership in any query.
    expect((await crm.customers.find({ where: where.inSegment(segment.id) })).items.map((c) => c.id)).toEqual([ada.id]);
    events.length = 0;
    await buy(bob.id, 2, 10);
    clock.advance(70 * day); // Ada's purchase 30 days ago falls out of the 90 days
    const second = await crm.segments.refresh(segment);
    expect(second).toMatchObject({ entered: [bob.id], left: [ada.id], count: 1 });
    expect(second.segment.memberCount).toBe(1);
    expect(events.map(([kind, e]) => [kind, e.customerId])).toEqual([
      ['entered', bob.id],
      ['left', ada.id],
    ]);
    expect((await crm.customers.find({ where: where.inSegment(segment.id) })).items.map((c) => c.id)).toEqual([bob.id]);
    events.length = 0;
    expect(await crm.segments.refresh(segment)).toMatchObject({ entered: [], left: [] });
    expect(events).toEqual([]);
  });

  it('merging two customers who are both stored members keeps one member', async () => {
    const { crm, ada, bob, buy } = await world();
    await buy(bob.id, 3, 10);
    const segment = await crm.segments.define({ name: 'Frequent buyers', where: frequent });
    const snapshot = await crm.segments.snapshot(segment, { name: 'Both' });
    expect(snapshot.memberCount).toBe(2);
    await crm.customers.merge(ada.id, [bob.id]);
    expect(await crm.segments.count(snapshot)).toBe(1);
    expect(await crm.segments.diff(snapshot, snapshot)).toEqual({ entered: [], left: [] });
    expect((await crm.segments.evaluate(snapshot)).items.map((c) => c.id)).toEqual([ada.id]);
  });

  it('get and count of an unknown segment are not_found', async () => {
    const { crm } = await world();
    await expect(crm.segments.get('nope')).rejects.toMatchObject({ code: 'not_found' });
    await expect(crm.segments.count('nope')).rejects.toMatchObject({ code: 'not_found' });
  });
});
