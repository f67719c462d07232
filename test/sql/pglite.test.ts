import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { afterAll, beforeAll } from 'vitest';
import { sqlAdapter } from 'crmkit/sql';
import { describeAdapterConformance } from 'crmkit/testing';

let pglite: PGlite;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let db: Kysely<any>;
beforeAll(async () => {
  pglite = await PGlite.create();
  db = new Kysely({ dialect: new PGliteDialect(pglite) });
});
afterAll(async () => {
  await pglite.close();
});

// One schema for this file, as for the PostgreSQL server: migrated by the first test, emptied after
// each. (A schema per test spent about a second of DDL per test in PGlite, some 15 minutes a run.)
const schema = 'conformance';
describeAdapterConformance({
  name: 'sql pglite',
  createAdapter: () => sqlAdapter({ db, schema }),
  destroyAdapter: async () => {
    const { rows } = await pglite.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 AND table_name NOT IN ('crm_layout', 'crm_migrations', 'crm_migrations_lock')`,
      [schema],
    );
    if (rows.length > 0) await pglite.exec(`TRUNCATE ${rows.map((row) => `"${schema}"."${row.name}"`).join(', ')}`);
  },
});
