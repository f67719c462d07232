// idb recognizes IndexedDB objects by the global classes; fake-indexeddb/auto installs them.
import 'fake-indexeddb/auto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caseStatuses, caseTransitions, createCrm, isCrmError, type CaseStatus, type CrmAdapter } from 'crmkit';
import { indexedDbAdapter } from 'crmkit/indexeddb';
import { memoryAdapter } from 'crmkit/memory';
import { sqlAdapter } from 'crmkit/sql';
import { afterAll, describe, expect, it } from 'vitest';
import { coreAdapters } from '../core/core-adapters.js';

let clockMs = Date.parse('2025-03-10T09:00:00Z');
const clock = { now: () => new Date(clockMs) };

/** The moves that reach each status from `new`, shortest first (breadth-first over the table). */
function pathTo(status: CaseStatus): CaseStatus[] {
  const paths = new Map<CaseStatus, CaseStatus[]>([['new', []]]);
  const queue: CaseStatus[] = ['new'];
  while (queue.length > 0) {
    const from = queue.shift()!;
    for (const to of caseTransitions[from]) {
      if (!paths.has(to)) {
        paths.set(to, [...paths.get(from)!, to]);
        queue.push(to);
      }
    }
  }
  return paths.get(status)!;
}

const refused = caseStatuses.flatMap((from) => caseStatuses.filter((to) => !caseTransitions[from].includes(to)).map((to) => ({ from, to })));
const allowed = caseStatuses.flatMap((from) => caseTransitions[from].map((to) => ({ from, to })));

describe.each(coreAdapters)('the case status machine on $name', ({ create }) => {
  const open = async () => {
    const crm = await createCrm({ adapter: create(), clock });
    const ada = await crm.customers.create({ name: 'Ada' });
    return { crm, ada };
  };

  it('every status is reachable from new', () => {
    for (const status of caseStatuses) expect(pathTo(status)).toBeDefined();
    expect(refused.length + allowed.length).toBe(caseStatuses.length ** 2);
  });

  it.each(refused)('refuses $from → $to with invalid_transition and changes nothing', async ({ from, to }) => {
    const { crm, ada } = await open();
    const ticket = await crm.cases.create({ customerId: ada.id, subject: 'Printer on fire' });
    for (const step of pathTo(from)) await crm.cases.transition(ticket.id, step);
    const before = (await crm.adapter.getMany('cases', [ticket.id]))[0]!;
    const historyBefore = await crm.caseEvents.count();
    const error = await crm.withActor({ kind: 'user', id: 'agent-1' }).cases.transition(ticket.id, to).then(() => undefined, (e: unknown) => e);
    expect(isCrmError(error, 'invalid_transition')).toBe(true);
    expect((await crm.adapter.getMany('cases', [ticket.id]))[0]).toEqual(before);
    expect(await crm.caseEvents.count()).toBe(historyBefore);
    await crm.close();
  });

  it.each(allowed)('allows $from → $to and records who, when, from and to', async ({ from, to }) => {
    const { crm, ada } = await open();
    const ticket = await crm.cases.create({ customerId: ada.id, subject: 'Printer on fire' });
    for (const step of pathTo(from)) await crm.cases.transition(ticket.id, step);
    clockMs += 60_000;
    const agent = { kind: 'user', id: 'agent-7', name: 'Ann' } as const;
    const seen: unknown[] = [];
    crm.events.on('case.statusChanged', (event) => seen.push(event.actor));
    const moved = await crm.withActor(agent).cases.transition(ticket.id, to, { note: 'checked' });
    expect(moved.status).toBe(to);
    expect(moved.statusChangedAt).toEqual(clock.now());
    const last = (await crm.cases.events(ticket.id)).at(-1)!;
    expect(last).toMatchObject({ caseId: ticket.id, kind: 'status_changed', from, to, actor: agent, note: 'checked', at: clock.now() });
    expect(seen).toEqual([agent]);
    await crm.close();
  });

  it('stamps solvedAt and closedAt, and a reopen clears solvedAt and counts', async () => {
    const { crm, ada } = await open();
    const ticket = await crm.cases.create({ customerId: ada.id, subject: 'Refund' });
    expect(ticket).toMatchObject({ status: 'new', reopenCount: 0 });
    clockMs += 60_000;
    const solved = await crm.cases.transition(ticket.id, 'solved');
    expect(solved.solvedAt).toEqual(clock.now());
    const reopened = await crm.cases.transition(ticket.id, 'reopened');
    expect(reopened.solvedAt).toBeUndefined();
    expect(reopened.reopenCount).toBe(1);
    await crm.cases.transition(ticket.id, 'solved');
    clockMs += 60_000;
    const closed = await crm.cases.transition(ticket.id, 'closed');
    expect(closed).toMatchObject({ status: 'closed', closedAt: clock.now(), reopenCount: 1 });
    expect((await crm.cases.events(ticket.id)).map((e) => `${e.from}→${e.to}`)).toEqual(['new→solved', 'solved→reopened', 'reopened→solved', 'solved→closed']);
    await crm.close();
  });

  it('keeps status out of recipes and create input: it is managed', async () => {
    const { crm, ada } = await open();
    const ticket = await crm.cases.create({ customerId: ada.id, subject: 'Refund' });
    const viaRecipe = await crm.cases.update(ticket.id, (d) => void ((d as { status: string }).status = 'closed')).then(() => undefined, (e: unknown) => e);
    expect(isCrmError(viaRecipe, 'validation') && viaRecipe.issues.map((i) => i.code)).toEqual(['readonly_field']);
    const viaCreate = await crm.cases.create({ customerId: ada.id, subject: 'x', status: 'closed' } as never).then(() => undefined, (e: unknown) => e);
    expect(isCrmError(viaCreate, 'validation') && viaCreate.issues.map((i) => i.path)).toEqual([['status']]);
    expect((await crm.adapter.getMany('cases', [ticket.id]))[0]!.status).toBe('new');
    expect(await crm.cases.count()).toBe(1);
    await crm.close();
  });

  it('refuses an unknown status, a stale expectedVersion and an unknown case', async () => {
    const { crm, ada } = await open();
    const ticket = await crm.cases.create({ customerId: ada.id, subject: 'Refund' });
    await expect(crm.cases.transition(ticket.id, 'pending' as never)).rejects.toMatchObject({ code: 'invalid_transition' });
    await expect(crm.cases.transition(ticket.id, 'open', { expectedVersion: 7 })).rejects.toMatchObject({ code: 'conflict' });
    await expect(crm.cases.transition('nope', 'open')).rejects.toMatchObject({ code: 'not_found' });
    expect(await crm.caseEvents.count()).toBe(0);
    await crm.close();
  });
});

