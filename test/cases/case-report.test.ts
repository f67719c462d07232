import { createCrm, weekdays } from 'crmkit';
import { describe, expect, it } from 'vitest';
import { coreAdapters } from '../core/core-adapters.js';

const minute = 60_000;
const t0 = Date.parse('2025-02-03T00:00:00Z');
const allDay = Object.fromEntries(weekdays.map((day) => [day, [{ start: '00:00', end: '24:00' }]]));

describe.each(coreAdapters)('crm.cases.report on $name, against hand-computed values', ({ create }) => {
  it('gives compliance, medians and p90s, backlog, reopen rate, top lists and repeat complainers', async () => {
    let now = t0;
    const crm = await createCrm({ adapter: create(), clock: { now: () => new Date(now) } });
    const to = (m: number) => void (now = t0 + m * minute);
    const policy = await crm.slaPolicies.create({
      name: 'P',
      calendar: { timeZone: 'UTC', hours: allDay },
      targets: [
        { kind: 'first_response', minutes: 60 },
        { kind: 'resolution', minutes: 600 },
      ],
    });
    const [a, b, c] = await crm.customers.createMany([{ name: 'A' }, { name: 'B' }, { name: 'C' }]);
    const open = (customerId: string, category: string, rootCause?: string) =>
      crm.cases.create({ customerId, subject: category, category, ...(rootCause ? { rootCause } : {}) });
    const c1 = await open(a!.id, 'billing', 'double_charge');
    const c2 = await open(a!.id, 'billing', 'double_charge');
    const c3 = await open(b!.id, 'delivery', 'courier_delay');
    const c4 = await open(a!.id, 'billing', 'double_charge');
    to(10);
    await crm.cases.reply(c1.id, { body: 'on it' });
    to(30);
    await crm.cases.reply(c2.id, { body: 'on it' });
    to(90);
    await crm.cases.reply(c3.id, { body: 'late' });
    to(100);
    await crm.cases.transition(c1.id, 'solved');
    to(200);
    await crm.cases.transition(c3.id, 'solved');
    to(300);
    await crm.cases.transition(c3.id, 'reopened');
    to(400);
    await crm.cases.transition(c3.id, 'solved');
    to(700);
    await crm.cases.transition(c2.id, 'solved');
    to(1900);
    const c6 = await open(c!.id, 'other');
    to(2000);
    const report = await crm.cases.report({ from: new Date(t0), to: new Date(t0 + 2000 * minute) });
    // First response: c1 10 and c2 30 met; c3 90, and c4 (2000) and c6 (100) still running, breached.
    // Resolution: c1 100 and c3 200 + 100 met; c2 700 and c4 (running, 2000) breached; c6 (100, running) neither yet.
    expect(report.slaCompliance).toEqual([
      { policyId: policy.id, target: 'first_response', met: 2, breached: 3, compliance: 0.4 },
      { policyId: policy.id, target: 'resolution', met: 2, breached: 2, compliance: 0.5 },
    ]);
    expect(report.firstResponse).toEqual({ count: 3, median: 30, p90: 90 }); // [10, 30, 90]
    expect(report.resolution).toEqual({ count: 3, median: 300, p90: 700 }); // [100, 300, 700]
    expect(report.backlog).toEqual([
      { age: '0-1d', count: 1 }, // c6, 100 minutes old
      { age: '1-3d', count: 1 }, // c4, 2000 minutes old
      { age: '3-7d', count: 0 },
      { age: '7d+', count: 0 },
    ]);
    expect(report.reopenRate).toBeCloseTo(1 / 3, 12); // c3 of c1, c2, c3
    expect(report.topCategories).toEqual([
      { category: 'billing', cases: 3 },
      { category: 'delivery', cases: 1 },
      { category: 'other', cases: 1 },
    ]);
    expect(report.topRootCauses).toEqual([
      { rootCause: 'double_charge', cases: 3 },
      { rootCause: 'courier_delay', cases: 1 },
    ]);
    expect(report.repeatComplainers).toEqual([{ customerId: a!.id, rootCause: 'double_charge', cases: 3, caseIds: [c1.id, c2.id, c4.id] }]);
    expect((await crm.cases.report({ from: new Date(t0), to: new Date(t0 + 2000 * minute), repeatThreshold: 3 })).repeatComplainers).toEqual([]);
    // A span that holds only c6: its running first response is breached, nothing else is measured.
    const late = await crm.cases.report({ from: new Date(t0 + 1000 * minute), to: new Date(t0 + 2000 * minute) });
    expect(late.slaCompliance).toEqual([{ policyId: policy.id, target: 'first_response', met: 0, breached: 1, compliance: 0 }]);
    expect([late.firstResponse, late.reopenRate, c6.category]).toEqual([{ count: 0, median: undefined, p90: undefined }, undefined, 'other']);
    await crm.close();
  });
});
