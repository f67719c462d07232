import {
  CompiledQuery,
  Kysely,
  Migrator,
  MysqlAdapter,
  MysqlDialect,
  PostgresAdapter,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  sql as kyselySql,
  type DatabaseConnection,
  type Migration,
  type PostgresPool,
} from 'kysely';
import {
  AdapterError,
  MigrationError,
  type AdapterCapabilities,
  type CrmAdapter,
  type StorageOperations,
  type StorageSchema,
} from '../../src/storage/index.js';
import { CollectionTable } from './collection-table.js';
import { mysqlDialect } from './dialects/mysql/mysql-dialect.js';
import { mysqlSessionSql } from './dialects/mysql/mysql-session.js';
import { warnConnectionError, watchPostgresPool } from './dialects/postgres/watch-postgres-pool.js';
import { defaultSqliteBusyTimeout, retryWhileBusy } from './dialects/sqlite/sqlite-busy-wait.js';
import { postgresDialect } from './dialects/postgres/postgres-dialect.js';
import { sqliteDialect } from './dialects/sqlite/sqlite-dialect.js';
import { cachingInserts } from './dialects/sqlite/statement-cache.js';
import { driverPackages, loadDriver } from './load-driver.js';
import { createHash } from 'node:crypto';
import { planMigration, planStatements, readRecordedLayout, runLayoutMigration } from './layout-migration.js';
import type { SchemaOptions } from './migration-statements.js';
import { deriveStorageLayout, type StorageLayout } from './table-layout.js';
import type { SqlAdapterOptions } from './sql-adapter-options.js';
import type { SqlDialect } from './sql-dialect.js';
import type { SqlDialectName } from './sql-dialect-name.js';
import { kyselyExecutor, wrapDriverError, type SqlExecutor } from './sql-executor.js';
import { sqlOperations } from './sql-operations.js';
import { checkIdentifier } from './table-names.js';

