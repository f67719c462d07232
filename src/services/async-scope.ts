/**
 * A value that follows an asynchronous call chain: set for the length of
 * {@link AsyncScope.run}, visible to everything that call awaits or starts, and
 * to nothing else. crmkit uses one per crm so that `crm.customers.create(...)`
 * called inside `crm.transaction(...)` joins the open transaction instead of
 * waiting for it to end (which it never would).
 *
 * Backed by `AsyncLocalStorage` where the runtime has one (Node, Bun, Deno,
 * edge runtimes with Node compatibility). Elsewhere (a plain browser) the scope
 * is {@link AsyncScope.tracking | not tracking}: `current()` is always
 * `undefined`, and calls inside a transaction behave as calls from outside it.
 *
 * @example
 * ```ts
 * const scope = asyncScope<string>();
 * await scope.run('tx-1', async () => {
 *   await Promise.resolve();
 *   scope.current(); // 'tx-1'
 * });
 * scope.current(); // undefined
 * ```
 */
export interface AsyncScope<T> {
  /** The value of the innermost enclosing {@link run}, or `undefined` outside one. */
  current(): T | undefined;
  /** Runs `fn` with `value` as the current value of this scope. */
  run<R>(value: T, fn: () => R): R;
  /** False where the runtime offers no async context; `current()` is then always `undefined`. */
  readonly tracking: boolean;
}

interface AsyncLocalStorageLike<T> {
  getStore(): T | undefined;
  run<R>(store: T, fn: () => R): R;
}

type AsyncLocalStorageConstructor = new <T>() => AsyncLocalStorageLike<T>;

/** `AsyncLocalStorage` without a static import, so browser bundles never see `node:async_hooks`. */
function findAsyncLocalStorage(): AsyncLocalStorageConstructor | undefined {
  const host = globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } };
  try {
    const hooks = host.process?.getBuiltinModule?.('node:async_hooks') as { AsyncLocalStorage?: AsyncLocalStorageConstructor } | undefined;
    return hooks?.AsyncLocalStorage;
  } catch {
    return undefined;
  }
}

/**
 * Makes an {@link AsyncScope}.
 *
 * @example
 * ```ts
 * const scope = asyncScope<{ depth: number }>();
 * scope.run({ depth: 1 }, () => scope.current()?.depth); // 1
 * ```
 */
export function asyncScope<T>(): AsyncScope<T> {
  const Storage = findAsyncLocalStorage();
  if (Storage === undefined) {
    return { current: () => undefined, run: (_value, fn) => fn(), tracking: false };
  }
  const storage = new Storage<T>();
  return { current: () => storage.getStore(), run: (value, fn) => storage.run(value, fn), tracking: true };
}
