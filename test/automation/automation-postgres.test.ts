// Two processes ticking at once on PostgreSQL: every run starts once and every step runs once.
import pg from 'pg';
import { createCrm, where, type Crm } from 'crmkit';
import { sqlAdapter } from 'crmkit/sql';
import { afterAll, describe, expect, it } from 'vitest';
import { serverUrl, uniqueName } from '../sql/server-url.js';

const url = serverUrl('CRMKIT_TEST_POSTGRES_URL', 'PostgreSQL (automation ticks)');

if (url !== undefined) {
  describe('automation ticks from two processes at once, on PostgreSQL', () => {
    const schema = uniqueName('crmkit_auto_');
    const pools = [new pg.Pool({ connectionString: url, max: 4 }), new pg.Pool({ connectionString: url, max: 4 })];
    afterAll(async () => {
      await pools[0]!.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await Promise.all(pools.map((pool) => pool.end()));
    });

    it('start each run once and run each step once, whichever process gets it', { timeout: 120_000 }, async () => {
      let at = Date.parse('2026-03-02T10:00:00Z');
      const clock = { now: () => new Date(at) };
      const first = await createCrm({ adapter: sqlAdapter({ dialect: 'postgres', pool: pools[0]!, schema }), clock });
      const second = await createCrm({ adapter: sqlAdapter({ dialect: 'postgres', pool: pools[1]!, schema }), clock });
      const rule = await first.automation.define({
        name: 'Complaints',
        trigger: { kind: 'record', collection: 'interactions', operations: ['create'], where: where('kind', 'eq', 'complaint'), subject: 'customerId' },
        steps: [
          { kind: 'create_task', title: 'Call back', dueInMinutes: 60 },
          { kind: 'wait', minutes: 30 },
          { kind: 'add_tag', tag: 'followed-up' },
        ],
      });
      await first.automation.enable(rule.id);
      const customers = await first.customers.createMany(Array.from({ length: 30 }, (_, i) => ({ name: `Customer ${i}` })));
      await first.interactions.createMany(customers.map((c) => ({ customerId: c.id, channel: 'email' as const, kind: 'complaint' as const, occurredAt: clock.now() })));
      await Promise.all([first.automation.tick(), second.automation.tick(), first.automation.tick(), second.automation.tick()]);
      at += 31 * 60_000;
      await Promise.all([first.automation.tick(), second.automation.tick()]);
      await Promise.all([first.automation.tick(), second.automation.tick()]);
      expect(await first.tasks.count()).toBe(30);
      const runs = await collectRuns(first);
      expect(runs).toHaveLength(30);
      expect(runs.every((run) => run.status === 'completed')).toBe(true);
      for (const run of runs) expect(run.steps.map((s) => s.kind)).toEqual(['create_task', 'wait', 'add_tag']);
      expect((await first.customers.count(where('tags', 'contains', 'followed-up')))).toBe(30);
      await first.close();
      await second.close();
    });
  });
}

async function collectRuns(crm: Crm) {
  const out = [];
  let cursor: string | undefined;
  do {
    const page = await crm.automation.runs({ limit: 100, ...(cursor === undefined ? {} : { cursor }) });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return out;
}
