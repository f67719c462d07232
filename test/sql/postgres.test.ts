import pg from 'pg';
import { afterAll } from 'vitest';
import { sqlAdapter } from 'crmkit/sql';
import { describeAdapterConformance } from 'crmkit/testing';
import { emptyPostgresTables } from './clear-tables.js';
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
    destroyAdapter: () => emptyPostgresTables(pool, schema),
  });
}
