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
