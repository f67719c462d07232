import { deleteDB } from 'idb';
import { expect, inject, test } from 'vitest';
import { indexedDbAdapter } from '../../adapters/indexeddb/index.js';
import { createCrm, type CustomerInput, type InteractionInput } from '../../src/index.js';
import { benchData } from './bench-data.js';
import { openRawDatabase, rawInsert, rawKindCount, rawKindPages, rawStagePages } from './raw-idb.js';

/**
 * The IndexedDB benchmark, in Chromium: bulk insert of 10,000 customers and
 * 100,000 interactions, then filtered, paginated queries and a count, through
 * crmkit (the adapter alone, and the whole crm with validation) and through raw
 * idb doing the same work. Prints a table; see bench/indexeddb/README.md.
 */

const customerCount = 10_000;
const interactionCount = 100_000;
const pageSize = 50;
const pageCount = 20;
/** Rounds per run (`CRMKIT_BENCH_ROUNDS`, default 5); the table gives medians. */
const rounds = inject('benchRounds');

declare module 'vitest' {
  export interface ProvidedContext {
    /** Rounds per run, from the config (`CRMKIT_BENCH_ROUNDS`). */
    benchRounds: number;
  }
}

interface Row {
  readonly task: string;
  readonly raw: number;
  readonly adapter: number | undefined;
  readonly crm?: number;
}

const time = async <T>(fn: () => Promise<T>): Promise<[number, T]> => {
  const start = performance.now();
  const result = await fn();
  return [performance.now() - start, result];
};

