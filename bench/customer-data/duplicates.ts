/**
 * Duplicate detection measured: a base of noisy duplicates (noisy-duplicates.ts)
 * stored in SQLite, then the whole-base scan `crm.customers.duplicateCandidates()`
 * at the default threshold: precision, recall, scan time. Also
 * `findDuplicates(id)` latency on a sample.
 *
 *   npx tsx bench/customer-data/duplicates.ts [--customers 100000] [--seed 20261123] [--minScore 0.7]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCrm, defaultDuplicateScore } from '../../src/index.js';
import { sqlAdapter } from '../../adapters/sql/index.js';
import { noisyBase } from './noisy-duplicates.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const total = Number(args.get('customers') ?? 100_000);
const seed = Number(args.get('seed') ?? 20261123);
const minScore = Number(args.get('minScore') ?? defaultDuplicateScore);

const { customers, duplicatePairs } = noisyBase(total, { seed });
const dir = mkdtempSync(join(tmpdir(), 'crmkit-dups-'));
const crm = await createCrm({ adapter: sqlAdapter({ dialect: 'sqlite', filename: join(dir, 'crm.db') }), defaultRegion: 'GB' });
try {
  let started = performance.now();
  const ids: string[] = [];
  for (let i = 0; i < customers.length; i += 5000) {
    for (const record of await crm.customers.createMany(customers.slice(i, i + 5000))) ids.push(record.id);
  }
  const loadSeconds = (performance.now() - started) / 1000;
  const truth = new Set(duplicatePairs.map(([a, b]) => pairKey(ids[a]!, ids[b]!)));

  started = performance.now();
  let found = 0;
  let correct = 0;
  let firstPairSeconds: number | undefined;
  const all = new Set<string>();
  for await (const pair of crm.customers.duplicateCandidates({ minScore })) {
    found += 1;
    firstPairSeconds ??= (performance.now() - started) / 1000;
    const key = pairKey(pair.ids[0], pair.ids[1]);
    all.add(key);
    if (truth.has(key)) correct += 1;
  }
  const scanSeconds = (performance.now() - started) / 1000;
  // Pairs of generated people that are one person through a chain (a duplicate of a duplicate's source) do not occur: each duplicate has one source.
  const precision = found === 0 ? 1 : correct / found;
  const recall = truth.size === 0 ? 1 : correct / truth.size;

  const sample = duplicatePairs.slice(0, 200);
  started = performance.now();
  let sampleHits = 0;
  for (const [a, b] of sample) {
    const candidates = await crm.customers.findDuplicates(ids[b]!, { minScore });
    if (candidates.some((c) => c.customer.id === ids[a])) sampleHits += 1;
  }
  const findMs = (performance.now() - started) / sample.length;

  console.log(
    JSON.stringify(
      {
        customers: customers.length,
        truePairs: truth.size,
        minScore,
        load: `${loadSeconds.toFixed(1)} s`,
        scan: `${scanSeconds.toFixed(2)} s`,
        firstPairAfter: `${(firstPairSeconds ?? 0).toFixed(2)} s`,
        found,
        correct,
        precision: Number(precision.toFixed(4)),
        recall: Number(recall.toFixed(4)),
        findDuplicates: { sample: sample.length, recall: Number((sampleHits / sample.length).toFixed(4)), meanMs: Number(findMs.toFixed(1)) },
        heapMB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
      },
      null,
      2,
    ),
  );
} finally {
  await crm.close();
  rmSync(dir, { recursive: true, force: true });
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
