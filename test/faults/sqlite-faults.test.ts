import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCrm, isCrmError, type Crm } from 'crmkit';
import { sqlAdapter } from 'crmkit/sql';
import { startFaultChild } from './fault-child-process.js';

const folder = mkdtempSync(join(tmpdir(), 'crmkit-faults-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let files = 0;
const freshFile = () => join(folder, `f${files++}.db`);
const open = (filename: string, busyTimeout?: number): Promise<Crm> =>
  createCrm({ adapter: sqlAdapter({ dialect: 'sqlite', filename, ...(busyTimeout === undefined ? {} : { busyTimeout }) }) });

/** Reads the file with a connection of its own, not through crmkit. */
function countRows(filename: string, table: string): number {
  const db = new Database(filename, { readonly: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM "${table}"`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Records the longest gap between ticks of a 5 ms interval: how long the event loop was blocked. */
function stallMeter() {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 5);
  return { stop: () => (clearInterval(timer), Math.max(longest, performance.now() - last)) };
}

describe('SQLite: several writers on one file', () => {
  it('two crm instances in one process write at once: every write lands and the event loop keeps running', async () => {
    const filename = freshFile();
    const [a, b] = [await open(filename), await open(filename)];
    const meter = stallMeter();
    const write = (crm: Crm, tag: string) =>
      Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          crm.transaction(async (tx) => {
            const customer = await tx.customers.create({ name: `${tag} ${i}` });
            await new Promise((resolve) => setTimeout(resolve, 1)); // hold the write lock across a turn of the event loop
            await tx.customers.update(customer.id, (d) => void d.tags.push(tag));
          }),
        ),
      );
    await Promise.all([write(a, 'a'), write(b, 'b')]);
    const longestStall = meter.stop();
    console.info(`longest event-loop stall with two SQLite writers on one file: ${longestStall.toFixed(1)} ms`);
    // A synchronous busy wait blocks for the whole busy timeout (seconds); timers keep the stall to a few ms.
    expect(longestStall).toBeLessThan(1_000);
    expect(countRows(filename, 'crm_customers')).toBe(200);
    expect(await a.customers.count({ field: 'tags', op: 'contains', value: 'b' })).toBe(100);
    await Promise.all([a.close(), b.close()]);
  });

  it('1,000 concurrent increments from two crm instances on one file end at exactly 1,000', { timeout: 120_000 }, async () => {
    const filename = freshFile();
    const [a, b] = [await open(filename), await open(filename)];
    const counter = await a.customers.create({ name: 'Counter', custom: { n: 0 } });
    await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        (i % 2 === 0 ? a : b).customers.update(counter.id, (d) => void ((d.custom as { n: number }).n += 1)),
      ),
    );
    const stored = await b.customers.get(counter.id);
    expect(stored.custom).toEqual({ n: 1000 });
    expect(stored.version).toBe(1001);
    await Promise.all([a.close(), b.close()]);
  });

  it('a writer that waits longer than busyTimeout fails with an AdapterError, writes nothing, and works once the lock is free', async () => {
    const filename = freshFile();
    const holder = await open(filename);
    const waiter = await open(filename, 200);
    let release!: () => void;
    const held = holder.transaction(async (tx) => {
      await tx.customers.create({ name: 'holder' });
      await new Promise<void>((resolve) => (release = resolve));
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const meter = stallMeter();
    const error = await waiter.customers.create({ name: 'waiter' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(meter.stop()).toBeLessThan(150);
    expect(isCrmError(error, 'adapter')).toBe(true);
    expect(String((error as Error).message)).toMatch(/busyTimeout/);
    release();
    await held;
    expect(countRows(filename, 'crm_customers')).toBe(1);
    await waiter.customers.create({ name: 'waiter again' });
    expect(countRows(filename, 'crm_customers')).toBe(2);
    await Promise.all([holder.close(), waiter.close()]);
  });

  it('two processes creating interactions on one file at once: all land', { timeout: 60_000 }, async () => {
    const filename = freshFile();
    const crm = await open(filename);
    const customer = await crm.customers.create({ name: 'Shared' });
    const job = (tag: string) => ({ kind: 'interactions', adapter: { dialect: 'sqlite', filename }, customerId: customer.id, count: 150, tag });
    const children = [startFaultChild(job('one')), startFaultChild(job('two'))];
    await Promise.all(children.map((child) => child.succeeded()));
    expect(countRows(filename, 'crm_interactions')).toBe(300);
    expect(await crm.interactions.count({ field: 'customerId', op: 'eq', value: customer.id })).toBe(300);
    await crm.close();
  });

  it('a process killed inside a transaction leaves nothing of it, and the file takes writes at once', { timeout: 60_000 }, async () => {
    const filename = freshFile();
    const crm = await open(filename);
    const customer = await crm.customers.create({ name: 'Before' });
    const child = startFaultChild({ kind: 'hold', adapter: { dialect: 'sqlite', filename }, customerId: customer.id });
    await child.line('inside');
    child.process.kill('SIGKILL');
    await child.ended();
    expect(countRows(filename, 'crm_customers')).toBe(1);
    expect(await crm.customers.get(customer.id)).toEqual(customer);
    const updated = await crm.customers.update(customer.id, (d) => void (d.name = 'After'));
    expect(updated.version).toBe(2);
    expect(countRows(filename, 'crm_customers')).toBe(1);
    await crm.close();
  });
});
