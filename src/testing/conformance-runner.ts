import * as vitest from 'vitest';

/**
 * The assertions the suite makes: the part of vitest's and Jest's `expect` it
 * uses (the `expect` package works with node:test). Matchers throw on failure.
 */
export interface ConformanceMatchers {
  toBe(expected: unknown): unknown;
  toEqual(expected: unknown): unknown;
  toHaveLength(length: number): unknown;
  toBeInstanceOf(constructor: abstract new (...args: never[]) => unknown): unknown;
  toContainEqual(item: unknown): unknown;
  toBeUndefined(): unknown;
  toContain(item: unknown): unknown;
  toBeGreaterThan(value: number): unknown;
  toBeLessThanOrEqual(value: number): unknown;
  toMatchObject(expected: object): unknown;
  toMatch(pattern: RegExp | string): unknown;
  /** The negated matchers. */
  readonly not: ConformanceMatchers;
}

/** Matchers on a promise's rejection: `await expect(p).rejects.toThrow('x')`. */
export interface ConformanceRejectionMatchers {
  toBe(expected: unknown): Promise<unknown>;
  toThrow(expected?: string | RegExp): Promise<unknown>;
}

/** `expect` as the suite calls it: `expect(actual, message?)`, plus two asymmetric matchers. */
export interface ConformanceExpect {
  (actual: unknown, message?: string): ConformanceMatchers & { readonly rejects: ConformanceRejectionMatchers };
  /** Matches any value made by `constructor` (`expect.any(String)`). */
  any(constructor: unknown): unknown;
  /** Matches an array holding at least these elements. */
  arrayContaining(items: readonly unknown[]): unknown;
}

/**
 * A test function as the suite hands it to a runner. It declares no parameter
 * (so Jest does not take it for a `done` callback) but reads the runner's test
 * context from its first argument when there is one, to call its `skip`.
 */
export type ConformanceTestFunction = () => Promise<void>;

/** The `it` / `test` of a runner. `skip`, when present, registers a skipped test. */
export interface ConformanceIt {
  (name: string, fn: ConformanceTestFunction, timeout?: number): void;
  /** Registers a test that is shown as skipped. */
  skip?: (name: string, fn: ConformanceTestFunction) => void;
}

/**
 * The five functions of a test runner the suite registers its tests with.
 * Vitest's (the default), Jest's globals and node:test with the `expect`
 * package all fit; so does a runner that only collects the tests to run them
 * itself, as this repository's mutation test does.
 *
 * A test that finds out at run time that it does not apply (an adapter without
 * `transactions`, say) calls its runner context's `skip(reason)` when the
 * runner passes a context with one (vitest, node:test); under Jest it passes.
 * `crmkit/testing` imports vitest for its default runner, so vitest must be
 * installed (an optional peer dependency) even when another runner runs the tests;
 * vitest's `expect` also works on its own as the `expect` for node:test.
 *
 * @example
 * ```ts
 * // with Jest (globals) and its expect
 * describeAdapterConformance({
 *   name: 'my adapter',
 *   createAdapter: () => myAdapter(),
 *   runner: { describe, it, expect, beforeEach, afterEach },
 * });
 * ```
 */
export interface ConformanceRunner {
  /** Groups tests under a name; calls `fn` synchronously to register them. */
  describe(name: string, fn: () => void): void;
  /** Registers one test. */
  readonly it: ConformanceIt;
  /** The assertion function. */
  readonly expect: ConformanceExpect;
  /** Runs `fn` before every test of the enclosing `describe`. */
  beforeEach(fn: () => Promise<void>): void;
  /** Runs `fn` after every test of the enclosing `describe`. */
  afterEach(fn: () => Promise<void>): void;
}

/**
 * Vitest's functions: the runner the suite uses unless told otherwise.
 *
 * @example
 * ```ts
 * describeAdapterConformance({ name: 'mine', createAdapter, runner: vitestRunner });
 * ```
 */
export const vitestRunner: ConformanceRunner = {
  describe: (name, fn) => vitest.describe(name, fn),
  it: Object.assign((name: string, fn: ConformanceTestFunction, timeout?: number) => vitest.it(name, fn, timeout), {
    skip: (name: string, fn: ConformanceTestFunction) => vitest.it.skip(name, fn),
  }),
  expect: vitest.expect as unknown as ConformanceExpect,
  beforeEach: (fn) => void vitest.beforeEach(fn),
  afterEach: (fn) => void vitest.afterEach(fn),
};

/** What the suite's files register with: set while `describeAdapterConformance` registers. */
interface Registration {
  readonly runner: ConformanceRunner;
  readonly timeout: number | undefined;
  /** When set, every test registered is a skipped one, with this reason. */
  readonly skipReason: string | undefined;
}

let registering: Registration | undefined;
let running: ConformanceRunner | undefined;

/** The runner of the test running now, else of the registration under way, else vitest. */
function current(): ConformanceRunner {
  return running ?? registering?.runner ?? vitestRunner;
}

/**
 * Registers the suite's tests with `runner` while `fn` runs (synchronously).
 *
 * @example
 * ```ts
 * registerWith(vitestRunner, 20_000, () => defineCrudTests(harness));
 * ```
 * @internal
 */
export function registerWith(runner: ConformanceRunner, timeout: number | undefined, fn: () => void): void {
  const previous = registering;
  registering = { runner, timeout, skipReason: previous?.skipReason };
  try {
    fn();
  } finally {
    registering = previous;
  }
}

/**
 * Registers the tests `fn` defines as skipped, with `reason` shown.
 *
 * @internal
 */
export function registerSkipped(reason: string, fn: () => void): void {
  const previous = registering;
  registering = { runner: current(), timeout: previous?.timeout, skipReason: reason };
  try {
    fn();
  } finally {
    registering = previous;
  }
}