test('IndexedDB benchmark: crmkit against raw idb', async () => {
  const { customers, interactions } = benchData(customerCount, interactionCount);
  const samples = new Map<string, { raw: number[]; adapter: number[]; crm: number[] }>();
  const keep = (task: string, field: 'raw' | 'adapter' | 'crm', ms: number) => {
    const row = samples.get(task) ?? { raw: [], adapter: [], crm: [] };
    row[field].push(ms);
    samples.set(task, row);
  };

  // The answers of every round, checked at the end: crmkit's pages and count must equal raw idb's.
  const answers: { raw: unknown[]; crm: unknown[] } = { raw: [], crm: [] };

  const runRaw = async () => {
    await deleteDB('bench-raw');
    const raw = await openRawDatabase('bench-raw');
    keep('insert 10,000 customers', 'raw', (await time(() => rawInsert(raw, 'customers', customers)))[0]);
    keep('insert 100,000 interactions', 'raw', (await time(() => rawInsert(raw, 'interactions', interactions)))[0]);
    const [rawKindMs, rawKind] = await time(() => rawKindPages(raw, 'purchase', pageSize, pageCount));
    keep(`purchases newest first, ${pageCount} pages of ${pageSize}`, 'raw', rawKindMs);
    const [rawStageMs, rawStage] = await time(() => rawStagePages(raw, 'customer', pageSize, pageCount));
    keep(`customers of a stage by name, ${pageCount} pages of ${pageSize}`, 'raw', rawStageMs);
    const [rawCountMs, rawCount] = await time(() => rawKindCount(raw, 'purchase'));
    keep('count purchases', 'raw', rawCountMs);
    answers.raw.push([rawKind, rawStage, rawCount]);
    raw.close();
    await deleteDB('bench-raw');
  };

  // crmkit, the adapter alone (what the core hands it: validated records).
  const runAdapter = async () => {
    const adapter = indexedDbAdapter({ name: 'bench-adapter' });
    await adapter.deleteDatabase();
    const crm = await createCrm({ adapter: indexedDbAdapter({ name: 'bench-adapter' }) });
    const storage = crm.adapter;
    keep('insert 10,000 customers', 'adapter', (await time(() => storage.insertMany('customers', customers)))[0]);
    keep('insert 100,000 interactions', 'adapter', (await time(() => storage.insertMany('interactions', interactions)))[0]);
    const [kindMs, kindPages] = await time(async () => {
      const pages: string[][] = [];
      let cursor: string | undefined;
      for (let p = 0; p < pageCount; p++) {
        const page = await crm.interactions.find({
          where: { field: 'kind', op: 'eq', value: 'purchase' },
          sort: [{ field: 'occurredAt', direction: 'desc' }],
          limit: pageSize,
          cursor,
        });
        pages.push(page.items.map((r) => r.id));
        cursor = page.nextCursor;
      }
      return pages;
    });
    keep(`purchases newest first, ${pageCount} pages of ${pageSize}`, 'crm', kindMs);
    const [stageMs, stagePages] = await time(async () => {
      const pages: string[][] = [];
      let cursor: string | undefined;
      for (let p = 0; p < pageCount; p++) {
        const page = await crm.customers.find({
          where: { field: 'lifecycleStage', op: 'eq', value: 'customer' },
          sort: [{ field: 'name', direction: 'asc' }],
          limit: pageSize,
          cursor,
        });
        pages.push(page.items.map((r) => r.id));
        cursor = page.nextCursor;
      }
      return pages;
    });
    keep(`customers of a stage by name, ${pageCount} pages of ${pageSize}`, 'crm', stageMs);
    const [countMs, count] = await time(() => crm.interactions.count({ field: 'kind', op: 'eq', value: 'purchase' }));
    keep('count purchases', 'crm', countMs);
    answers.crm.push([kindPages, stagePages, count]);
    await crm.close();
    await adapter.deleteDatabase();
  };

  // crmkit, the whole crm: zod validation, defaults, reference checks, then the adapter.
  const runCrm = async () => {
    const full = indexedDbAdapter({ name: 'bench-crm' });
    await full.deleteDatabase();
    const validated = await createCrm({ adapter: indexedDbAdapter({ name: 'bench-crm' }) });
    const customerInputs = customers.map(({ id, name, emails, tags, lifecycleStage, ownerId }) => ({ id, name, emails, tags, lifecycleStage, ownerId }));
    keep('insert 10,000 customers', 'crm', (await time(() => validated.customers.createMany(customerInputs as CustomerInput[])))[0]);
    const interactionInputs = interactions.map(({ id, customerId, channel, kind, occurredAt, subject, purchase }) =>
      purchase === undefined ? { id, customerId, channel, kind, occurredAt, subject } : { id, customerId, channel, kind, occurredAt, subject, purchase },
    );
    keep('insert 100,000 interactions', 'crm', (await time(() => validated.interactions.createMany(interactionInputs as InteractionInput[])))[0]);
    await validated.close();
    await full.deleteDatabase();
  };

  // Deleting a large database leaves the browser compacting in the background, which slows
  // whatever runs next: the order rotates every round so that no side always runs after another.
  const sides = [runRaw, runAdapter, runCrm];
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < sides.length; i++) await sides[(round + i) % sides.length]!();
  }

  expect(answers.crm.length).toBe(rounds);
  for (const answer of [...answers.raw, ...answers.crm]) expect(answer).toEqual(answers.raw[0]);

  const median = (xs: readonly number[]) => {
    if (xs.length === 0) return undefined;
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  const rows: Row[] = [...samples.entries()].map(([task, row]) => ({ task, raw: median(row.raw)!, adapter: median(row.adapter), crm: median(row.crm) }));
  const spread = [...samples.entries()].map(
    ([task, row]) =>
      `${task}: ${(['raw', 'adapter', 'crm'] as const)
        .filter((side) => row[side].length > 0)
        .map((side) => `${side} ${row[side].map(Math.round).join('/')}`)
        .join('; ')}`,
  );
  const ms = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '—' : `${Math.round(n)} ms`);
  const ratio = (n: number | undefined, base: number) => (n === undefined || !Number.isFinite(n) ? '—' : `${(n / base).toFixed(2)}x`);
  const lines = [
    `IndexedDB benchmark (${navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? 'Chromium'}, median of ${rounds} rounds)`,
    '| task | raw idb | crmkit adapter | ratio | crmkit crm | ratio |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      ({ task, raw, adapter, crm }) =>
        `| ${task} | ${ms(raw)} | ${ms(adapter)} | ${ratio(adapter, raw)} | ${ms(crm)} | ${ratio(crm, raw)} |`,
    ),
  ];
  console.log([...lines, '', 'Every round (ms):', ...spread].join('\n'));
});
