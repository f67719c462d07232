/**
 * A test runner that only collects what the conformance suite registers, so a
 * test can run the whole suite itself (against a deliberately broken adapter)
 * and look at which cases failed, instead of failing itself.
 */
import { expect } from 'vitest';
import type { ConformanceExpect, ConformanceRunner, ConformanceTestFunction } from 'crmkit/testing';

type Hook = () => Promise<void>;

interface Scope {
  readonly path: readonly string[];
  readonly beforeEach: Hook[];
  readonly afterEach: Hook[];
  readonly parent: Scope | undefined;
}

interface CollectedTest {
  readonly name: string;
  readonly scope: Scope;
  readonly fn: ConformanceTestFunction;
  readonly skipped: boolean;
}

/** The result of one collected test. */
export interface CaseResult {
  /** The describe names and the test name, joined by ' > '. */
  readonly name: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  /** The first line of the failure, when failed. */
  readonly error?: string;
}

/** A runner to hand to `describeAdapterConformance`, and a way to run what it collected. */
export interface CollectingRunner extends ConformanceRunner {
  /** Runs every collected test in order (hooks included) and reports each. */
  run(options?: {
    /** Milliseconds before a case is given up on (and failed); 20 s unless told. */
    readonly timeout?: number;
    /** Milliseconds over which a case is reported on the console as slow; 2 s unless told. */
    readonly slow?: number;
  }): Promise<CaseResult[]>;
}

/** A runner that collects tests; `expect` is vitest's, whose failures are thrown errors. */
export function collectingRunner(): CollectingRunner {
  const root: Scope = { path: [], beforeEach: [], afterEach: [], parent: undefined };
  let scope = root;
  const tests: CollectedTest[] = [];
  const it = Object.assign(
    (name: string, fn: ConformanceTestFunction) => void tests.push({ name, scope, fn, skipped: false }),
    { skip: (name: string, fn: ConformanceTestFunction) => void tests.push({ name, scope, fn, skipped: true }) },
  );
  return {
    describe(name, fn) {
      const parent = scope;
      scope = { path: [...parent.path, name], beforeEach: [], afterEach: [], parent };
      try {
        fn();
      } finally {
        scope = parent;
      }
    },
    it,
    expect: expect as unknown as ConformanceExpect,
    beforeEach: (fn) => void scope.beforeEach.push(fn),
    afterEach: (fn) => void scope.afterEach.push(fn),
    async run(options = {}) {
      const timeout = options.timeout ?? 20_000;
      const slow = options.slow ?? 2_000;
      const results: CaseResult[] = [];
      for (const test of tests) {
        const name = [...test.scope.path, test.name].join(' > ');
        if (test.skipped) {
          results.push({ name, status: 'skipped' });
          continue;
        }
        const chain: Scope[] = [];
        for (let s: Scope | undefined = test.scope; s !== undefined; s = s.parent) chain.unshift(s);
        let skippedReason: string | undefined;
        const context = { skip: (reason: string) => void (skippedReason = reason) };
        let failure: unknown;
        const started = Date.now();
        try {
          for (const s of chain) for (const hook of s.beforeEach) await hook();
          await withTimeout((test.fn as (context: unknown) => Promise<void>)(context), timeout, name);
        } catch (error) {
          failure = error;
        }
        for (const s of [...chain].reverse()) {
          for (const hook of s.afterEach) {
            try {
              await hook();
            } catch (error) {
              failure ??= error;
            }
          }
        }
        const took = Date.now() - started;
        if (took > slow) console.warn(`slow conformance case (${took} ms): ${name}`);
        if (failure !== undefined) results.push({ name, status: 'failed', error: firstLine(failure) });
        else results.push({ name, status: skippedReason === undefined ? 'passed' : 'skipped' });
      }
      return results;
    },
  };
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split('\n')[0]!.slice(0, 300);
}

async function withTimeout<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${name}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
