// Mutation test of the published conformance suite: every deliberately broken adapter must fail
// at least one case, and the unbroken ones must pass every case (but the ones waiting for a fix).
//
// The mutants are split over several test files (test/conformance/mutants/*.test.ts), each of
// which vitest runs in a fresh worker: run one after another in one worker, every whole-suite run
// left the next one slower (8 s for the first, 14 s by the ninth), and the file took over 30 minutes.
import { afterAll, describe, expect, it } from 'vitest';
import { memoryAdapter } from 'crmkit/memory';
import { describeAdapterConformance, type ConformanceOptions } from 'crmkit/testing';
import { plainMapAdapter } from '../plugin-author/plain-map-adapter.js';
import { collectingRunner, type CaseResult } from './collecting-runner.js';
import { mutantAdapter, mutants } from './mutant-adapters.js';

/**
 * Cases every adapter of this repository fails until another change lands; they are left out of
 * the "the unbroken adapter passes everything" check only, never out of the suite.
 */
const waitingForFixes: readonly RegExp[] = [];

/** How many files the mutants are split over; each file names its shard, 1 to this. */
export const mutantShards = 5;

async function runSuite(createAdapter: ConformanceOptions['createAdapter']): Promise<CaseResult[]> {
  const runner = collectingRunner();
  describeAdapterConformance({ name: 'under test', createAdapter, runner });
  return runner.run();
}

const waiting = (result: CaseResult) => waitingForFixes.some((pattern) => pattern.test(result.name));
/** The failed cases, but those waiting for a fix (which every adapter fails for now). */
const failed = (results: readonly CaseResult[]) => results.filter((r) => r.status === 'failed' && !waiting(r));

/**
 * Registers shard `shard` (1-based) of the mutation test: shard 1 also checks the unbroken
 * adapters; the mutants are dealt round-robin over the shards, so every mutant is in exactly one.
 */
export function describeMutationShard(shard: number): void {
  const summary: string[] = [];
  afterAll(() => console.log(`\nconformance cases failed by each mutant (shard ${shard} of ${mutantShards}):\n${summary.join('\n')}\n`));

  describe(`the conformance suite, run by a collecting runner (shard ${shard} of ${mutantShards})`, () => {
    if (shard === 1) {
      it.each([
        ['memory', () => memoryAdapter()],
        ['plain-map', () => plainMapAdapter()],
        ['the mutant wrapper without a mutation', () => mutantAdapter('none', {})],
      ] as const)('passes every case on the unbroken %s adapter', async (_name, create) => {
        const results = await runSuite(create);
        expect(results.length).toBeGreaterThan(600);
        expect(failed(results).map((r) => `${r.name}: ${r.error}`)).toEqual([]);
      }, 120_000);
    }

    const mine = Object.entries(mutants).filter((_entry, index) => index % mutantShards === shard - 1);
    it.each(mine)('catches the mutant "%s"', async (name, mutation) => {
      const results = await runSuite(() => mutantAdapter(name, mutation));
      const catching = failed(results);
      summary.push(`  ${String(catching.length).padStart(4)}  ${name}  (e.g. ${catching.slice(0, 3).map((r) => r.name.replace(/^crmkit adapter conformance: under test > /, '')).join('; ') || 'none'})`);
      expect(catching.length, `no case caught "${name}"`).toBeGreaterThan(0);
    }, 120_000);
  });
}
