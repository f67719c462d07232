import type mysql from 'mysql2';

/**
 * The names of every table under a prefix in the MySQL / MariaDB database the
 * pool points at (crmkit's collections, side tables and bookkeeping).
 */
export async function prefixedMysqlTables(pool: mysql.Pool, prefix: string): Promise<string[]> {
  const [rows] = await pool
    .promise()
    .query('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE ?', [`${prefix.replace(/_/g, '\\_')}%`]);
  return (rows as { name: string }[]).map((row) => row.name);
}

/** Drops every table under a prefix (foreign keys off for the while). */
export async function dropMysqlTables(pool: mysql.Pool, prefix: string): Promise<void> {
  const connection = await pool.promise().getConnection();
  try {
    await connection.query('SET FOREIGN_KEY_CHECKS = 0');
    for (const name of await prefixedMysqlTables(pool, prefix)) await connection.query(`DROP TABLE IF EXISTS \`${name}\``);
  } finally {
    await connection.query('SET FOREIGN_KEY_CHECKS = 1');
    connection.release();
  }
}

/**
 * Empties crmkit's collection tables under a prefix, keeping the layout and
 * migration records: the conformance runs on the servers create their tables
 * once per file and empty them after each test, which is many times faster
 * than creating and dropping dozens of tables for each of several hundred tests.
 */
export async function emptyMysqlTables(pool: mysql.Pool, prefix: string): Promise<void> {
  const keep = new Set(['layout', 'migrations', 'migrations_lock'].map((name) => prefix + name));
  const connection = await pool.promise().getConnection();
  try {
    await connection.query('SET FOREIGN_KEY_CHECKS = 0');
    for (const name of await prefixedMysqlTables(pool, prefix)) if (!keep.has(name)) await connection.query(`DELETE FROM \`${name}\``);
  } finally {
    await connection.query('SET FOREIGN_KEY_CHECKS = 1');
    connection.release();
  }
}

/** Anything that runs a parameterised query and gives rows: a `pg.Pool`, a PGlite instance. */
export interface PostgresQueryable {
  query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/**
 * Empties crmkit's tables in a PostgreSQL schema (the server's or PGlite's), keeping the layout and
 * migration records (default prefix `crm_`): as {@link emptyMysqlTables}, one set of tables per
 * conformance file, emptied after each test.
 */
export async function emptyPostgresTables(db: PostgresQueryable, schema: string): Promise<void> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 AND table_name NOT IN ('crm_layout', 'crm_migrations', 'crm_migrations_lock')`,
    [schema],
  );
  if (rows.length > 0) await db.query(`TRUNCATE ${rows.map((row) => `"${schema}"."${row.name}"`).join(', ')}`);
}
