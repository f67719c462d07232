import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import mysql from 'mysql2';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import type { StorageSchema } from 'crmkit/adapter-kit';
import { sqlAdapter, type SqlAdapter } from 'crmkit/sql';
import { dropMysqlTables } from './clear-tables.js';
import { uniqueName } from './server-url.js';

/** A database the SQL tests run against: makes fresh adapters and cleans up after them. */
export interface DialectTarget {
  readonly name: string;
  create(): Promise<SqlAdapter>;
  /** Where an adapter made by {@link create} keeps its tables. */
  naming(adapter: SqlAdapter): { prefix: string; schema?: string };
  destroy(adapter: SqlAdapter): Promise<void>;
  end(): Promise<void>;
}

/** SQLite in memory, PGlite, and the servers whose URLs are set. */
export function dialectTargets(): DialectTarget[] {
  const targets: DialectTarget[] = [
    {
      name: 'sqlite',
      create: async () => sqlAdapter({ dialect: 'sqlite', filename: ':memory:' }),
      naming: () => ({ prefix: 'crm_' }),
      destroy: async () => {},
      end: async () => {},
    },
  ];
  let pglite: Promise<{ instance: PGlite; db: Kysely<unknown> }> | undefined;
  const schemas = new WeakMap<object, string>();
  targets.push({
    name: 'pglite',
    create: async () => {
      pglite ??= PGlite.create().then((instance) => ({ instance, db: new Kysely<unknown>({ dialect: new PGliteDialect(instance) }) }));
      const { db } = await pglite;
      const schema = uniqueName('t_');
      const adapter = sqlAdapter({ db, schema });
      schemas.set(adapter, schema);
      return adapter;
    },
    naming: (adapter) => ({ prefix: 'crm_', schema: schemas.get(adapter)! }),
    destroy: async (adapter) => void (await (await pglite!).instance.exec(`DROP SCHEMA IF EXISTS "${schemas.get(adapter)}" CASCADE`)),
    end: async () => void (pglite && (await (await pglite).instance.close())),
  });
  const postgresUrl = process.env.CRMKIT_TEST_POSTGRES_URL;
  if (postgresUrl) {
    let pool: pg.Pool | undefined;
    targets.push({
      name: 'postgres',
      create: async () => {
        pool ??= new pg.Pool({ connectionString: postgresUrl, max: 4 });
        const schema = uniqueName('crmkit_t_');
        const adapter = sqlAdapter({ dialect: 'postgres', pool, schema });
        schemas.set(adapter, schema);
        return adapter;
      },
      naming: (adapter) => ({ prefix: 'crm_', schema: schemas.get(adapter)! }),
      destroy: async (adapter) => void (await pool!.query(`DROP SCHEMA IF EXISTS "${schemas.get(adapter)}" CASCADE`)),
      end: async () => void (await pool?.end()),
    });
  }
  const mysqlUrl = process.env.CRMKIT_TEST_MYSQL_URL;
  if (mysqlUrl) {
    let pool: mysql.Pool | undefined;
    targets.push({
      name: 'mysql',
      create: async () => {
        pool ??= mysql.createPool({ uri: mysqlUrl, connectionLimit: 4, charset: 'utf8mb4_bin' });
        const tablePrefix = `${uniqueName('t')}_`;
        const adapter = sqlAdapter({ dialect: 'mysql', pool, tablePrefix });
        schemas.set(adapter, tablePrefix);
        return adapter;
      },
      naming: (adapter) => ({ prefix: schemas.get(adapter)! }),
      destroy: (adapter) => dropMysqlTables(pool!, schemas.get(adapter)!),
      end: async () => void (pool && (await new Promise<void>((resolve) => pool!.end(() => resolve())))),
    });
  }
  return targets;
}

/**
 * One opened adapter per dialect target for a whole test file: opened with
 * `schema` before the file's tests, closed and dropped after them. The map is
 * filled by the time the tests run.
 */
export function openDialectSubjects(schema: StorageSchema): ReadonlyMap<string, SqlAdapter> {
  const targets = dialectTargets();
  const subjects = new Map<string, SqlAdapter>();
  beforeAll(async () => {
    for (const target of targets) {
      const adapter = await target.create();
      await adapter.open(schema);
      subjects.set(target.name, adapter);
    }
  });
  afterAll(async () => {
    for (const target of targets) {
      const adapter = subjects.get(target.name);
      if (adapter !== undefined) {
        await adapter.close();
        await target.destroy(adapter);
      }
      await target.end();
    }
  });
  return subjects;
}
