import { afterAll, describe, expect, it } from 'vitest';
import { isCrmError, MigrationError, type CollectionSchema, type StorageSchema, type StoredRecord } from '../../src/storage/index.js';
import { CompiledQuery } from 'kysely';
import { createCrm } from 'crmkit';
import { memoryAdapter } from 'crmkit/memory';
import { sqlAdapter, type SqlAdapter } from 'crmkit/sql';
import { dialectTargets, type DialectTarget } from './dialect-targets.js';

// A collection crmkit has never heard of: the adapter stores it from its schema alone.
const tickets = (extra: Partial<CollectionSchema> = {}, fields: CollectionSchema['fields'] = {}): StorageSchema => ({
  collections: {
    tickets: {
      name: 'tickets',
      fields: {
        id: { type: 'string', optional: false },
        createdAt: { type: 'date', optional: false },
        updatedAt: { type: 'date', optional: false },
        version: { type: 'number', optional: false },
        code: { type: 'string', optional: true },
        priority: { type: 'number', optional: false },
        openedAt: { type: 'date', optional: false },
        labels: { type: 'string[]', optional: false },
        'custom.region': { type: 'string', optional: true },
        ...fields,
      },
      indexes: [
        { name: 'tickets_code', fields: ['code'], unique: true },
        { name: 'tickets_priority_opened', fields: ['priority', 'openedAt'] },
        { name: 'tickets_region', fields: ['custom.region'] },
      ],
      ...extra,
    },
  },
});

const ticket = (id: string, data: Record<string, unknown> = {}): StoredRecord =>
  ({ id, createdAt: new Date(0), updatedAt: new Date(0), version: 1, priority: 1, openedAt: new Date(1000), labels: [], ...data }) as StoredRecord;
const byId = [{ field: 'id', direction: 'asc' as const }];

async function withAdapter(target: DialectTarget, fn: (adapter: SqlAdapter) => Promise<void>) {
  const adapter = await target.create();
  try {
    await fn(adapter);
  } finally {
    await adapter.close();
    await target.destroy(adapter);
  }
}

