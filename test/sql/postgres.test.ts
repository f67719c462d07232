import pg from 'pg';
import { afterAll } from 'vitest';
import { sqlAdapter, type SqlAdapter } from 'crmkit/sql';
import { describeAdapterConformance } from 'crmkit/testing';
import { serverUrl, uniqueName } from './server-url.js';

const url = serverUrl('CRMKIT_TEST_POSTGRES_URL', 'PostgreSQL');
if (url !== undefined) {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  afterAll(() => pool.end());
  const schemas = new WeakMap<object, string>();
  describeAdapterConformance({
    name: 'sql postgres',
    createAdapter: () => {
      const schema = uniqueName('crmkit_t_');
      const adapter = sqlAdapter({ dialect: 'postgres', pool, schema });
      schemas.set(adapter, schema);
      return adapter;
    },
    destroyAdapter: async (adapter) => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schemas.get(adapter as SqlAdapter)}" CASCADE`);
    },
  });
}
