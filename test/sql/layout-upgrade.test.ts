import { readFileSync } from 'node:fs';
import { Migrator, sql, type Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createCrm } from 'crmkit';
import { memoryAdapter } from 'crmkit/memory';
import type { SqlAdapter } from 'crmkit/sql';
import type { StorageSchema, StoredRecord } from '../../src/storage/index.js';
import { mysqlDialect } from '../../adapters/sql/dialects/mysql/mysql-dialect.js';
import { postgresDialect } from '../../adapters/sql/dialects/postgres/postgres-dialect.js';
import { sqliteDialect } from '../../adapters/sql/dialects/sqlite/sqlite-dialect.js';
import { decodeRecord } from '../../adapters/sql/record-codec.js';
import type { SqlDialect } from '../../adapters/sql/sql-dialect.js';
import type { ParamKind } from '../../adapters/sql/sql-fragment.js';
import { dialectTargets } from './dialect-targets.js';
import { initialSchemaStatements, tableLayouts } from './fixtures/layout-v1.js';

// The rows crmkit wrote with its first layout (tables by hand, migration 0001): made by the adapter at
// f119dff through createCrm on SQLite (7 customers with custom fields and lists, 12 interactions, a
// pipeline, a deal, a case), dumped table by table with byte strings as hex.
type FixtureValue = string | number | null | { hex: string };
const fixture = JSON.parse(readFileSync(new URL('./fixtures/layout-v1-rows.json', import.meta.url), 'utf8')) as {
  tables: Record<string, Record<string, FixtureValue>[]>;
};
const dialects: Record<string, SqlDialect> = { sqlite: sqliteDialect, pglite: postgresDialect, postgres: postgresDialect, mysql: mysqlDialect };

