import { CompiledQuery, type Kysely } from 'kysely';
import { AdapterError, isCrmError } from '../../src/storage/index.js';
import type { CompiledSql, SqlDialect } from './sql-dialect.js';
import type { SqlFragment } from './sql-fragment.js';

/** What a statement gave back: its rows and how many rows it changed. */
export interface QueryOutput {
  /** The rows, for statements that return any. */
  readonly rows: readonly Record<string, unknown>[];
  /** Rows inserted, updated or deleted. */
  readonly affected: number;
}

/** Runs crmkit's statements on one Kysely instance or transaction. */
export interface SqlExecutor {
  /** Compiles and runs a fragment. */
  run(fragment: SqlFragment): Promise<QueryOutput>;
  /** Runs SQL already compiled for the dialect. */
  runCompiled(compiled: CompiledSql): Promise<QueryOutput>;
}

/**
 * An executor over a Kysely instance or transaction. Statements go through
 * `executeQuery` as compiled SQL with bound parameters; driver errors come
 * out as `AdapterError` with the driver's error as `cause`.
 *
 * @example
 * ```ts
 * const exec = kyselyExecutor(db.withoutPlugins(), sqliteDialect);
 * await exec.run(sqlText('SELECT 1'));
 * ```
 */
export function kyselyExecutor(db: Pick<Kysely<unknown>, 'executeQuery'>, dialect: SqlDialect): SqlExecutor {
  const runCompiled = async ({ sql, parameters }: CompiledSql): Promise<QueryOutput> => {
    try {
      const result = await db.executeQuery(CompiledQuery.raw(sql, [...parameters]));
      return { rows: result.rows as Record<string, unknown>[], affected: Number(result.numAffectedRows ?? 0n) };
    } catch (error) {
      throw wrapDriverError(error, dialect);
    }
  };
  return { runCompiled, run: (fragment) => runCompiled(dialect.compile(fragment)) };
}

/**
 * Wraps a driver's error in `AdapterError` (crmkit's own errors pass through).
 *
 * @example
 * ```ts
 * throw wrapDriverError(error, postgresDialect);
 * ```
 */
export function wrapDriverError(error: unknown, dialect: SqlDialect): Error {
  if (isCrmError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AdapterError(`${dialect.name}: ${message}`, { cause: error });
}
