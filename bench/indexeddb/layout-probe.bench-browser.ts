import { test } from 'vitest';
import { benchData } from './bench-data.js';

/**
 * Where the insert time goes: 100,000 interactions put in one transaction into
 * stores laid out four ways, each with the bench's six interaction indexes.
 * Run with `npx vitest run -c bench/indexeddb/vitest.config.ts layout-probe`.
 */

const optional = ['dealId', 'caseId', 'campaignId'];
type Rec = Record<string, unknown>;

function open(name: string, keyPath: string, paths: string[][]): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const del = indexedDB.deleteDatabase(name);
    del.onsuccess = () => {
      const req = indexedDB.open(name, 1);
      req.onupgradeneeded = () => {
        const store = req.result.createObjectStore('s', { keyPath });
        paths.forEach((p, i) => store.createIndex(`i${i}`, p));
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    };
  });
}

async function put(db: IDBDatabase, values: unknown[]): Promise<number> {
  const start = performance.now();
  const tx = db.transaction('s', 'readwrite', { durability: 'relaxed' });
  const store = tx.objectStore('s');
  for (const value of values) store.put(value);
  await new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });
  return performance.now() - start;
}

test('layout probe', async () => {
  const { interactions } = benchData(10_000, 100_000);
  const rawPaths = [['customerId', 'occurredAt', 'id'], ['kind', 'occurredAt', 'id'], ['dealId', 'id'], ['caseId', 'id'], ['campaignId', 'id'], ['purchase.orderId', 'id']];
  const kPaths = [['k.c', 'k.t', 'k.id'], ['k.kind', 'k.t', 'k.id'], ['k.d', 'k.id'], ['k.cs', 'k.id'], ['k.cp', 'k.id'], ['k.o', 'k.id']];
  const variants: Record<string, { keyPath: string; paths: string[][]; make: (r: Rec) => unknown }> = {
    'raw records (sparse)': { keyPath: 'id', paths: rawPaths, make: (r) => r },
    'entry {r,k} (dense)': {
      keyPath: 'k.id',
      paths: kPaths,
      make: (r) => ({
        r,
        k: { id: r.id, c: r.customerId, t: (r.occurredAt as Date).getTime(), kind: r.kind, d: r.dealId ?? -Infinity, cs: r.caseId ?? -Infinity, cp: r.campaignId ?? -Infinity, o: (r.purchase as Rec | undefined)?.orderId ?? -Infinity },
      }),
    },
    'inline copy (dense)': {
      keyPath: 'id',
      paths: rawPaths,
      make: (r) => {
        const v: Rec = { ...r };
        const absent: string[] = [];
        for (const f of optional) if (v[f] === undefined) { v[f] = -Infinity; absent.push(f); }
        if (v.purchase === undefined) { v.purchase = { orderId: -Infinity }; absent.push('purchase'); }
        v.$a = absent;
        return v;
      },
    },
    'inline copy (sparse)': { keyPath: 'id', paths: rawPaths, make: (r) => ({ ...r }) },
  };
  const times = new Map<string, number[]>();
  for (let round = 0; round < 3; round++) {
    for (const [name, { keyPath, paths, make }] of Object.entries(variants)) {
      const db = await open(`probe-${round}`, keyPath, paths);
      const start = performance.now();
      const values = interactions.map((r) => make(r as Rec));
      const makeMs = performance.now() - start;
      const ms = await put(db, values);
      db.close();
      times.set(name, [...(times.get(name) ?? []), makeMs + ms]);
      console.log(`${name}: make ${Math.round(makeMs)} ms, put ${Math.round(ms)} ms`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const [name, xs] of times) console.log(`MEDIAN ${name}: ${Math.round(median(xs))} ms`);
}, 600_000);
