/**
 * `crmkit/sql`: the SQL adapter, over SQLite, PostgreSQL (and PGlite), MySQL
 * and MariaDB through Kysely.
 *
 * @module crmkit/sql
 */
export { sqlAdapter, type SqlAdapter } from './sql-adapter.js';
export type {
  KyselyAdapterOptions,
  MysqlAdapterOptions,
  PostgresAdapterOptions,
  SqlAdapterCommonOptions,
  SqlAdapterOptions,
  SqliteAdapterOptions,
} from './sql-adapter-options.js';
export { sqlDialectNames, type SqlDialectName } from './sql-dialect-name.js';
export {
  columnKinds,
  deriveStorageLayout,
  deriveTableLayout,
  indexedStringCapacity,
  type StorageLayout,
  type ColumnKind,
  type ColumnLayout,
  type ForeignKeyLayout,
  type IndexLayout,
  type TableLayout,
} from './table-layout.js';
export { watchPostgresPool, warnConnectionError, type ConnectionErrorHandler } from './dialects/postgres/watch-postgres-pool.js';
