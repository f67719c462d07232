import mysql from 'mysql2';
import { afterAll } from 'vitest';
import { sqlAdapter } from 'crmkit/sql';
import { describeAdapterConformance } from 'crmkit/testing';
import { dropMysqlTables, emptyMysqlTables } from './clear-tables.js';
import { serverUrl, uniqueName } from './server-url.js';

const url = serverUrl('CRMKIT_TEST_MYSQL_URL', 'MariaDB / MySQL');
if (url !== undefined) {
  const pool = mysql.createPool({ uri: url, connectionLimit: 4, charset: 'utf8mb4_bin' });
  // One set of tables for this file: migrated by the first test, emptied after each.
  const tablePrefix = `${uniqueName('t')}_`;
  afterAll(async () => {
    await dropMysqlTables(pool, tablePrefix);
    await new Promise<void>((resolve) => pool.end(() => resolve()));
  });
  describeAdapterConformance({
    name: 'sql mysql',
    createAdapter: () => sqlAdapter({ dialect: 'mysql', pool, tablePrefix }),
    destroyAdapter: () => emptyMysqlTables(pool, tablePrefix),
  });
}
