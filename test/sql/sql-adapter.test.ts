import { customersSchema } from './stored-schema.js';
import { Kysely, CamelCasePlugin, SqliteDialect } from 'kysely';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { createCrm, type Filter } from 'crmkit';
import { memoryAdapter } from 'crmkit/memory';
import { sqlAdapter } from 'crmkit/sql';
import { testClock } from '../../src/testing/test-clock.js';
import { loadDriver } from '../../adapters/sql/load-driver.js';
import { decodeKey, encodeKey } from '../../adapters/sql/key-encoding.js';
import { decodeRecord, encodeRecord } from '../../adapters/sql/record-codec.js';
import { isCrmError, type CrmAdapter } from '../../src/storage/index.js';
import { dialectTargets } from './dialect-targets.js';

const hostile = `we"ird' name; -- /* \u0000 ünï 😀`;
const customFields = {
  customers: z.strictObject({
    [hostile]: z.string().optional(),
    plain: z.string().optional(),
    list: z.array(z.string()).optional(),
  }),
};
const nasty = ['', 'a', 'a\u0000', 'a\u0000b', 'a\u0001', 'A', "'; DROP TABLE x; --", '%_\\', '\u0000', '😀', '\uFFFD', 'Ｚ', 'a ', 'a\u0000\u0000', `"`, '/*'];

async function twin(adapter: CrmAdapter) {
  let n = 0;
  const ids = () => `id-${String(n++).padStart(4, '0')}`;
  let m = 0;
  const memoryIds = () => `id-${String(m++).padStart(4, '0')}`;
  const sqlCrm = await createCrm({ adapter, clock: testClock(), ids, customFields });
  const memoryCrm = await createCrm({ adapter: memoryAdapter(), clock: testClock(), ids: memoryIds, customFields });
  return { sqlCrm, memoryCrm };
}

