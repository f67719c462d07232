import pg from 'pg';
import { createCrm, weekdays, type Crm } from 'crmkit';
import { sqlAdapter } from 'crmkit/sql';
import { afterAll, describe, expect, it } from 'vitest';
import { serverUrl, uniqueName } from '../sql/server-url.js';

const url = serverUrl('CRMKIT_TEST_POSTGRES_URL', 'PostgreSQL (checkSla concurrency)');
const minute = 60_000;
const t0 = Date.parse('2025-01-06T00:00:00Z');
const allDay = Object.fromEntries(weekdays.map((day) => [day, [{ start: '00:00', end: '24:00' }]]));

if (url !== undefined) {
  describe('checkSla from two processes at once, on PostgreSQL', () => {
    const schema = uniqueName('crmkit_sla_');
    const pools = [new pg.Pool({ connectionString: url, max: 4 }), new pg.Pool({ connectionString: url, max: 4 })];
    afterAll(async () => {
      await pools[0]!.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await Promise.all(pools.map((pool) => pool.end()));
    });

    it('reports and escalates each case once, whichever caller gets it', async () => {
      const clock = { now: () => new Date(t0) };
      // Two crms with their own connection pools over one database: two processes, as far as PostgreSQL can tell.
      const first = await createCrm({ adapter: sqlAdapter({ dialect: 'postgres', pool: pools[0]!, schema }), clock });
      const second = await createCrm({ adapter: sqlAdapter({ dialect: 'postgres', pool: pools[1]!, schema }), clock });
      await first.slaPolicies.create({
        name: 'Fast',
        calendar: { timeZone: 'UTC', hours: allDay },
        targets: [{ kind: 'first_response', minutes: 30, atRiskMinutes: 10 }],
        escalation: { onBreach: { raisePriority: true, notify: ['oncall'] } },
      });
      const ada = await first.customers.create({ name: 'Ada' });
      const cases = await first.cases.createMany(Array.from({ length: 40 }, (_, i) => ({ customerId: ada.id, subject: `Case ${i}`, priority: 'low' as const })));
      const seen = (crm: Crm) => {
        const names: string[] = [];
        crm.events.on('*', (name, payload) => {
          if (String(name).startsWith('case.sla') || name === 'case.escalated') names.push(`${String(name)} ${(payload as { case: { id: string } }).case.id}`);
        });
        return names;
      };
      const [a, b] = [seen(first), seen(second)];
      const now = new Date(t0 + 45 * minute); // every case breached (and never warned): one breach, one escalation each
      const [ra, rb] = await Promise.all([first.cases.checkSla({ now }), second.cases.checkSla({ now })]);
      // Each caller handled a case or found it taken by the other (a lost compare-and-set: skipped); in runs here they split them about 20/20.
      for (const r of [ra, rb]) expect(r.breaches.length + r.skipped).toBe(r.checked);
      expect(ra.breaches.length + rb.breaches.length).toBe(40);
      expect(ra.escalations + rb.escalations).toBe(40);
      const all = [...a, ...b].sort();
      expect(all).toEqual(cases.flatMap((c) => [`case.escalated ${c.id}`, `case.slaBreached ${c.id}`]).sort());
      const stored = await first.cases.find({ limit: 100 });
      expect(stored.items.every((c) => c.priority === 'normal')).toBe(true); // raised once: low → normal
      expect(await first.caseEvents.count({ field: 'kind', op: 'eq', value: 'sla_breached' } as never)).toBe(40);
      const again = await Promise.all([first.cases.checkSla({ now }), second.cases.checkSla({ now })]);
      expect(again.map((r) => r.checked)).toEqual([0, 0]);
    });

    it('migrates a case stored with the old status pending when a crm opens', async () => {
      const legacySchema = `${schema}_legacy`;
      const clock = { now: () => new Date(t0) };
      try {
        const before = await createCrm({ adapter: sqlAdapter({ dialect: 'postgres', pool: pools[0]!, schema: legacySchema }), clock });
        const ada = await before.customers.create({ name: 'Ada' });
        const waiting = await before.cases.create({ customerId: ada.id, subject: 'Waiting' });
        await before.adapter.updateMany('cases', [{ record: { ...waiting, status: 'pending' } as never, expectedVersion: waiting.version }]);
        const after = await createCrm({ adapter: sqlAdapter({ dialect: 'postgres', pool: pools[1]!, schema: legacySchema }), clock });
        expect((await after.adapter.getMany('cases', [waiting.id]))[0]).toMatchObject({ status: 'pending_customer', version: waiting.version + 1 });
        expect(await after.cases.count({ field: 'status', op: 'eq', value: 'pending_customer' } as never)).toBe(1);
      } finally {
        await pools[0]!.query(`DROP SCHEMA IF EXISTS "${legacySchema}" CASCADE`);
      }
    });
  });
}
