import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** How many prepared INSERT statements a database keeps (insert shapes are few: a chunk size per table). */
const defaultCapacity = 64;

/**
 * Wraps a better-sqlite3 database so that `INSERT` statements are prepared once
 * per SQL text and reused. Kysely's SQLite driver prepares every statement anew,
 * and preparing crmkit's 1000-row multi-row INSERT costs about as much as
 * running it. Only INSERTs are cached: they run to completion in one call
 * (`run`, or `all` with `RETURNING`), so a cached statement is never busy
 * when it is used again; SELECTs, which a host may stream with `iterate`
 * through `adapter.kysely()`, are prepared fresh as before. Transactions are
 * unaffected: a statement runs on the one connection inside whatever
 * transaction is open. The oldest statement is dropped beyond `capacity`.
 *
 * @example
 * ```ts
 * new Kysely({ dialect: new SqliteDialect({ database: cachingInserts(new Database('crm.db')) }) });
 * ```
 */
export function cachingInserts(database: SqliteDatabase, capacity = defaultCapacity): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => {
      statements.clear();
      database.close();
    },
    prepare(sql: string): SqliteStatement {
      if (!/^\s*INSERT\s/i.test(sql)) return database.prepare(sql);
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        if (statements.size >= capacity) statements.delete(statements.keys().next().value!);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
