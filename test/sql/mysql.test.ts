import mysql from 'mysql2';
import { afterAll } from 'vitest';
import { sqlAdapter } from 'crmkit/sql';
import { dropSchemaStatements } from '../../adapters/sql/migration-statements.js';
import { mysqlDialect } from '../../adapters/sql/dialects/mysql/mysql-dialect.js';
import { describeAdapterConformance } from 'crmkit/testing';
import { crmkitTableNames } from './clear-tables.js';
import { serverUrl, uniqueName } from './server-url.js';

const url = serverUrl('CRMKIT_TEST_MYSQL_URL', 'MariaDB / MySQL');
if (url !== undefined) {
  const pool = mysql.createPool({ uri: url, connectionLimit: 4, charset: 'utf8mb4_bin' });
  // One set of tables for this file: migrated by the first test, emptied after each.
  const tablePrefix = `${uniqueName('t')}_`;
  const tables = crmkitTableNames((name) => `\`${name}\``, tablePrefix);
  afterAll(async () => {
    for (const statement of dropSchemaStatements(mysqlDialect, { prefix: tablePrefix })) await pool.promise().query(statement);
    await new Promise<void>((resolve) => pool.end(() => resolve()));
  });
  describeAdapterConformance({
    name: 'sql mysql',
    createAdapter: () => sqlAdapter({ dialect: 'mysql', pool, tablePrefix }),
    destroyAdapter: async () => {
      const connection = await pool.promise().getConnection();
      try {
        await connection.query('SET FOREIGN_KEY_CHECKS = 0');
        for (const table of tables) await connection.query(`DELETE FROM ${table}`);
      } finally {
        await connection.query('SET FOREIGN_KEY_CHECKS = 1');
        connection.release();
      }
    },
  });
}
