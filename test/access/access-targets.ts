// The stores the access tests run on, each with a way to read its raw records
// (SQL tables with SQL, IndexedDB stores directly), so a claim about what is
// stored is checked against the storage itself, not through the crm.
import 'fake-indexeddb/auto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import mysql from 'mysql2';
import pg from 'pg';
import type { CrmAdapter } from 'crmkit';
import { indexedDbAdapter } from 'crmkit/indexeddb';
import { memoryAdapter } from 'crmkit/memory';
import { sqlAdapter } from 'crmkit/sql';
import { dropMysqlTables } from '../sql/clear-tables.js';
import { uniqueName } from '../sql/server-url.js';

/** One stored row as the raw storage holds it: its id and tenant (`undefined` when it has none). */
export interface RawRow {
  readonly id: string;
  readonly tenantId: string | undefined;
}

/** A store under test: adapters over the same data (reopened), its raw rows, and cleanup. */
export interface AccessStore {
  /** A new adapter over the store (the same data each time, except on memory: one adapter). */
  adapter(): CrmAdapter;
  /** Whether a second adapter sees the first one's data. */
  readonly persistent: boolean;
  /** The raw rows of a collection. */
  raw(collection: string): Promise<RawRow[]>;
  cleanup(): Promise<void>;
}

/** A kind of store the tests run on. */
export interface AccessTarget {
  readonly name: string;
  open(): Promise<AccessStore>;
}

/** A key column's value as text: SQL keeps indexed strings as UTF-8 bytes. */
const keyText = (value: unknown): string | undefined =>
  value === null || value === undefined ? undefined : value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : String(value);

const sqlTable = (collection: string, prefix = 'crm_') => `${prefix}${collection.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;

let databases = 0;

/** memory, SQLite (a file), IndexedDB (fake-indexeddb), PostgreSQL when `CRMKIT_TEST_POSTGRES_URL` is set and MariaDB when `CRMKIT_TEST_MYSQL_URL` is. */
export function accessTargets(options: { postgres?: boolean; mysql?: boolean } = {}): AccessTarget[] {
  const targets: AccessTarget[] = [
    {
      name: 'memory',
      open: async () => {
        const adapter = memoryAdapter();
        return {
          adapter: () => adapter,
          persistent: false,
          raw: async (collection) =>
            (await adapter.find(collection, { sort: [{ field: 'id', direction: 'asc' }] })).map((r) => ({ id: r.id, tenantId: r.tenantId as string | undefined })),
          cleanup: async () => {},
        };
      },
    },
    {
      name: 'sqlite',
      open: async () => {
        const dir = mkdtempSync(join(tmpdir(), 'crmkit-access-'));
        const filename = join(dir, 'crm.db');
        return {
          adapter: () => sqlAdapter({ dialect: 'sqlite', filename }),
          persistent: true,
          raw: async (collection) => {
            const db = new Database(filename, { readonly: true });
            try {
              const rows = db.prepare(`SELECT id, tenant_id AS tenantId FROM "${sqlTable(collection)}" ORDER BY id`).all() as { id: unknown; tenantId: unknown }[];
              return rows.map((row) => ({ id: keyText(row.id)!, tenantId: keyText(row.tenantId) }));
            } finally {
              db.close();
            }
          },
          cleanup: async () => rmSync(dir, { recursive: true, force: true }),
        };
      },
    },
    {
      name: 'indexeddb',
      open: async () => {
        const name = `access-${process.pid}-${++databases}-${Date.now()}`;
        return {
          adapter: () => indexedDbAdapter({ name, indexedDB, IDBKeyRange }),
          persistent: true,
          raw: async (collection) => {
            const db = await new Promise<IDBDatabase>((resolve, reject) => {
              const request = indexedDB.open(name);
              request.onsuccess = () => resolve(request.result);
              request.onerror = () => reject(request.error);
            });
            try {
              const all = await new Promise<unknown[]>((resolve, reject) => {
                const request = db.transaction(collection, 'readonly').objectStore(collection).getAll();
                request.onsuccess = () => resolve(request.result);
                request.onerror = () => reject(request.error);
              });
              // An entry holds the record as given (`r`) beside its encoded index keys (`k`).
              return (all as { r: Record<string, unknown> }[])
                .map(({ r }) => ({ id: String(r.id), tenantId: r.tenantId as string | undefined }))
                .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
            } finally {
              db.close();
            }
          },
          cleanup: async () => {},
        };
      },
    },
  ];
  const url = process.env.CRMKIT_TEST_POSTGRES_URL;
  if (options.postgres !== false && url) {
    targets.push({
      name: 'postgres',
      open: async () => {
        const pool = new pg.Pool({ connectionString: url, max: 4 });
        const schema = `crmkit_access_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
        return {
          adapter: () => sqlAdapter({ dialect: 'postgres', pool, schema }),
          persistent: true,
          raw: async (collection) => {
            const { rows } = await pool.query<{ id: unknown; tenant_id: unknown }>(`SELECT id, tenant_id FROM "${schema}"."${sqlTable(collection)}" ORDER BY id`);
            return rows.map((row) => ({ id: keyText(row.id)!, tenantId: keyText(row.tenant_id) }));
          },
          cleanup: async () => {
            await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
            await pool.end();
          },
        };
      },
    });
  } else if (options.postgres !== false && process.env.CRMKIT_REQUIRE_SERVERS === '1') {
    throw new Error('CRMKIT_REQUIRE_SERVERS is set but CRMKIT_TEST_POSTGRES_URL is not');
  }
  const mysqlUrl = process.env.CRMKIT_TEST_MYSQL_URL;
  if (options.mysql !== false && mysqlUrl) {
    targets.push({
      name: 'mariadb',
      open: async () => {
        const pool = mysql.createPool({ uri: mysqlUrl, connectionLimit: 4, charset: 'utf8mb4_bin' });
        const tablePrefix = `${uniqueName('acc')}_`;
        return {
          adapter: () => sqlAdapter({ dialect: 'mysql', pool, tablePrefix }),
          persistent: true,
          raw: async (collection) => {
            const [rows] = await pool.promise().query(`SELECT id, tenant_id FROM \`${sqlTable(collection, tablePrefix)}\` ORDER BY id`);
            return (rows as { id: unknown; tenant_id: unknown }[]).map((row) => ({ id: keyText(row.id)!, tenantId: keyText(row.tenant_id) }));
          },
          cleanup: async () => {
            await dropMysqlTables(pool, tablePrefix);
            await new Promise<void>((resolve) => pool.end(() => resolve()));
          },
        };
      },
    });
  } else if (options.mysql !== false && process.env.CRMKIT_REQUIRE_SERVERS === '1') {
    throw new Error('CRMKIT_REQUIRE_SERVERS is set but CRMKIT_TEST_MYSQL_URL is not');
  }
  return targets;
}