/** Builds the database crmkit's first layout made: its migration 0001 through Kysely's Migrator, then its rows. */
async function writeLayoutOne(db: Kysely<unknown>, dialect: SqlDialect, naming: { prefix: string; schema?: string }) {
  const migrator = new Migrator({
    db,
    provider: {
      getMigrations: async () => ({
        '0001_initial_tables': {
          up: async (trx) => {
            for (const statement of initialSchemaStatements(dialect, { ...naming, foreignKeys: true })) await sql.raw(statement).execute(trx);
          },
        },
      }),
    },
    migrationTableName: `${naming.prefix}migrations`,
    migrationLockTableName: `${naming.prefix}migrations_lock`,
    ...(naming.schema === undefined ? {} : { migrationTableSchema: naming.schema }),
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) throw error;
  const name = (table: string) => (naming.schema === undefined ? '' : `${dialect.quote(naming.schema)}.`) + dialect.quote(naming.prefix + table);
  for (const layout of tableLayouts) {
    for (const table of [layout.table, `${layout.table}_values`]) {
      for (const row of fixture.tables[table] ?? []) {
        const columns = Object.keys(row).filter((column) => row[column] !== null);
        const params = columns.map((column) => {
          const value = row[column]!;
          if (value !== null && typeof value === 'object') return { value: Buffer.from(value.hex, 'hex'), kind: 'bin' as ParamKind };
          const kind: ParamKind = column === 'doc' ? 'text' : column === 'ext' ? 'json' : typeof value === 'number' && !Number.isInteger(value) ? 'num' : 'int';
          return { value, kind };
        });
        const compiled = dialect.compile({ text: `INSERT INTO ${name(table)} (${columns.map(dialect.quote).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`, params });
        await db.executeQuery({ sql: compiled.sql, parameters: compiled.parameters, query: undefined as never, queryId: undefined as never });
      }
    }
  }
}

const customFields = {
  customers: z.object({ tier: z.string().optional(), visits: z.number().optional(), labels: z.array(z.string()).optional(), region: z.string().optional() }),
};
const expected = fixture.tables;
const docs = (table: string) => expected[table]!.map((row) => decodeRecord<StoredRecord>(row.doc as string));

describe('a database written by the first layout, opened by this one with more collections and fields', () => {
  const targets = dialectTargets();
  afterAll(async () => {
    for (const target of targets) await target.end();
  });
  for (const target of targets) {
    it(`${target.name}: migrates, and every record is intact and queryable`, async () => {
      const adapter: SqlAdapter = await target.create();
      try {
        await writeLayoutOne(await adapter.kysely(), dialects[target.name]!, target.naming(adapter));
        const reference = await createCrm({ adapter: memoryAdapter(), customFields });
        const schema: StorageSchema = {
          collections: {
            ...reference.schema.collections,
            tickets: {
              name: 'tickets',
              fields: {
                id: { type: 'string', optional: false },
                createdAt: { type: 'date', optional: false },
                updatedAt: { type: 'date', optional: false },
                version: { type: 'number', optional: false },
                code: { type: 'string', optional: false },
                customerId: { type: 'string', optional: false },
              },
              indexes: [
                { name: 'tickets_code', fields: ['code'], unique: true },
                { name: 'tickets_customer', fields: ['customerId'] },
              ],
              references: [{ field: 'customerId', collection: 'customers' }],
            },
          },
        };
        await reference.close();
        const plan = (await adapter.migrationSql(schema)).join('\n');
        expect(plan).toMatch(/CREATE TABLE IF NOT EXISTS .*tickets/);
        expect(plan).toMatch(/ADD COLUMN .custom_tier./);
        await adapter.open(schema);
        expect(await adapter.migrationSql(schema)).toEqual([]);

        for (const collection of ['customers', 'interactions', 'pipelines', 'deals', 'cases']) {
          const table = collection === 'campaignMembers' ? 'campaign_members' : collection;
          const stored = docs(table);
          expect(await adapter.getMany(collection, stored.map((r) => r.id)), collection).toEqual(stored);
          expect(await adapter.find(collection, { sort: [{ field: 'id', direction: 'asc' }] }), collection).toEqual(stored);
        }
        const customers = docs('customers');
        const ids = (records: readonly StoredRecord[]) => records.map((r) => r.id);
        const where = (filter: Parameters<SqlAdapter['find']>[1]['filter']) => adapter.find('customers', { filter, sort: [{ field: 'id', direction: 'asc' }] });
        // Fields that lived in ext now have columns, filled from the documents.
        const gold = customers.filter((c) => (c.custom as { tier?: string }).tier === 'gold');
        expect(gold.length).toBeGreaterThan(0);
        expect(ids(await where({ field: 'custom.tier', op: 'eq', value: 'gold' }))).toEqual(ids(gold));
        expect(ids(await where({ field: 'custom.visits', op: 'gte', value: 9 }))).toEqual(ids(customers.filter((c) => ((c.custom as { visits?: number }).visits ?? -1) >= 9)));
        expect(ids(await where({ field: 'custom.labels', op: 'contains', value: 'y' }))).toEqual(ids(customers.filter((c) => ((c.custom as { labels?: string[] }).labels ?? []).includes('y'))));
        expect(ids(await where({ field: 'tags', op: 'contains', value: 'vip' }))).toEqual(ids(customers.filter((c) => (c.tags as string[]).includes('vip'))));
        expect(ids(await where({ field: 'custom.region', op: 'exists', value: true }))).toEqual([]);
        const purchases = docs('interactions').filter((i) => i.purchase !== undefined);
        const rows = [];
        for await (const row of adapter.aggregate!('interactions', { groupBy: [], measures: [{ name: 'total', fn: 'sum', field: 'purchase.amount' }] })) rows.push(row);
        expect(rows).toEqual([
          { key: [], values: { total: purchases.reduce((sum, i) => sum + (i.purchase as { amount: number }).amount, 0) } },
        ]);
        // The new collection works, its unique key too, next to the old data.
        const ticket = (id: string, code: string) => ({ id, createdAt: new Date(0), updatedAt: new Date(0), version: 1, code, customerId: customers[1]!.id });
        expect(await adapter.insertMany('tickets', [ticket('t1', 'A'), ticket('t2', 'A')])).toEqual([
          { ok: true },
          { ok: false, code: 'conflict', reason: 'unique', index: 'tickets_code' },
        ]);
        // Old records take new values in the new column.
        const first = customers[1]!;
        const changed = { ...first, version: first.version + 1, custom: { ...(first.custom as object), region: 'north' } } as StoredRecord;
        expect(await adapter.updateMany('customers', [{ record: changed, expectedVersion: first.version }])).toEqual([{ ok: true }]);
        expect(ids(await where({ field: 'custom.region', op: 'eq', value: 'north' }))).toEqual([first.id]);
      } finally {
        await adapter.close();
        await target.destroy(adapter);
      }
    });
  }
});
