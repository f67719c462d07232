// What a host decides about history and the feed: off per collection, fields kept out, both off.
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createCrm, isCrmError, type Crm } from 'crmkit';
import { coreAdapters } from '../core/core-adapters.js';

const customFields = { customers: z.strictObject({ passwordHash: z.string().optional(), tier: z.string().optional(), profile: z.strictObject({ secret: z.string().optional(), public: z.string().optional() }).optional() }) };

describe.each(coreAdapters)('history settings on $name', ({ create }) => {
  let crm: Crm<typeof customFields> | undefined;
  afterEach(async () => crm?.close());

  it('an excluded field is recorded as changed, never with its values, also inside a listed object', async () => {
    crm = await createCrm({ adapter: create(), customFields, history: { customers: { exclude: ['custom.passwordHash', 'custom.profile.secret'] } } });
    const ada = await crm.customers.create({ name: 'Ada', custom: { passwordHash: 'h1', profile: { secret: 's1', public: 'p1' } } });
    await crm.customers.update(ada.id, (draft) => {
      draft.custom.passwordHash = 'h2';
      draft.custom.tier = 'gold';
      draft.custom.profile = { secret: 's2', public: 'p2' };
    });
    const { items } = await crm.customers.history(ada.id);
    const [updated, created] = items;
    expect(updated!.fields).toEqual([
      { path: 'custom.passwordHash', redacted: true },
      { path: 'custom.profile', old: { public: 'p1' }, new: { public: 'p2' } },
      { path: 'custom.tier', new: 'gold' },
    ]);
    const createdCustom = created!.fields.find((field) => field.path === 'custom');
    expect(createdCustom).toEqual({ path: 'custom', new: { profile: { public: 'p1' } } });
    const everything = JSON.stringify(items);
    for (const secret of ['h1', 'h2', 's1', 's2']) expect(everything).not.toContain(`"${secret}"`);
    // The feed names the field (names are not secrets), with no values at all.
    const feed = await crm.changes.read();
    expect(feed.entries[1]!.changedFields).toEqual(['custom.passwordHash', 'custom.profile', 'custom.tier']);
    // The stored record itself is untouched by the exclusion.
    expect((await crm.customers.get(ada.id)).custom.passwordHash).toBe('h2');
  });

  it('a collection with history off keeps none, the others keep theirs, the feed still sees all', async () => {
    crm = await createCrm({ adapter: create(), customFields, history: { interactions: false } });
    const ada = await crm.customers.create({ name: 'Ada' });
    const note = await crm.interactions.create({ customerId: ada.id, channel: 'email', kind: 'note', occurredAt: crm.clock.now() });
    expect((await crm.interactions.history(note.id)).items).toEqual([]);
    expect((await crm.customers.history(ada.id)).items).toHaveLength(1);
    expect((await crm.changes.read()).entries.map((entry) => entry.collection)).toEqual(['customers', 'interactions']);
  });

  it('history: false and changeFeed: false write neither', async () => {
    crm = await createCrm({ adapter: create(), customFields, history: false, changeFeed: false });
    const ada = await crm.customers.create({ name: 'Ada' });
    await crm.customers.update(ada.id, (draft) => void (draft.name = 'Ada L.'));
    expect((await crm.customers.history(ada.id)).items).toEqual([]);
    expect((await crm.changes.read()).entries).toEqual([]);
    expect(await crm.adapter.count('historyEntries')).toBe(0);
    expect(await crm.adapter.count('changeFeed')).toBe(0);
  });

  it('refuses settings that name no collection or no dotted path, before opening anything', async () => {
    for (const history of [{ custmers: false }, { customers: { exclude: ['a..b'] } }, { customers: { exclude: 'custom.x' } }, { customers: 7 }, 'off']) {
      let caught: unknown;
      try {
        await createCrm({ adapter: create(), history: history as never });
      } catch (error) {
        caught = error;
      }
      expect(isCrmError(caught, 'validation') && caught.issues[0]?.code).toBe('invalid_option');
      expect(isCrmError(caught, 'validation') && caught.issues[0]?.path[0]).toBe('history');
    }
  });
});