/** The SQL adapter: {@link CrmAdapter} plus migrations and access to its Kysely instance. */
export interface SqlAdapter extends CrmAdapter {
  /** The dialect in use. */
  readonly dialect: SqlDialectName;
  /**
   * Brings the database's tables to the layout the storage schema asks for
   * (the one given, or the one `open()` was last given): plans the append-only
   * difference from the layout recorded in `<prefix>layout` and runs it as one
   * named Kysely migration (Kysely's Migrator, with crmkit's own bookkeeping
   * tables `<prefix>migrations` and `<prefix>migrations_lock`). Idempotent, and
   * safe to run from two processes at once. Returns the names of the migrations
   * applied. A change it cannot make safely is refused with `MigrationError`.
   *
   * @example
   * ```ts
   * const adapter = sqlAdapter({ dialect: 'postgres', connectionString, autoMigrate: false });
   * await adapter.migrate(storageSchema);
   * ```
   */
  migrate(schema?: StorageSchema): Promise<string[]>;
  /**
   * The SQL a migration to the schema's layout would run on this database,
   * without running anything: for review, or for your own migration tool.
   *
   * @example
   * ```ts
   * console.log((await sqlAdapter({ dialect: 'mysql', connectionString }).migrationSql(storageSchema)).join(';\n'));
   * ```
   */
  migrationSql(schema?: StorageSchema): Promise<string[]>;
  /**
   * The tables as opened: each collection's table, columns, indexes and
   * foreign keys (what `<prefix>layout` records), for hosts that query them.
   *
   * @example
   * ```ts
   * adapter.layout().tables.find((t) => t.collection === 'customers')!.columns;
   * ```
   */
  layout(): StorageLayout;
  /**
   * The Kysely instance crmkit runs on (created on first use).
   *
   * @example
   * ```ts
   * const db = await adapter.kysely();
   * ```
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  kysely(): Promise<Kysely<any>>;
}

const dialects: Record<SqlDialectName, SqlDialect> = { sqlite: sqliteDialect, postgres: postgresDialect, mysql: mysqlDialect };


/**
 * Stores crmkit in a relational database through Kysely: SQLite (better-sqlite3)
 * embedded by default, PostgreSQL (or PGlite) and MySQL / MariaDB for scale, or
 * your own Kysely instance. Drivers are optional peer dependencies loaded on
 * first use. See `docs/sql.md` for the table layout and semantics.
 *
 * @example
 * ```ts
 * import { createCrm } from 'crmkit';
 * import { sqlAdapter } from 'crmkit/sql';
 *
 * const crm = await createCrm({ adapter: sqlAdapter({ dialect: 'sqlite', filename: 'crm.db' }) });
 * const pg = sqlAdapter({ dialect: 'postgres', connectionString: process.env.DATABASE_URL, schema: 'crm' });
 * const mine = sqlAdapter({ db: myKysely, tablePrefix: 'crm_' });
 * ```
 */
export function sqlAdapter(options: SqlAdapterOptions): SqlAdapter {
  const prefix = options.tablePrefix ?? 'crm_';
  checkIdentifier(prefix, 'tablePrefix', true);
  const schemaName = 'schema' in options ? options.schema : undefined;
  if (schemaName !== undefined) checkIdentifier(schemaName, 'schema');
  const dialectName: SqlDialectName | undefined = 'db' in options ? options.dialect ?? detectDialect(options.db) : options.dialect;
  if (dialectName === undefined || !(dialectName in dialects)) {
    throw new AdapterError(`sqlAdapter needs dialect 'sqlite', 'postgres' or 'mysql', or a Kysely instance as db`);
  }
  if (schemaName !== undefined && dialectName !== 'postgres') throw new AdapterError('schema is only available on PostgreSQL');
  const dialect = dialects[dialectName];
  const schemaOptions: SchemaOptions = { prefix, schema: schemaName, foreignKeys: options.foreignKeys ?? true };
  const owned = !('db' in options) && !('pool' in options && options.pool !== undefined);
  const persistent = !(options.dialect === 'sqlite' && 'filename' in options && options.filename === ':memory:');
  const capabilities: AdapterCapabilities = { transactions: true, aggregate: true, scan: true, persistent, keysetAfter: true, calendarBuckets: true, relatedFilters: true };
  const busyTimeout = checkBusyTimeout('busyTimeout' in options ? options.busyTimeout : undefined);
  /** Opens a transaction: `BEGIN IMMEDIATE` with an asynchronous busy wait on SQLite, Kysely's own elsewhere. */
  const onConnectionError = options.onConnectionError ?? warnConnectionError;
  let unwatch: (() => void) | undefined;
  // A host's Kysely on MySQL: crmkit cannot reach its connections as they are made, so each write transaction sets the mode.
  const sessionPerTransaction = dialectName === 'mysql' && 'db' in options;
  const transact = <T>(db: Kysely<unknown>, fn: (trx: Kysely<unknown>) => Promise<T>): Promise<T> => {
    if (dialectName === 'sqlite') return runSqliteTransaction(db, busyTimeout, fn);
    if (!sessionPerTransaction) return runTransaction(db, dialect, fn);
    return runTransaction(db, dialect, async (trx) => {
      await trx.executeQuery(CompiledQuery.raw(mysqlSessionSql));
      return fn(trx);
    });
  };
  /** Statements outside a transaction: on SQLite, each waits (asynchronously) while another connection holds the lock. */
  const rootExecutor = (db: Kysely<unknown>): SqlExecutor => {
    const exec = kyselyExecutor(db, dialect);
    if (dialectName !== 'sqlite') return exec;
    return {
      run: (fragment) => retryWhileBusy(() => exec.run(fragment), busyTimeout, 'running a statement'),
      runCompiled: (compiled) => retryWhileBusy(() => exec.runCompiled(compiled), busyTimeout, 'running a statement'),
    };
  };

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let dbPromise: Promise<Kysely<any>> | undefined;
  let tables: Map<string, CollectionTable> | undefined;
  let closed = false;

  const kysely = () =>
    (dbPromise ??= createKysely(options, dialectName, (pool) => (unwatch = watchPostgresPool(pool, onConnectionError))).then((db) =>
      db.withoutPlugins(),
    ));
  const table = (collection: string): CollectionTable => {
    if (closed) throw new AdapterError('the sql adapter is closed');
    const found = tables?.get(collection);
    if (found === undefined) {
      throw new AdapterError(tables === undefined ? 'open the sql adapter (createCrm does) first' : `unknown collection ${JSON.stringify(collection)}`);
    }
    return found;
  };
  const opened = (): Kysely<unknown> => {
    if (closed) throw new AdapterError('the sql adapter is closed');
    if (resolvedDb === undefined) throw new AdapterError('open the sql adapter (createCrm does) first');
    return resolvedDb;
  };
  let resolvedDb: Kysely<unknown> | undefined;
  let openedLayout: StorageLayout | undefined;

  let lastSchema: StorageSchema | undefined;
  const wantedLayout = (schema: StorageSchema | undefined): StorageLayout => {
    const chosen = schema ?? lastSchema;
    if (chosen === undefined) throw new AdapterError('pass the storage schema, or open the adapter (createCrm does) first');
    return deriveStorageLayout(chosen);
  };
  const executedMigrations = async (db: Kysely<unknown>): Promise<string[]> => {
    const table = `${schemaName === undefined ? '' : `${dialect.quote(schemaName)}.`}${dialect.quote(`${prefix}migrations`)}`;
    try {
      const { rows } = await db.executeQuery(CompiledQuery.raw(`SELECT ${dialect.quote('name')} AS name FROM ${table} ORDER BY ${dialect.quote('name')}`));
      return rows.map((row) => (row as { name: string }).name);
    } catch {
      return []; // no migrations table yet
    }
  };
  const migrator = (db: Kysely<unknown>, executed: readonly string[], next: { name: string; wanted: StorageLayout } | undefined) =>
    new Migrator({
      db,
      provider: {
        getMigrations: async () => {
          const migrations: Record<string, Migration> = {};
          // Migrations already applied are recorded by name; their effect is in the recorded layout.
          for (const name of executed) migrations[name] = { up: async () => {} };
          if (next !== undefined) migrations[next.name] = { up: (trx) => runLayoutMigration(trx, dialect, schemaOptions, next.wanted, next.name) };
          return migrations;
        },
      },
      allowUnorderedMigrations: true,
      migrationTableName: `${prefix}migrations`,
      migrationLockTableName: `${prefix}migrations_lock`,
      ...(schemaName === undefined ? {} : { migrationTableSchema: schemaName }),
    });

  /** The migration the database needs to reach `wanted`, or none: named by its number and the layout it leads to. */
  const pendingMigration = async (db: Kysely<unknown>, wanted: StorageLayout) => {
    const plan = await planMigration(db, dialect, schemaOptions, wanted);
    const executed = await executedMigrations(db);
    if (plan.steps.length === 0 && plan.recorded) return { executed, next: undefined, plan };
    const hash = createHash('sha256').update(JSON.stringify(plan.layout)).digest('hex').slice(0, 10);
    return { executed, next: { name: `${String(executed.length + 1).padStart(4, '0')}_layout_${hash}`, wanted }, plan };
  };

  const migrate = async (schema?: StorageSchema): Promise<string[]> => {
    const wanted = wantedLayout(schema);
    const db = await kysely();
    for (let attempt = 1; ; attempt++) {
      const { executed, next } = await pendingMigration(db, wanted);
      if (next === undefined) return [];
      const { error, results } = await migrator(db, executed, next).migrateToLatest();
      if (error === undefined) return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
      if (error instanceof MigrationError) throw error;
      const message = String((error as Error)?.message ?? error);
      // Another process migrated between the plan and the lock: plan again.
      const raced = /corrupted migrations|SQLITE_BUSY|locked|duplicate|already exists/i.test(message);
      if (!raced || attempt >= 20) throw new AdapterError(`migrating the ${dialectName} database failed`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  };

  const rootOperations = (): StorageOperations => {
    const db = opened();
    return sqlOperations({
      dialect,
      table,
      exec: rootExecutor(db),
      atomic: (fn) => transact(db, (trx) => fn(kyselyExecutor(trx, dialect))),
    });
  };
  let root: StorageOperations | undefined;
  const ops = () => (root ??= rootOperations());

  return {
    name: `sql:${dialectName}`,
    dialect: dialectName,
    capabilities,
    async open(storageSchema: StorageSchema) {
      const db = await kysely();
      if (dialectName === 'sqlite' && !('db' in options)) {
        await kyselySql.raw('PRAGMA foreign_keys = ON').execute(db);
        if (persistent) {
          await retryWhileBusy(() => kyselySql.raw('PRAGMA journal_mode = WAL').execute(db), busyTimeout, 'switching to WAL');
        }
      }
      lastSchema = storageSchema;
      const wanted = deriveStorageLayout(storageSchema);
      if (options.autoMigrate ?? true) await migrate(storageSchema);
      else {
        const { next, plan } = await pendingMigration(db, wanted);
        if (next !== undefined) {
          throw new MigrationError('migration_pending', `the ${dialectName} database needs the migration ${next.name} (${plan.steps.length} steps): call adapter.migrate()`);
        }
      }
      const recorded = (await readRecordedLayout(db, dialect, schemaOptions, wanted)).layout;
      const opening = new Map<string, CollectionTable>();
      for (const collection of Object.values(storageSchema.collections)) {
        const layout = recorded.tables.find((t) => t.collection === collection.name);
        if (layout === undefined) throw new AdapterError(`the table of ${JSON.stringify(collection.name)} is missing: call adapter.migrate()`);
        opening.set(collection.name, new CollectionTable(dialect, schemaOptions, collection, layout));
      }
      for (const table of opening.values()) table.linkSiblings(opening);
      tables = opening;
      openedLayout = recorded;
      resolvedDb = db;
    },
    async close() {
      if (closed) return;
      closed = true;
      unwatch?.();
      if (owned && dbPromise !== undefined) await (await dbPromise).destroy();
    },
    migrate,
    async migrationSql(schema?: StorageSchema) {
      const wanted = wantedLayout(schema);
      const plan = await planMigration(await kysely(), dialect, schemaOptions, wanted);
      return plan.steps.length === 0 && plan.recorded ? [] : planStatements(dialect, schemaOptions, plan);
    },
    kysely,
    layout() {
      if (openedLayout === undefined) throw new AdapterError('open the sql adapter (createCrm does) first');
      return openedLayout;
    },
    insertMany: (collection, records) => ops().insertMany(collection, records),
    getMany: (collection, ids, getOptions) => ops().getMany(collection, ids, getOptions),
    updateMany: (collection, writes) => ops().updateMany(collection, writes),
    deleteMany: (collection, deletes) => ops().deleteMany(collection, deletes),
    find: (collection, query) => ops().find(collection, query),
    count: (collection, filter) => ops().count(collection, filter),
    scan: (collection, query, batchSize) => ops().scan!(collection, query, batchSize),
    aggregate: (collection, query) => ops().aggregate!(collection, query),
    transaction<T>(fn: (tx: StorageOperations) => Promise<T>): Promise<T> {
      const db = opened();
      return transact(db, async (trx) => {
        let active = true;
        const exec = kyselyExecutor(trx, dialect);
        const guarded = {
          run: (fragment: Parameters<typeof exec.run>[0]) => {
            if (!active) throw new AdapterError('this transaction has ended');
            return exec.run(fragment);
          },
          runCompiled: (compiled: Parameters<typeof exec.runCompiled>[0]) => {
            if (!active) throw new AdapterError('this transaction has ended');
            return exec.runCompiled(compiled);
          },
        };
        try {
          return await fn(sqlOperations({ dialect, table, exec: guarded, atomic: (inner) => inner(guarded) }));
        } finally {
          active = false;
        }
      });
    },
  };
}

/** How long a transaction the database chose as a deadlock victim is run again. */
const deadlockRetryWindowMs = 10_000;

/**
 * Runs `fn` in a transaction. When the database aborts it as a deadlock victim
 * or a serialization failure (MariaDB/MySQL 1213, PostgreSQL 40P01 and 40001:
 * nothing of it committed), it runs `fn` again in a new transaction, with a
 * short random pause, for up to 10 s; the core's write paths read inside the
 * transaction, so a re-run sees the winner's commit.
 */
async function runTransaction<T>(db: Kysely<unknown>, dialect: SqlDialect, fn: (trx: Kysely<unknown>) => Promise<T>): Promise<T> {
  const deadline = performance.now() + deadlockRetryWindowMs;
  for (let attempt = 1; ; attempt++) {
    let failure: { error: unknown } | undefined;
    try {
      return await db.transaction().execute(async (trx) => {
        try {
          return await fn(trx);
        } catch (error) {
          failure = { error };
          throw error;
        }
      });
    } catch (error) {
      if (isDeadlockVictim(error) && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 ** attempt)));
        continue;
      }
      if (failure !== undefined && failure.error === error) throw error; // the caller's own error, rolled back
      throw wrapDriverError(error, dialect);
    }
  }
}

