import type { PostgresPool } from 'kysely';
import { AdapterError } from '../../../../src/storage/index.js';

/** What a lost connection is reported to: `onConnectionError` of the adapter's options. */
export type ConnectionErrorHandler = (error: AdapterError) => void;

interface EventSource {
  on?(event: string, listener: (...args: never[]) => void): unknown;
}

interface PoolWatch {
  readonly handlers: Set<ConnectionErrorHandler>;
}

const watches = new WeakMap<object, PoolWatch>();
const watchedClients = new WeakSet<object>();

/**
 * Keeps a lost PostgreSQL connection from crashing the process. `pg` emits an
 * `error` event when the server ends a connection (a restart, an idle timeout,
 * `pg_terminate_backend`); with no listener, Node throws it as an uncaught
 * exception. This listens on the pool (an idle client is lost: the pool drops it)
 * and on every client it hands out (a client checked out, for instance inside a
 * transaction, is lost: the statement running or the next one fails with an
 * `AdapterError`, and the pool drops the client when it is released), and
 * reports each loss to `onError`. One listener per pool and per client, however
 * many adapters share the pool. Returns a function that stops reporting to
 * `onError` (the listeners stay, harmless).
 *
 * `sqlAdapter` does this itself for the pool it makes and for `{ pool }`; call it
 * for the pool under a Kysely instance you pass as `{ db }`.
 *
 * @example
 * ```ts
 * const pool = new pg.Pool({ connectionString });
 * watchPostgresPool(pool, (error) => log.warn(error.message));
 * const adapter = sqlAdapter({ db: new Kysely({ dialect: new PostgresDialect({ pool }) }) });
 * ```
 */
export function watchPostgresPool(pool: PostgresPool, onError: ConnectionErrorHandler): () => void {
  let watch = watches.get(pool);
  if (watch === undefined) {
    const created: PoolWatch = { handlers: new Set() };
    watch = created;
    watches.set(pool, created);
    const report = (what: string) => (cause: unknown) => {
      const error = new AdapterError(`postgres: ${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
      for (const handler of created.handlers) handler(error);
    };
    const source = pool as unknown as EventSource;
    source.on?.('error', report('an idle pooled connection was lost (the pool dropped it)'));
    const watchClient = (client: unknown) => {
      if (typeof client !== 'object' || client === null || watchedClients.has(client)) return;
      watchedClients.add(client);
      (client as EventSource).on?.('error', report('a connection in use was lost (it is dropped when released)'));
    };
    source.on?.('connect', watchClient);
    source.on?.('acquire', watchClient);
  }
  const handlers = watch.handlers;
  handlers.add(onError);
  return () => void handlers.delete(onError);
}

/**
 * The default `onConnectionError`: a warning on the console, so that a lost
 * connection is never silent.
 *
 * @example
 * ```ts
 * watchPostgresPool(pool, warnConnectionError);
 * ```
 */
export function warnConnectionError(error: AdapterError): void {
  console.warn(`crmkit/sql: ${error.message}`);
}
