import mysql from 'mysql2';
import { afterAll } from 'vitest';
import { dropSchemaStatements, sqlAdapter, type SqlAdapter } from 'crmkit/sql';
import { mysqlDialect } from '../../adapters/sql/dialects/mysql/mysql-dialect.js';
import { describeAdapterConformance } from 'crmkit/testing';
import { serverUrl, uniqueName } from './server-url.js';

const url = serverUrl('CRMKIT_TEST_MYSQL_URL', 'MariaDB / MySQL');
if (url !== undefined) {
  const pool = mysql.createPool({ uri: url, connectionLimit: 4, charset: 'utf8mb4_bin' });
  afterAll(() => new Promise<void>((resolve) => pool.end(() => resolve())));
  const prefixes = new WeakMap<object, string>();
  describeAdapterConformance({
    name: 'sql mysql',
    createAdapter: () => {
      const tablePrefix = uniqueName('t') + '_';
      const adapter = sqlAdapter({ dialect: 'mysql', pool, tablePrefix });
      prefixes.set(adapter, tablePrefix);
      return adapter;
    },
    destroyAdapter: async (adapter) => {
      const prefix = prefixes.get(adapter as SqlAdapter)!;
      for (const statement of dropSchemaStatements(mysqlDialect, { prefix })) await pool.promise().query(statement);
    },
  });
}