/** Whether `error` (or the driver error it wraps) says the database rolled the transaction back to break a deadlock. */
function isDeadlockVictim(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    const { code, errno } = current as { code?: unknown; errno?: unknown };
    if (errno === 1213 || code === 'ER_LOCK_DEADLOCK' || code === '40P01' || code === '40001') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * A SQLite write transaction that waits its turn without blocking the event loop:
 * `BEGIN IMMEDIATE` takes the write lock up front (so a read inside the transaction
 * is never upgraded to a write that fails with `SQLITE_BUSY_SNAPSHOT`), and when
 * another connection or process holds it, the connection is released and the
 * BEGIN tried again after a timer, until `busyTimeout` ms have passed. `fn` runs
 * once, after the lock is held; its own error rolls back and comes out as it is.
 */
async function runSqliteTransaction<T>(db: Kysely<unknown>, busyTimeout: number, fn: (trx: Kysely<unknown>) => Promise<T>): Promise<T> {
  const outcome = await retryWhileBusy(
    () =>
      db.connection().execute(async (connection): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> => {
        await connection.executeQuery(CompiledQuery.raw('BEGIN IMMEDIATE'));
        try {
          const value = await fn(connection);
          // With a rollback journal (a host's database), COMMIT waits for readers; the transaction stays open meanwhile.
          await retryWhileBusy(() => connection.executeQuery(CompiledQuery.raw('COMMIT')), busyTimeout, 'committing').catch((error) => {
            throw wrapDriverError(error, sqliteDialect);
          });
          return { ok: true, value };
        } catch (error) {
          // After some errors SQLite has already rolled back: "no transaction is active" is the only failure expected here.
          await connection.executeQuery(CompiledQuery.raw('ROLLBACK')).catch(() => undefined);
          return { ok: false, error };
        }
      }),
    busyTimeout,
    'starting a write transaction',
  ).catch((error) => {
    throw wrapDriverError(error, sqliteDialect);
  });
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

function checkBusyTimeout(value: number | undefined): number {
  if (value === undefined) return defaultSqliteBusyTimeout;
  if (!Number.isFinite(value) || value < 0) throw new AdapterError(`busyTimeout must be a number of milliseconds >= 0, not ${value}`);
  return value;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function detectDialect(db: Kysely<any>): SqlDialectName | undefined {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return 'postgres';
  if (adapter instanceof MysqlAdapter) return 'mysql';
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  return undefined;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function createKysely(options: SqlAdapterOptions, dialect: SqlDialectName, watch: (pool: PostgresPool) => void): Promise<Kysely<any>> {
  if ('db' in options) return options.db;
  switch (options.dialect) {
    case 'sqlite': {
      if (typeof options.filename !== 'string' || options.filename === '') throw new AdapterError('the sqlite dialect needs a filename');
      const Database = await loadDriver(driverPackages.sqlite, async () => (await import('better-sqlite3')).default, dialect);
      let database;
      try {
        // No synchronous busy wait in the driver (it would freeze the event loop): crmkit waits with timers.
        database = new Database(options.filename, { timeout: 0 });
      } catch (cause) {
        throw new AdapterError(`cannot open the SQLite database ${JSON.stringify(options.filename)}`, { cause });
      }
      return new Kysely({ dialect: new SqliteDialect({ database: cachingInserts(database) }) });
    }
    case 'postgres': {
      const pool = options.pool ?? (await postgresPool(options.connectionString, options.poolSize, dialect));
      watch(pool);
      return new Kysely({ dialect: new PostgresDialect({ pool }) });
    }
    case 'mysql': {
      const pool = options.pool ?? (await mysqlPool(options.connectionString, options.poolSize, dialect));
      // Every connection, the host's pool's too, gets the session mode on its first use by crmkit.
      const onCreateConnection = async (connection: DatabaseConnection) => void (await connection.executeQuery(CompiledQuery.raw(mysqlSessionSql)));
      return new Kysely({ dialect: new MysqlDialect({ pool, onCreateConnection }) });
    }
  }
}

async function postgresPool(connectionString: string | undefined, size: number | undefined, dialect: SqlDialectName) {
  if (connectionString === undefined) throw new AdapterError('the postgres dialect needs a connectionString or a pool');
  const pg = await loadDriver(driverPackages.postgres, async () => (await import('pg')).default, dialect);
  return new pg.Pool({ connectionString, max: size ?? 10 });
}

async function mysqlPool(connectionString: string | undefined, size: number | undefined, dialect: SqlDialectName) {
  if (connectionString === undefined) throw new AdapterError('the mysql dialect needs a connectionString or a pool');
  const mysql = await loadDriver(driverPackages.mysql, async () => (await import('mysql2')).default, dialect);
  return mysql.createPool({ uri: connectionString, connectionLimit: size ?? 10, charset: 'utf8mb4_bin' });
}
