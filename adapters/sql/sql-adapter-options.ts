import type { Kysely, MysqlPool, PostgresPool } from 'kysely';
import type { AdapterError } from '../../src/storage/index.js';
import type { SqlDialectName } from './sql-dialect-name.js';

/** Options every form of {@link sqlAdapter} takes. */
export interface SqlAdapterCommonOptions {
  /** Prepended to every table and index name. Letters, digits and `_`. Default `crm_`. */
  readonly tablePrefix?: string;
  /**
   * Run pending migrations when `createCrm` opens the adapter (default `true`).
   * With `false`, call `adapter.migrate()` yourself (or apply `adapter.migrationSql()`);
   * opening fails with an `AdapterError` while migrations are pending.
   */
  readonly autoMigrate?: boolean;
  /** Declare foreign keys where the layout has them (default `true`). See `docs/sql.md`. */
  readonly foreignKeys?: boolean;
  /**
   * Told when the database ends a pooled connection (PostgreSQL: a server restart,
   * an idle timeout, `pg_terminate_backend`). The pool drops the connection and the
   * next call opens a new one; a call that was using it fails with an
   * `AdapterError` and writes nothing. Default: a `console.warn`. See `docs/sql.md`.
   */
  readonly onConnectionError?: (error: AdapterError) => void;
}

/** The embedded default: a SQLite file through better-sqlite3. */
export interface SqliteAdapterOptions extends SqlAdapterCommonOptions {
  readonly dialect: 'sqlite';
  /** The database file, or `:memory:`. */
  readonly filename: string;
  /**
   * How long (ms) a write waits while another connection or process holds the
   * database's write lock, before it fails with an `AdapterError` (default 5,000).
   * The wait never blocks the event loop: write transactions start with
   * `BEGIN IMMEDIATE` and are tried again after short timers. See `docs/sql.md`.
   */
  readonly busyTimeout?: number;
}

/** PostgreSQL through `pg`: a connection string (crmkit owns the pool) or your pool (crmkit never ends it). */
export interface PostgresAdapterOptions extends SqlAdapterCommonOptions {
  readonly dialect: 'postgres';
  /** For example `postgres://user@host:5432/db`. */
  readonly connectionString?: string;
  /** A `pg.Pool` of yours. */
  readonly pool?: PostgresPool;
  /** The schema to keep the tables in (created if missing); default the search path. */
  readonly schema?: string;
  /** Connections in the pool crmkit makes (default 10). */
  readonly poolSize?: number;
}

/** MySQL or MariaDB through `mysql2`: a connection string (crmkit owns the pool) or your pool. */
export interface MysqlAdapterOptions extends SqlAdapterCommonOptions {
  readonly dialect: 'mysql';
  /** For example `mysql://user@host:3306/db`. */
  readonly connectionString?: string;
  /** A `mysql2` (callback API) pool of yours. */
  readonly pool?: MysqlPool;
  /** Connections in the pool crmkit makes (default 10). */
  readonly poolSize?: number;
}

/**
 * Your own Kysely instance (PGlite goes this way too). crmkit never destroys
 * it and runs without its plugins; the dialect is detected from its adapter
 * unless given.
 */
export interface KyselyAdapterOptions extends SqlAdapterCommonOptions {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db: Kysely<any>;
  /** The dialect, when detection from the Kysely adapter is not enough. */
  readonly dialect?: SqlDialectName;
  /** On PostgreSQL, the schema to keep the tables in. */
  readonly schema?: string;
  /**
   * On SQLite, how long (ms) a write waits for another connection's write lock (default 5,000);
   * see {@link SqliteAdapterOptions.busyTimeout}. Your database's own busy timeout applies
   * too, and better-sqlite3 waits synchronously for it: open it with `{ timeout: 0 }`.
   */
  readonly busyTimeout?: number;
}

/** What {@link sqlAdapter} accepts. */
export type SqlAdapterOptions = SqliteAdapterOptions | PostgresAdapterOptions | MysqlAdapterOptions | KyselyAdapterOptions;