/** Thrown by {@link ConformanceContext.skip}; the test wrapper turns it into the runner's skip. */
class ConformanceSkip extends Error {
  constructor(readonly reason: string) {
    super(`skipped: ${reason}`);
    this.name = 'ConformanceSkip';
  }
}

/** What a conformance test receives. */
export interface ConformanceContext {
  /** Ends the test as skipped (where the runner can show that), with the reason. Never returns. */
  skip(reason: string): never;
}

/** A test body of the suite. */
export type ConformanceTestBody<A extends unknown[] = []> = (...args: [...A, ConformanceContext]) => Promise<void> | void;

/**
 * Whether `error` is the signal a test throws by calling `context.skip`.
 *
 * @example
 * ```ts
 * if (isConformanceSkip(error)) skipped++;
 * ```
 */
export function isConformanceSkip(error: unknown): error is Error & { readonly reason: string } {
  return error instanceof ConformanceSkip;
}

const skipContext: ConformanceContext = {
  skip(reason) {
    throw new ConformanceSkip(reason);
  },
};

/** `describe` of the runner registering now. @internal */
export function describe(name: string, fn: () => void): void {
  const registration = registering;
  const runner = registration?.runner ?? vitestRunner;
  runner.describe(name, () => {
    const previous = registering;
    registering = registration;
    try {
      fn();
    } finally {
      registering = previous;
    }
  });
}

function register(name: string, body: (context: ConformanceContext) => Promise<void> | void, ownTimeout?: number): void {
  const registration = registering ?? { runner: vitestRunner, timeout: undefined, skipReason: undefined };
  const { runner, skipReason } = registration;
  // A case that needs longer than the suite's timeout (many concurrent writers) asks for it; never shorter.
  const timeout = ownTimeout === undefined ? registration.timeout : Math.max(ownTimeout, registration.timeout ?? 0);
  if (skipReason !== undefined) {
    const skipped = async function skipped() {
      const native = (arguments as unknown as unknown[])[0] as { skip?: (reason: string) => void } | undefined;
      if (typeof native?.skip === 'function') native.skip(skipReason);
    };
    if (runner.it.skip !== undefined) runner.it.skip(name, skipped);
    else runner.it(name, skipped, timeout);
    return;
  }
  const test = async function test() {
    const native = (arguments as unknown as unknown[])[0] as { skip?: (reason: string) => void } | undefined;
    const previous = running;
    running = runner;
    try {
      await body(skipContext);
    } catch (error) {
      if (!isConformanceSkip(error)) throw error;
      if (typeof native?.skip === 'function') native.skip(error.reason);
    } finally {
      running = previous;
    }
  };
  runner.it(name, test, timeout);
}

/** Formats an `it.each` title the way vitest and Jest do for `%s`, `%i`, `%d`, `%j` and `%%`. */
function formatTitle(title: string, args: readonly unknown[]): string {
  let next = 0;
  return title.replace(/%[sidj%]/g, (token) => {
    if (token === '%%') return '%';
    const value = args[next++];
    if (token === '%j') return JSON.stringify(value);
    if (token === '%i') return String(Math.trunc(Number(value)));
    if (token === '%d') return String(Number(value));
    return typeof value === 'string' ? value : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  });
}

/** One test per case of `cases`, titled by formatting `title` with the case. */
interface EachRegistrar {
  <T extends readonly unknown[] | readonly [unknown]>(cases: readonly T[]): (title: string, body: (...args: [...T]) => Promise<void> | void) => void;
  <T>(cases: readonly T[]): (title: string, body: (...args: T[]) => Promise<void> | void) => void;
}

const each: EachRegistrar = (cases: readonly unknown[]) => (title: string, body: (...args: never[]) => Promise<void> | void) => {
  for (const item of cases) {
    const args = (Array.isArray(item) ? item : [item]) as unknown[];
    register(formatTitle(title, args), () => (body as (...all: unknown[]) => Promise<void> | void)(...args));
  }
};

/**
 * `it` of the suite: registers with the runner of the registration under way.
 * `it.each(cases)(title, body)` spreads an array case into the body's arguments, as vitest and Jest do.
 * `options.timeout` lengthens the suite's timeout for one slow case.
 *
 * @internal
 */
export const it = Object.assign(
  (name: string, body: (context: ConformanceContext) => Promise<void> | void, options?: { readonly timeout?: number }) =>
    register(name, body, options?.timeout),
  { each },
);

/** `beforeEach` of the runner registering now. @internal */
export function beforeEach(fn: () => Promise<void>): void {
  (registering?.runner ?? vitestRunner).beforeEach(fn);
}

/** `afterEach` of the runner registering now. @internal */
export function afterEach(fn: () => Promise<void>): void {
  (registering?.runner ?? vitestRunner).afterEach(fn);
}

/**
 * The `expect` of the runner whose test is running (vitest's outside the suite),
 * so the suite's helpers assert with the runner the user chose.
 *
 * @example
 * ```ts
 * expect(await crm.customers.count()).toBe(0);
 * ```
 */
export const expect: ConformanceExpect = Object.assign((actual: unknown, message?: string) => current().expect(actual, message), {
  any: (constructor: unknown) => current().expect.any(constructor),
  arrayContaining: (items: readonly unknown[]) => current().expect.arrayContaining(items),
});

/**
 * Fails the running test with `message` (what `expect.fail` does in vitest).
 *
 * @example
 * ```ts
 * if (outcome.ok) fail('expected an error');
 * ```
 */
export function fail(message: string): never {
  const error = new Error(message);
  error.name = 'AssertionError';
  throw error;
}