for (const target of dialectTargets()) {
  describe(`sql adapter on ${target.name}`, () => {
    afterAll(() => target.end());

    const withTwin = async (fn: (crms: Awaited<ReturnType<typeof twin>>) => Promise<void>) => {
      const adapter = await target.create();
      try {
        await fn(await twin(adapter));
      } finally {
        await adapter.close();
        await target.destroy(adapter);
      }
    };

    it('stores and matches hostile field names and values literally, like the memory adapter', async () => {
      await withTwin(async ({ sqlCrm, memoryCrm }) => {
        const inputs = nasty.map((value, i) => ({
          name: `n${value}`,
          tags: value === '' ? [`t${i}`] : [value, `t${i}`],
          custom: { [hostile]: value, plain: value, list: [value] },
        }));
        const stored = await sqlCrm.customers.createMany(inputs);
        await memoryCrm.customers.createMany(inputs);
        for (const record of stored) expect(await sqlCrm.customers.get(record.id)).toEqual(record);
        const filters: Filter[] = [];
        for (const value of nasty) {
          for (const field of [`custom.${hostile}`, 'custom.plain', 'name']) {
            for (const op of ['eq', 'ne', 'lt', 'gte', 'contains', 'startsWith', 'endsWith'] as const) filters.push({ field, op, value });
            filters.push({ not: { field, op: 'lt', value } });
          }
          filters.push({ field: 'tags', op: 'contains', value }, { field: 'custom.list', op: 'nin', value: [value] });
        }
        for (const filter of filters) {
          const ids = async (crm: typeof sqlCrm) => (await crm.customers.find({ where: filter, limit: 100 })).items.map((r) => r.id);
          expect(await ids(sqlCrm), JSON.stringify(filter)).toEqual(await ids(memoryCrm));
        }
        for (const field of [`custom.${hostile}`, 'name']) {
          for (const direction of ['asc', 'desc'] as const) {
            const order = async (crm: typeof sqlCrm) => (await crm.customers.find({ sort: [{ field, direction }], limit: 100 })).items.map((r) => r.id);
            expect(await order(sqlCrm)).toEqual(await order(memoryCrm));
          }
        }
      });
    });

    it('pushes per-customer aggregates down and agrees with the memory adapter', async () => {
      await withTwin(async ({ sqlCrm, memoryCrm }) => {
        for (const crm of [sqlCrm, memoryCrm]) {
          const customers = await crm.customers.createMany(Array.from({ length: 7 }, (_, i) => ({ name: `c${i}` })));
          await crm.interactions.createMany(
            Array.from({ length: 60 }, (_, i) => {
              const purchase = i % 3 !== 0;
              return {
                customerId: customers[i % 6]!.id,
                channel: 'web' as const,
                kind: purchase ? ('purchase' as const) : ('message' as const),
                occurredAt: new Date(Date.UTC(2024, 0, 1 + i, 0, 0, 0, i)),
                ...(purchase ? { purchase: { orderId: `o${i}`, amount: 100 * i + 1, currency: i % 2 ? 'EUR' : 'USD' } } : {}),
              };
            }),
          );
        }
        const queries = [
          {
            where: { and: [{ field: 'kind', op: 'eq', value: 'purchase' }, { field: 'occurredAt', op: 'gte', value: new Date(Date.UTC(2024, 0, 10)) }] } as Filter,
            groupBy: ['customerId'],
            measures: [
              { name: 'orders', fn: 'count' as const },
              { name: 'revenue', fn: 'sum' as const, field: 'purchase.amount' },
              { name: 'last', fn: 'max' as const, field: 'occurredAt' },
              { name: 'first', fn: 'min' as const, field: 'occurredAt' },
              { name: 'currency', fn: 'min' as const, field: 'purchase.currency' },
            ],
          },
          { groupBy: ['kind', 'purchase.currency'], measures: [{ name: 'n', fn: 'count' as const }, { name: 'amounts', fn: 'count' as const, field: 'purchase.amount' }] },
          { groupBy: [], measures: [{ name: 'n', fn: 'count' as const }] },
        ];
        for (const query of queries) {
          expect(await sqlCrm.interactions.aggregate(query)).toEqual(await memoryCrm.interactions.aggregate(query));
        }
      });
    });

    it('rolls a transaction back when its function throws', async () => {
      await withTwin(async ({ sqlCrm }) => {
        await expect(
          sqlCrm.transaction(async (tx) => {
            await tx.customers.create({ name: 'inside', tags: ['x'] });
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await sqlCrm.customers.count()).toBe(0);
      });
    });

    it('migrates idempotently, also from two adapters at once, and prints its SQL', async () => {
      const adapter = await target.create();
      try {
        const schema = customersSchema({ email: { type: 'string', optional: true } });
        expect((await adapter.migrationSql(schema)).join('\n')).toContain('CREATE TABLE IF NOT EXISTS');
        const applied = await Promise.all([adapter.migrate(schema), adapter.migrate(schema)]);
        expect(applied.flat()).toHaveLength(1);
        expect(await adapter.migrate(schema)).toEqual([]);
        expect(await adapter.migrationSql(schema)).toEqual([]);
      } finally {
        await adapter.close();
        await target.destroy(adapter);
      }
    });
  });
}

describe('sql adapter without a database', () => {
  it('names the package to install when a driver is missing', async () => {
    const failing = loadDriver('pg', () => import('crmkit-no-such-driver' as string), 'postgres');
    await expect(failing).rejects.toSatisfy((error) => isCrmError(error, 'adapter') && /npm install pg/.test((error as Error).message));
  });

  it('refuses unsafe prefixes and schemas', () => {
    expect(() => sqlAdapter({ dialect: 'sqlite', filename: ':memory:', tablePrefix: 'x"; --' })).toThrow(/tablePrefix/);
    expect(() => sqlAdapter({ dialect: 'postgres', connectionString: 'postgres://x', schema: 'a b' })).toThrow(/schema/);
  });

  it('encodes keys so byte order is code point order, with NUL and lone surrogates kept', () => {
    for (const value of ['', 'a\u0000b', '😀', 'x\uD800y', '\uDC00', 'é']) expect(decodeKey(encodeKey(value))).toBe(value);
    expect(Buffer.compare(encodeKey('\uFFFD'), encodeKey('😀'))).toBe(-1);
    expect(Buffer.compare(encodeKey('a'), encodeKey('a\u0000'))).toBe(-1);
  });

  it('round-trips dates and objects that look like date tags', () => {
    const record = { at: new Date(5), fake: { $date: 5 }, esc: { $esc: [['a', 1]] }, nested: [{ $date: 'x', other: 1 }], nul: 'a\u0000' };
    expect(decodeRecord(encodeRecord(record))).toEqual(record);
    expect(encodeRecord(record)).not.toContain('\u0000');
  });

  it('runs on a host Kysely instance with plugins, and leaves it open', async () => {
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(':memory:') }), plugins: [new CamelCasePlugin()] });
    const crm = await createCrm({ adapter: sqlAdapter({ db, tablePrefix: 'host_' }) });
    const ada = await crm.customers.create({ name: 'Ada', tags: ['vip'] });
    expect((await crm.customers.find({ where: { field: 'tags', op: 'contains', value: 'vip' } })).items).toEqual([ada]);
    await crm.close();
    const { rows } = await db.executeQuery({ sql: 'select count(*) as n from host_customers', parameters: [], query: undefined as never, queryId: undefined as never });
    expect(rows).toEqual([{ n: 1 }]);
    await db.destroy();
  });

  it('asks for migrate() when autoMigrate is off', async () => {
    const adapter = sqlAdapter({ dialect: 'sqlite', filename: ':memory:', autoMigrate: false });
    await expect(createCrm({ adapter })).rejects.toThrow(/adapter.migrate\(\)/);
    await adapter.migrate();
    await expect(createCrm({ adapter })).resolves.toBeDefined();
  });
});