describe('a collection declared only by its schema', () => {
  const targets = dialectTargets();
  afterAll(async () => {
    for (const target of targets) await target.end();
  });
  for (const target of targets) {
    it(`${target.name}: gets a table with a column per scalar field and its indexes`, async () => {
      await withAdapter(target, async (adapter) => {
        await adapter.open(tickets());
        const table = adapter.layout().tables.find((t) => t.collection === 'tickets')!;
        expect(table.table).toBe('tickets');
        expect(table.columns.map((c) => [c.path, c.column, c.kind])).toEqual([
          ['createdAt', 'created_at', 'date'],
          ['updatedAt', 'updated_at', 'date'],
          ['code', 'code', 'key'],
          ['priority', 'priority', 'number'],
          ['openedAt', 'opened_at', 'date'],
          ['custom.region', 'custom_region', 'key'],
        ]);
        expect(table.indexes).toEqual([
          { name: 'tickets_code', columns: ['code'], unique: true },
          { name: 'tickets_priority_opened', columns: ['priority', 'opened_at'], unique: false },
          { name: 'tickets_region', columns: ['custom_region'], unique: false },
        ]);
        const records = [ticket('a', { code: 'A-1', labels: ['x'], custom: { region: 'eu' } }), ticket('b', { priority: 3, custom: { region: 'us' } })];
        expect(await adapter.insertMany('tickets', records)).toEqual([{ ok: true }, { ok: true }]);
        expect(await adapter.find('tickets', { filter: { field: 'custom.region', op: 'eq', value: 'eu' }, sort: byId })).toEqual([records[0]]);
        expect(await adapter.find('tickets', { filter: { field: 'labels', op: 'contains', value: 'x' }, sort: byId })).toEqual([records[0]]);
        expect((await adapter.find('tickets', { sort: [{ field: 'priority', direction: 'desc' }, ...byId] })).map((r) => r.id)).toEqual(['b', 'a']);
      });
    });

    it(`${target.name}: a unique index refuses a taken value per item, with the index named, and lets absent values be`, async () => {
      await withAdapter(target, async (adapter) => {
        await adapter.open(tickets());
        await adapter.insertMany('tickets', [ticket('a', { code: 'A-1' }), ticket('b', { code: 'B-1' })]);
        const unique = { ok: false, code: 'conflict', reason: 'unique', index: 'tickets_code' };
        expect(
          await adapter.insertMany('tickets', [
            ticket('c', { code: 'A-1' }), // stored
            ticket('d', { code: 'D-1' }),
            ticket('e', { code: 'D-1' }), // earlier in the batch
            ticket('f'), // absent: never conflicts
            ticket('g'),
            ticket('a', { code: 'Z-9' }), // id taken comes first
            ticket('h', { code: 'a-1' }), // case-sensitive
            ticket('i', { code: 'A-1 ' }), // trailing space counts
          ]),
        ).toEqual([unique, { ok: true }, unique, { ok: true }, { ok: true }, { ok: false, code: 'conflict', reason: 'id_taken' }, { ok: true }, { ok: true }]);
        expect((await adapter.find('tickets', { sort: byId })).map((r) => r.id)).toEqual(['a', 'b', 'd', 'f', 'g', 'h', 'i']);
        const update = (id: string, code: string | undefined, expectedVersion = 1) => ({ record: { ...ticket(id, code === undefined ? {} : { code }), version: expectedVersion + 1 }, expectedVersion });
        expect(
          await adapter.updateMany('tickets', [
            update('b', 'A-1'), // taken by a
            update('a', 'A-1'), // its own value
            update('d', 'B-1', 7), // stale: the version decides first
            update('f', 'F-1'),
            update('zz', 'Q-1'),
          ]),
        ).toEqual([unique, { ok: true }, { ok: false, code: 'conflict', reason: 'stale_version' }, { ok: true }, { ok: false, code: 'not_found' }]);
        const stored = await adapter.getMany('tickets', ['b', 'f']);
        expect(stored.map((r) => r?.code)).toEqual(['B-1', 'F-1']);
      });
    });

    it(`${target.name}: a new field gets a column filled from the stored documents; migrationSql shows it first`, async () => {
      await withAdapter(target, async (adapter) => {
        await adapter.open(tickets());
        await adapter.insertMany('tickets', [ticket('a', { custom: { region: 'eu', team: 'core' } }), ticket('b', { custom: { team: 'edge' } }), ticket('c')]);
        const next = tickets({}, { 'custom.team': { type: 'string', optional: true } });
        const planned = (await adapter.migrationSql(next)).join(';\n');
        expect(planned).toMatch(/ADD COLUMN .custom_team./);
        expect(planned).toMatch(/backfill tickets.custom_team from doc/);
        expect(await adapter.migrate(next)).toEqual([expect.stringMatching(/^0002_layout_[0-9a-f]{10}$/)]);
        expect(await adapter.migrationSql(next)).toEqual([]);
        await adapter.open(next);
        expect((await adapter.find('tickets', { filter: { field: 'custom.team', op: 'eq', value: 'edge' }, sort: byId })).map((r) => r.id)).toEqual(['b']);
        expect((await adapter.find('tickets', { filter: { field: 'custom.team', op: 'exists', value: false }, sort: byId })).map((r) => r.id)).toEqual(['c']);
      });
    });

    it(`${target.name}: refuses a changed column type and a unique index over duplicates, with MigrationError, changing nothing`, async () => {
      await withAdapter(target, async (adapter) => {
        await adapter.open(tickets());
        await adapter.insertMany('tickets', [ticket('a', { custom: { region: 'eu' } }), ticket('b', { custom: { region: 'eu' } })]);
        const retyped = tickets({}, { priority: { type: 'string', optional: false } });
        const error = await adapter.open(retyped).then(() => undefined, (e: unknown) => e);
        expect(error).toBeInstanceOf(MigrationError);
        expect(isCrmError(error, 'adapter') && (error as MigrationError).reason).toBe('column_type_changed');
        const base = tickets().collections.tickets!;
        const uniqueRegion = tickets({ indexes: [...base.indexes, { name: 'tickets_region_unique', fields: ['custom.region'], unique: true }] });
        const duplicate = await adapter.migrate(uniqueRegion).then(() => undefined, (e: unknown) => e);
        expect((duplicate as MigrationError).reason).toBe('unique_over_duplicates');
        expect((duplicate as Error).message).toMatch(/custom\.region = "eu"/);
        // Nothing changed: the old layout opens without a migration and still takes duplicates.
        expect(await adapter.migrationSql(tickets())).toEqual([]);
        await adapter.open(tickets());
        expect(await adapter.insertMany('tickets', [ticket('c', { custom: { region: 'eu' } })])).toEqual([{ ok: true }]);
      });
    });

    it(`${target.name}: an indexed string with a declared maxLength that fits 512 bytes of UTF-8 is a short column, kept to its capacity`, async () => {
      await withAdapter(target, async (adapter) => {
        const bounded = { 'custom.shard': { type: 'string' as const, optional: true, maxLength: 170 }, 'custom.wide': { type: 'string' as const, optional: true, maxLength: 171 } };
        const base = tickets({}, bounded).collections.tickets!;
        // Three bounded columns and a date in one index: 3 × 512 + 8 bytes, within MariaDB's 3,072-byte key limit where `key` columns would not be.
        const schema = tickets({ indexes: [...base.indexes, { name: 'tickets_shard', fields: ['custom.shard', 'code', 'custom.wide', 'openedAt'] }] }, { ...bounded, code: { type: 'string', optional: true, maxLength: 64 } });
        await adapter.open(schema);
        const kinds = Object.fromEntries(adapter.layout().tables[0]!.columns.map((c) => [c.path, c.kind]));
        expect([kinds['custom.shard'], kinds.code, kinds['custom.wide']]).toEqual(['short', 'short', 'key']);
        expect(await adapter.insertMany('tickets', [ticket('a', { code: 'A', custom: { shard: 'é'.repeat(170), wide: 'w' } })])).toEqual([{ ok: true }]);
        expect((await adapter.find('tickets', { filter: { field: 'custom.shard', op: 'eq', value: 'é'.repeat(170) }, sort: byId })).map((r) => r.id)).toEqual(['a']);
        // A value past the column's 512 bytes (the core's validation would have refused it first) is refused, not cut.
        const tooLong = await adapter.insertMany('tickets', [ticket('b', { custom: { shard: 'x'.repeat(513) } })]).then(() => undefined, (e: unknown) => e);
        expect(isCrmError(tooLong, 'adapter')).toBe(true);
        expect(await adapter.count('tickets')).toBe(1);
      });
    });

    it(`${target.name}: an index on a field stored unbounded bounds its column first, or refuses when a value is too long`, async () => {
      await withAdapter(target, async (adapter) => {
        const notes = { 'custom.note': { type: 'string' as const, optional: true } };
        await adapter.open(tickets({}, notes));
        expect(adapter.layout().tables[0]!.columns.find((c) => c.path === 'custom.note')!.kind).toBe('long');
        await adapter.insertMany('tickets', [ticket('a', { custom: { note: 'short' } }), ticket('b', { custom: { note: 'x'.repeat(2000) } })]);
        const base = tickets({}, notes).collections.tickets!;
        const indexed = tickets({ indexes: [...base.indexes, { name: 'tickets_note', fields: ['custom.note'] }] }, notes);
        const error = await adapter.migrate(indexed).then(() => undefined, (e: unknown) => e);
        expect((error as MigrationError).reason).toBe('value_too_long');
        expect(await adapter.migrationSql(tickets({}, notes))).toEqual([]);
        const b = (await adapter.getMany('tickets', ['b']))[0]!;
        await adapter.updateMany('tickets', [{ record: { ...b, version: 2, custom: { note: 'fits' } }, expectedVersion: 1 }]);
        expect((await adapter.migrate(indexed)).length).toBe(1);
        await adapter.open(indexed);
        expect(adapter.layout().tables[0]!.columns.find((c) => c.path === 'custom.note')!.kind).toBe('key');
        expect((await adapter.find('tickets', { filter: { field: 'custom.note', op: 'eq', value: 'fits' }, sort: byId })).map((r) => r.id)).toEqual(['b']);
        const tooLong = await adapter.insertMany('tickets', [ticket('c', { custom: { note: 'y'.repeat(2000) } })]).then(() => undefined, (e: unknown) => e);
        expect(isCrmError(tooLong, 'adapter')).toBe(true);
      });
    });
  }
});

