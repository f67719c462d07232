import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { afterAll, beforeAll } from 'vitest';
import { sqlAdapter } from 'crmkit/sql';
import { describeAdapterConformance } from 'crmkit/testing';
import { emptyPostgresTables } from './clear-tables.js';

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
  destroyAdapter: () => emptyPostgresTables(pglite, schema),
});
