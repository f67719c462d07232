// Dispatch calls the host's send for each member due, with a key stable across retries; a send
// that throws is recorded on its member and retried later with backoff, the rest go on; two
// dispatches at once send each member once.
import { afterEach, describe, expect, it } from 'vitest';
import { isCrmError, type CrmAdapter, type SendRequest } from 'crmkit';
import { coreAdapters } from '../core/core-adapters.js';
import { campaignWorld, stored } from './campaign-fixture.js';

describe.each(coreAdapters)('campaign dispatch on $name', ({ create }) => {
  let adapter: CrmAdapter;
  afterEach(async () => adapter?.close());

  async function launched(count: number) {
    adapter = create();
    const world = await campaignWorld(adapter);
    const people = [];
    for (let index = 0; index < count; index++) people.push(await world.customer(`Person ${index}`));
    const spring = await world.crm.campaigns.create({ name: 'Spring', channel: 'email', variants: [{ name: 'A', weight: 1 }, { name: 'B', weight: 1 }], audience: { tags: ['newsletter'] } });
    await world.crm.campaigns.launch(spring.id);
    return { ...world, people, spring };
  }

  it('sends every member once, with its customer, variant and a stable idempotency key', async () => {
    const { crm, clock, spring } = await launched(5);
    const requests: SendRequest[] = [];
    const result = await crm.campaigns.dispatch(spring.id, (request) => void requests.push(request));
    expect(result).toEqual({ sent: 5, failed: 0, gaveUp: 0, heldElsewhere: 0 });
    expect(new Set(requests.map((r) => r.idempotencyKey)).size).toBe(5);
    for (const request of requests) {
      expect(request.idempotencyKey).toBe(`${spring.id}:${request.member.id}`);
      expect(request.customer.id).toBe(request.member.customerId);
      expect(['A', 'B']).toContain(request.variant);
      expect(request.attempt).toBe(1);
    }
    const members = await stored(adapter, 'campaignMembers');
    expect(members.every((m) => m.status === 'sent' && (m.sentAt as Date).getTime() === clock.now().getTime() && m.claimedUntil === undefined)).toBe(true);
    expect(await crm.campaigns.dispatch(spring.id, () => {})).toMatchObject({ sent: 0 }); // nothing is due twice
  });

  it('records a failing send on its member, goes on with the rest, and retries it after the backoff until it gives up', async () => {
    const { crm, clock, people, spring } = await launched(3);
    const flaky = people[1]!.id;
    const keys: string[] = [];
    const send = ({ customer, idempotencyKey }: SendRequest) => {
      if (customer.id === flaky) {
        keys.push(idempotencyKey);
        throw new Error('mailbox full');
      }
    };
    const options = { maxAttempts: 3, retryDelayMs: 60_000 };
    expect(await crm.campaigns.dispatch(spring.id, send, options)).toEqual({ sent: 2, failed: 1, gaveUp: 0, heldElsewhere: 0 });
    const failing = () => stored(adapter, 'campaignMembers').then((ms) => ms.find((m) => m.customerId === flaky)!);
    expect(await failing()).toMatchObject({ status: 'targeted', failedAttempts: 1, lastError: 'mailbox full', nextAttemptAt: new Date(clock.now().getTime() + 60_000) });
    expect(await crm.campaigns.dispatch(spring.id, send, options)).toMatchObject({ failed: 0, sent: 0 }); // not due yet
    clock.advance(60_000);
    expect(await crm.campaigns.dispatch(spring.id, send, options)).toMatchObject({ failed: 1, gaveUp: 0 });
    expect((await failing()).nextAttemptAt).toEqual(new Date(clock.now().getTime() + 120_000)); // twice as long
    clock.advance(120_000);
    expect(await crm.campaigns.dispatch(spring.id, send, options)).toMatchObject({ failed: 1, gaveUp: 1 });
    expect(await failing()).toMatchObject({ status: 'targeted', failedAttempts: 3, failedAt: clock.now() });
    clock.advance(10 * 86_400_000);
    expect(await crm.campaigns.dispatch(spring.id, send, options)).toMatchObject({ failed: 0 });
    expect(new Set(keys).size).toBe(1); // every attempt at one member carries the same key
  });

  it('two dispatches at once send each member exactly once', async () => {
    const { crm, spring } = await launched(30);
    const sends = new Map<string, number>();
    const send = async ({ member }: SendRequest) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      sends.set(member.id, (sends.get(member.id) ?? 0) + 1);
    };
    const [a, b] = await Promise.all([crm.campaigns.dispatch(spring.id, send, { batchSize: 7 }), crm.campaigns.dispatch(spring.id, send, { batchSize: 7 })]);
    expect(a.sent + b.sent).toBe(30);
    expect([...sends.values()].every((count) => count === 1)).toBe(true);
    expect(sends.size).toBe(30);
  });

  it('refuses a draft, paused or closed campaign and a send that is not a function, sending nothing', async () => {
    const { crm, spring } = await launched(1);
    const draft = await crm.campaigns.create({ name: 'Draft', channel: 'email', audience: { tags: ['newsletter'] } });
    const calls: unknown[] = [];
    const send = (r: SendRequest) => void calls.push(r);
    const reasonOf = async (promise: Promise<unknown>) => {
      const error = await promise.catch((e: unknown) => e);
      return isCrmError(error, 'invalid_transition') ? error.reason : error;
    };
    expect(await reasonOf(crm.campaigns.dispatch(draft.id, send))).toBe('campaign_not_running');
    await crm.campaigns.pause(spring.id);
    expect(await reasonOf(crm.campaigns.dispatch(spring.id, send))).toBe('campaign_paused');
    await crm.campaigns.resume(spring.id);
    await crm.campaigns.complete(spring.id);
    expect(await reasonOf(crm.campaigns.dispatch(spring.id, send))).toBe('campaign_closed');
    await expect(crm.campaigns.dispatch(spring.id, 'send' as never)).rejects.toMatchObject({ code: 'validation', issues: [{ code: 'invalid_send' }] });
    await expect(crm.campaigns.dispatch(draft.id, send, { maxAttempts: 0 })).rejects.toMatchObject({ code: 'invalid_transition' });
    expect(calls).toEqual([]);
    expect((await stored(adapter, 'campaignMembers')).every((m) => m.status === 'targeted')).toBe(true);
  });
});
