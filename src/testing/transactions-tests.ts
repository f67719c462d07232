import { describe, expect, it, type ConformanceContext } from './conformance-runner.js';
import type { CrmServices } from '../crm.js';
import { isCrmError } from '../storage/errors.js';
import type { ConformanceHarness } from './conformance-harness.js';
import type { conformanceCustomFields } from './conformance-fixtures.js';
import { expectCrmError } from './expect-crm-error.js';
import { recordEvents } from './record-events.js';
import { seedWorld, worldStages } from './seed-world.js';
import { snapshotCollections } from './snapshot-collections.js';

type Tx = CrmServices<typeof conformanceCustomFields>;

/** `crm.transaction`: all or nothing on adapters that declare it, `unsupported` on the others. @internal */
export function defineTransactionTests(harness: () => ConformanceHarness): void {
  /** The harness, or a skip (shown in the output) when the adapter declares no transactions. */
  const transactional = (context: ConformanceContext): ConformanceHarness => {
    const current = harness();
    if (!current.adapter.capabilities.transactions) context.skip(`${current.adapter.name} declares no transactions`);
    return current;
  };

  describe('transactions', () => {
    it('without the capability, crm.transaction throws unsupported and runs nothing', async (context) => {
      const { crm, adapter } = harness();
      if (adapter.capabilities.transactions) context.skip(`${adapter.name} declares transactions`);
      let ran = false;
      await expectCrmError(
        crm.transaction(async () => {
          ran = true;
        }),
        'unsupported',
      );
      expect(ran).toBe(false);
    });

    it('the adapter itself refuses transaction() when it declares no transactions', async (context) => {
      const { adapter } = harness();
      if (adapter.capabilities.transactions) context.skip(`${adapter.name} declares transactions`);
      await expectCrmError(adapter.transaction(async () => 1), 'unsupported');
    });

    it('commit makes every write visible and returns the function’s result', async (context) => {
      const { crm } = transactional(context);
      const result = await crm.transaction(async (tx) => {
        const acme = await tx.customers.create({ kind: 'organization', name: 'Acme' });
        const pipeline = await tx.pipelines.create({ name: 'Sales', stages: [...worldStages] });
        const deal = await tx.deals.create({ pipelineId: pipeline.id, stageId: 'qualify', customerId: acme.id, title: 'Pilot' });
        await tx.customers.update(acme.id, (d) => void d.tags.push('pilot'));
        return { acme, deal };
      });
      expect((await crm.customers.get(result.acme.id)).tags).toEqual(['pilot']);
      expect(await crm.deals.get(result.deal.id)).toEqual(result.deal);
      expect(await crm.pipelines.count()).toBe(1);
    });

    it('a throw midway, after creates, updates and deletes in several collections, leaves nothing behind', async (context) => {
      const { crm } = transactional(context);
      const world = await seedWorld(crm);
      const before = await snapshotCollections(crm);
      const failure = new Error('boom');
      await expect(
        crm.transaction(async (tx) => {
          const bob = await tx.customers.create({ name: 'Bob' });
          await tx.interactions.createMany([
            { customerId: bob.id, channel: 'email', kind: 'message' },
            { customerId: world.ada.id, channel: 'phone', kind: 'call' },
          ]);
          await tx.customers.update(world.ada.id, (d) => void d.tags.push('changed'));
          await tx.deals.update(world.deal.id, (d) => void (d.stageId = 'won'));
          await tx.campaignMembers.delete(world.member.id);
          await tx.cases.deleteMany([world.supportCase.id]);
          await tx.interactions.delete(world.purchase.id);
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await snapshotCollections(crm)).toEqual(before);
    });

    it('the rollback also restores records updated twice and deleted after an update', async (context) => {
      const { crm } = transactional(context);
      const world = await seedWorld(crm);
      const before = await snapshotCollections(crm);
      await expect(
        crm.transaction(async (tx) => {
          await tx.customers.update(world.acme.id, (d) => void (d.name = 'Acme 2'));
          await tx.customers.update(world.acme.id, (d) => void (d.name = 'Acme 3'));
          await tx.campaigns.update(world.campaign.id, (d) => void (d.name = 'Renamed'));
          await tx.campaignMembers.delete(world.member.id);
          await tx.campaigns.delete(world.campaign.id);
          throw new Error('undo');
        }),
      ).rejects.toThrow('undo');
      expect(await snapshotCollections(crm)).toEqual(before);
    });

    it('a conflict inside createMany rolls back the whole transaction', async (context) => {
      const { crm } = transactional(context);
      await crm.customers.create({ id: 'taken', name: 'Original' });
      const before = await snapshotCollections(crm);
      await expectCrmError(
        crm.transaction(async (tx) => {
          await tx.customers.create({ name: 'First' });
          await tx.customers.createMany([{ name: 'Second' }, { id: 'taken', name: 'Impostor' }]);
        }),
        'conflict',
      );
      expect(await snapshotCollections(crm)).toEqual(before);
    });

    it('a validation error inside the transaction rolls back the writes before it', async (context) => {
      const { crm } = transactional(context);
      await expectCrmError(
        crm.transaction(async (tx) => {
          await tx.customers.create({ name: 'Valid' });
          await tx.customers.create({ name: '' });
        }),
        'validation',
      );
      expect(await crm.customers.count()).toBe(0);
    });

    it('a stale expectedVersion inside the transaction rolls it back', async (context) => {
      const { crm } = transactional(context);
      const ada = await crm.customers.create({ name: 'Ada' });
      await crm.customers.update(ada.id, (d) => void (d.name = 'Ada 2'));
      await expectCrmError(
        crm.transaction(async (tx) => {
          await tx.customers.create({ name: 'Bob' });
          await tx.customers.update(ada.id, (d) => void (d.name = 'stale'), { expectedVersion: 1 });
        }),
        'conflict',
      );
      expect((await crm.customers.find()).items.map((r) => r.name)).toEqual(['Ada 2']);
    });

    it('an error caught inside the transaction does not roll it back', async (context) => {
      const { crm } = transactional(context);
      await crm.customers.create({ id: 'taken', name: 'Original' });
      await crm.transaction(async (tx) => {
        await tx.customers.create({ name: 'Kept' });
        const error = await tx.customers.create({ id: 'taken', name: 'Impostor' }).catch((e: unknown) => e);
        expect(isCrmError(error, 'conflict')).toBe(true);
      });
      expect((await crm.customers.find()).items.map((r) => r.name).sort()).toEqual(['Kept', 'Original']);
    });

    it('reads inside the transaction see its own writes: get, getMany, find, count, scan', async (context) => {
      const { crm } = transactional(context);
      const existing = await crm.customers.create({ name: 'Existing', tags: ['old'] });
      await crm.transaction(async (tx) => {
        const ada = await tx.customers.create({ name: 'Ada', tags: ['vip'] });
        await tx.customers.update(existing.id, (d) => void d.tags.push('vip'));
        expect((await tx.customers.get(ada.id)).name).toBe('Ada');
        expect((await tx.customers.getMany([existing.id]))[0]!.tags).toEqual(['old', 'vip']);
        const vip = { field: 'tags', op: 'contains', value: 'vip' } as const;
        expect((await tx.customers.find({ where: vip })).items.map((r) => r.name)).toEqual(['Existing', 'Ada']);
        expect(await tx.customers.count(vip)).toBe(2);
        const scanned: string[] = [];
        for await (const batch of tx.customers.scan({ where: vip, batchSize: 1 })) scanned.push(...batch.map((r) => r.name));
        expect(scanned).toEqual(['Existing', 'Ada']);
        await tx.customers.delete(ada.id);
        expect(await tx.customers.count()).toBe(1);
      });
      expect((await crm.customers.find()).items.map((r) => r.tags)).toEqual([['old', 'vip']]);
    });

    it('aggregates inside the transaction see its own writes', async (context) => {
      const { crm } = transactional(context);
      const ada = await crm.customers.create({ name: 'Ada' });
      await crm.transaction(async (tx) => {
        await tx.interactions.createMany([
          { customerId: ada.id, channel: 'email', kind: 'message' },
          { customerId: ada.id, channel: 'email', kind: 'message' },
        ]);
        const rows = await tx.interactions.aggregate({ groupBy: ['customerId'], measures: [{ name: 'n', fn: 'count' }] });
        expect(rows).toEqual([{ key: [ada.id], values: { n: 2 } }]);
      });
    });

    it('references to records created earlier in the same transaction are accepted', async (context) => {
      const { crm } = transactional(context);
      await crm.transaction(async (tx) => {
        const acme = await tx.customers.create({ kind: 'organization', name: 'Acme' });
        await tx.customers.create({ name: 'Ada', organizationId: acme.id });
        await tx.cases.create({ customerId: acme.id, subject: 'Hello' });
      });
      expect(await crm.customers.count()).toBe(2);
      expect(await crm.cases.count()).toBe(1);
    });

    it('events fire only after the commit, in the order of the writes', async (context) => {
      const { crm } = transactional(context);
      const recording = recordEvents(crm);
      let seenInside: string[] = [];
      await crm.transaction(async (tx) => {
        const ada = await tx.customers.create({ name: 'Ada' });
        await tx.customers.update(ada.id, (d) => void (d.name = 'Ada L.'));
        const bob = await tx.customers.create({ name: 'Bob' });
        await tx.customers.delete(bob.id);
        await new Promise((resolve) => setTimeout(resolve, 0));
        seenInside = recording.names();
      });
      expect(seenInside).toEqual([]);
      expect(recording.names()).toEqual(['customer.created', 'customer.updated', 'customer.created', 'customer.deleted']);
    });

    it('domain events (deal.stageChanged) also wait for the commit', async (context) => {
      const { crm } = transactional(context);
      const { deal } = await seedWorld(crm);
      const recording = recordEvents(crm);
      await crm.transaction(async (tx) => {
        await tx.deals.update(deal.id, (d) => void (d.stageId = 'proposal'));
        expect(recording.names()).toEqual([]);
      });
      expect(recording.names()).toEqual(['deal.updated', 'deal.stageChanged']);
    });

    it('no event fires after a rollback', async (context) => {
      const { crm } = transactional(context);
      const recording = recordEvents(crm);
      await expect(
        crm.transaction(async (tx) => {
          const ada = await tx.customers.create({ name: 'Ada' });
          await tx.customers.update(ada.id, (d) => void (d.name = 'Ada L.'));
          throw new Error('rollback');
        }),
      ).rejects.toThrow('rollback');
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(recording.names()).toEqual([]);
    });

    it('a transaction’s services fail once it has committed, and write nothing', async (context) => {
      const { crm } = transactional(context);
      let leaked: Tx | undefined;
      await crm.transaction(async (tx) => {
        leaked = tx;
        await tx.customers.create({ name: 'Inside' });
      });
      const error = await leaked!.customers.create({ name: 'After commit' }).catch((e: unknown) => e);
      expect(isCrmError(error), String(error)).toBe(true);
      const readError = await leaked!.customers.find().catch((e: unknown) => e);
      expect(isCrmError(readError), String(readError)).toBe(true);
      expect((await crm.customers.find()).items.map((r) => r.name)).toEqual(['Inside']);
    });

    it('a transaction’s services fail once it has rolled back, and write nothing', async (context) => {
      const { crm } = transactional(context);
      let leaked: Tx | undefined;
      await expect(
        crm.transaction(async (tx) => {
          leaked = tx;
          throw new Error('rollback');
        }),
      ).rejects.toThrow('rollback');
      const error = await leaked!.customers.create({ name: 'After rollback' }).catch((e: unknown) => e);
      expect(isCrmError(error), String(error)).toBe(true);
      expect(await crm.customers.count()).toBe(0);
    });

    it('two transactions one after the other both commit', async (context) => {
      const { crm } = transactional(context);
      await crm.transaction(async (tx) => void (await tx.customers.create({ name: 'one' })));
      await crm.transaction(async (tx) => void (await tx.customers.create({ name: 'two' })));
      expect((await crm.customers.find()).items.map((r) => r.name)).toEqual(['one', 'two']);
    });

    it('concurrent transactions are isolated: each commits or rolls back on its own', async (context) => {
      const { crm } = transactional(context);
      const results = await Promise.allSettled([
        crm.transaction(async (tx) => {
          await tx.customers.create({ name: 'kept' });
        }),
        crm.transaction(async (tx) => {
          await tx.customers.create({ name: 'dropped' });
          throw new Error('rollback');
        }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
      expect((await crm.customers.find()).items.map((r) => r.name)).toEqual(['kept']);
    });

    it('the adapter’s own transaction() rolls back its operations when the function throws', async (context) => {
      const { adapter, crm } = transactional(context);
      const existing = await crm.customers.create({ name: 'Existing' });
      await expect(
        adapter.transaction(async (tx) => {
          await tx.deleteMany('customers', [{ id: existing.id }]);
          expect(await tx.getMany('customers', [existing.id])).toEqual([undefined]);
          throw new Error('undo');
        }),
      ).rejects.toThrow('undo');
      expect(await crm.customers.get(existing.id)).toEqual(existing);
    });
  });
}