describe('cases stored with the old status list are migrated when a crm opens', () => {
  const directory = mkdtempSync(join(tmpdir(), 'crmkit-case-migration-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  let n = 0;
  const reopenable: { name: string; first: () => CrmAdapter; again: (first: CrmAdapter) => CrmAdapter }[] = [
    { name: 'memory', first: () => memoryAdapter(), again: (first) => first },
    {
      name: 'sqlite file',
      first: () => sqlAdapter({ dialect: 'sqlite', filename: join(directory, `cases-${++n}.db`) }),
      again: () => sqlAdapter({ dialect: 'sqlite', filename: join(directory, `cases-${n}.db`) }),
    },
    {
      name: 'fake-indexeddb',
      first: () => indexedDbAdapter({ name: `case-migration-${process.pid}-${++n}` }),
      again: () => indexedDbAdapter({ name: `case-migration-${process.pid}-${n}` }),
    },
  ];

  it.each(reopenable)('on $name: pending becomes pending_customer with version + 1, the rest untouched', async ({ first, again }) => {
    const adapter = first();
    const before = await createCrm({ adapter, clock });
    const ada = await before.customers.create({ name: 'Ada' });
    const waiting = await before.cases.create({ customerId: ada.id, subject: 'Waiting on Ada' });
    const working = await before.cases.create({ customerId: ada.id, subject: 'Being worked' });
    // What a crm of the old status list stored: `pending`, and no managed status fields.
    const legacy = { ...waiting, status: 'pending' } as Record<string, unknown>;
    delete legacy.statusChangedAt;
    delete legacy.reopenCount;
    await adapter.updateMany('cases', [{ record: legacy as never, expectedVersion: waiting.version }]);
    await adapter.updateMany('cases', [{ record: { ...working, status: 'open' } as never, expectedVersion: working.version }]);
    if (adapter !== again(adapter)) await before.close();
    const reopened = again(adapter);
    const crm = await createCrm({ adapter: reopened, clock });
    const [migrated, untouched] = await crm.adapter.getMany('cases', [waiting.id, working.id]);
    expect(migrated).toMatchObject({ status: 'pending_customer', version: waiting.version + 1, updatedAt: waiting.updatedAt });
    expect(untouched).toMatchObject({ status: 'open', version: working.version });
    expect(await crm.cases.count({ field: 'status', op: 'eq', value: 'pending' } as never)).toBe(0);
    // The migrated case works with the machine, and the old spelling is refused.
    expect((await crm.cases.transition(waiting.id, 'open')).status).toBe('open');
    // Opening again finds nothing left to do.
    const rerun = await crm.adapter.getMany('cases', [waiting.id]);
    const thirdAdapter = again(reopened);
    if (thirdAdapter !== reopened) await crm.close();
    const crm3 = await createCrm({ adapter: thirdAdapter, clock });
    expect((await crm3.adapter.getMany('cases', [waiting.id]))[0]).toEqual(rerun[0]);
    await crm3.close();
  });
});