describe("the built-in models' layout", () => {
  it('declares foreign keys for required references to other collections only, as the first layout did', async () => {
    const reference = await createCrm({ adapter: memoryAdapter() });
    // The references as the models declare them (the core passes them to open() once the module seam lands).
    const references: Record<string, { field: string; collection: string }[]> = {
      customers: [{ field: 'organizationId', collection: 'customers' }],
      interactions: [
        { field: 'customerId', collection: 'customers' },
        { field: 'dealId', collection: 'deals' },
        { field: 'caseId', collection: 'cases' },
        { field: 'campaignId', collection: 'campaigns' },
      ],
      deals: [{ field: 'pipelineId', collection: 'pipelines' }, { field: 'customerId', collection: 'customers' }],
      cases: [{ field: 'customerId', collection: 'customers' }],
      campaignMembers: [{ field: 'campaignId', collection: 'campaigns' }, { field: 'customerId', collection: 'customers' }],
    };
    const collections = Object.fromEntries(
      Object.entries(reference.schema.collections).map(([name, collection]) => [name, { ...collection, references: collection.references ?? references[name] ?? [] }]),
    );
    const adapter = sqlAdapter({ dialect: 'sqlite', filename: ':memory:' });
    await adapter.open({ collections });
    const keys = Object.fromEntries(adapter.layout().tables.map((t) => [t.collection, t.foreignKeys.map((fk) => `${fk.column}->${fk.collection}`)]));
    expect(keys).toMatchObject({
      customers: [],
      interactions: ['customer_id->customers'],
      deals: ['pipeline_id->pipelines', 'customer_id->customers'],
      cases: ['customer_id->customers'],
      campaignMembers: ['campaign_id->campaigns', 'customer_id->customers'],
    });
    const db = await adapter.kysely();
    const { rows } = await db.executeQuery(CompiledQuery.raw(`SELECT "table" AS target, "from" AS source FROM pragma_foreign_key_list('crm_interactions')`));
    expect(rows).toEqual([{ target: 'crm_customers', source: 'customer_id' }]);
    await adapter.close();
    await reference.close();
  });
});
