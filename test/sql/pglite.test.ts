import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { afterAll, beforeAll } from 'vitest';
import { sqlAdapter, type SqlAdapter } from 'crmkit/sql';
import { describeAdapterConformance } from 'crmkit/testing';
import { uniqueName } from './server-url.js';

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

const schemas = new WeakMap<object, string>();
describeAdapterConformance({
  name: 'sql pglite',
  createAdapter: () => {
    const schema = uniqueName('t_');
    const adapter = sqlAdapter({ db, schema });
    schemas.set(adapter, schema);
    return adapter;
  },
  destroyAdapter: async (adapter) => {
    await pglite.exec(`DROP SCHEMA IF EXISTS "${schemas.get(adapter as SqlAdapter)}" CASCADE`);
  },
});
