import pg from 'pg';
import { afterAll } from 'vitest';
import { sqlAdapter } from 'crmkit/sql';
import { describeAdapterConformance } from 'crmkit/testing';
import { serverUrl, uniqueName } from './server-url.js';

const url = serverUrl('CRMKIT_TEST_POSTGRES_URL', 'PostgreSQL');
if (url !== undefined) {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  // One schema for this file: migrated by the first test, emptied after each.
  const schema = uniqueName('crmkit_t_');
  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });
  describeAdapterConformance({
    name: 'sql postgres',
    createAdapter: () => sqlAdapter({ dialect: 'postgres', pool, schema, tablePrefix: 'crm_' }),
    destroyAdapter: async () => {
      const { rows } = await pool.query<{ name: string }>(
        `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 AND table_name NOT IN ('crm_layout', 'crm_migrations', 'crm_migrations_lock')`,
        [schema],
      );
      if (rows.length > 0) await pool.query(`TRUNCATE ${rows.map((row) => `"${schema}"."${row.name}"`).join(', ')}`);
    },
  });
}
