// crm.privacy: the right of access (export) and of erasure, proven by reading the raw storage afterwards.
import 'fake-indexeddb/auto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createCrm, isCrmError, type Crm, type CrmAdapter } from 'crmkit';
import { indexedDbAdapter } from 'crmkit/indexeddb';
import { memoryAdapter } from 'crmkit/memory';
import { sqlAdapter } from 'crmkit/sql';
import { worldStages } from 'crmkit/testing';

/** Everything the storage holds, as lower-cased text (SQL blobs decoded as UTF-8 and as hex too). */
type RawDump = () => Promise<string>;

interface PrivacyTarget {
  readonly name: string;
  open(): Promise<{ adapter: CrmAdapter; dump: RawDump; cleanup(): Promise<void> }>;
}

const text = (value: unknown): string =>
  Buffer.isBuffer(value) ? `${value.toString('utf8')} ${value.toString('hex')}` : value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);

const targets: PrivacyTarget[] = [
  {
    name: 'memory',
    open: async () => {
      const adapter = memoryAdapter();
      return {
        adapter,
        dump: async () => {
          const parts: string[] = [];
          for (const collection of collectionsOf(adapter)) parts.push(JSON.stringify(await adapter.find(collection, { sort: [{ field: 'id', direction: 'asc' }] })));
          return parts.join('\n').toLowerCase();
        },
        cleanup: async () => {},
      };
    },
  },
  {
    name: 'sqlite',
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'crmkit-privacy-'));
      const filename = join(dir, 'crm.db');
      return {
        adapter: sqlAdapter({ dialect: 'sqlite', filename }),
        dump: async () => {
          const db = new Database(filename, { readonly: true });
          try {
            const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[];
            return tables
              .flatMap(({ name }) => (db.prepare(`SELECT * FROM "${name}"`).raw().all() as unknown[][]).map((row) => row.map(text).join(' ')))
              .join('\n')
              .toLowerCase();
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
      const name = `privacy-${process.pid}-${Date.now()}`;
      return {
        adapter: indexedDbAdapter({ name, indexedDB, IDBKeyRange }),
        dump: async () => {
          const db = await new Promise<IDBDatabase>((resolve, reject) => {
            const request = indexedDB.open(name);
            request.onsuccess = () => resolve(request.result);
            request.onerror = () => reject(request.error);
          });
          try {
            const parts: string[] = [];
            for (const store of Array.from(db.objectStoreNames)) {
              const all = await new Promise<unknown[]>((resolve, reject) => {
                const request = db.transaction(store, 'readonly').objectStore(store).getAll();
                request.onsuccess = () => resolve(request.result);
                request.onerror = () => reject(request.error);
              });
              parts.push(JSON.stringify(all));
            }
            return parts.join('\n').toLowerCase();
          } finally {
            db.close();
          }
        },
        cleanup: async () => {},
      };
    },
  },
];
const postgresUrl = process.env.CRMKIT_TEST_POSTGRES_URL;
let pool: pg.Pool | undefined;
if (postgresUrl) {
  targets.push({
    name: 'postgres',
    open: async () => {
      pool ??= new pg.Pool({ connectionString: postgresUrl, max: 4 });
      const schema = `crmkit_privacy_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
      const p = pool;
      return {
        adapter: sqlAdapter({ dialect: 'postgres', pool: p, schema }),
        dump: async () => {
          const { rows: tables } = await p.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [schema]);
          const parts: string[] = [];
          for (const { table_name } of tables) {
            const { rows } = await p.query({ text: `SELECT * FROM "${schema}"."${table_name}"`, rowMode: 'array' });
            for (const row of rows as unknown[][]) parts.push(row.map(text).join(' '));
          }
          return parts.join('\n').toLowerCase();
        },
        cleanup: async () => void (await p.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)),
      };
    },
  });
} else if (process.env.CRMKIT_REQUIRE_SERVERS) {
  throw new Error('CRMKIT_REQUIRE_SERVERS is set but CRMKIT_TEST_POSTGRES_URL is not');
}
afterAll(async () => pool?.end());

function collectionsOf(adapter: CrmAdapter & { lastSchema?: unknown }): string[] {
  return Object.keys(openedSchemas.get(adapter) ?? {});
}
const openedSchemas = new WeakMap<object, Record<string, unknown>>();

/** Where `needle` occurs in `dump`, with some context, or undefined. */
function traceOf(dump: string, needle: string): string | undefined {
  const at = dump.indexOf(needle);
  return at < 0 ? undefined : dump.slice(Math.max(0, at - 120), at + needle.length + 60);
}

/** The person's personal data, as the raw storage might spell it. */
const needles = ['lovelace', 'ada@example.com', 'ada.l+crm', 'analytical row', 'sw1a 1aa', '2079460018', 'augusta'];

describe.each(targets)('privacy on $name', (target) => {
  async function world(crm: Crm) {
    const acme = await crm.customers.create({ kind: 'organization', name: 'Acme' });
    const ada = await crm.customers.create({
      name: 'Ada Lovelace',
      firstName: 'Ada',
      lastName: 'Lovelace',
      emails: ['ada@example.com', 'ada.l+crm@example.com'],
      phones: ['+442079460018'],
      addresses: [{ line1: '12 Analytical Row', city: 'London', postalCode: 'SW1A 1AA', country: 'GB' }],
      tags: ['lovelace-fan'],
      organizationId: acme.id,
    });
    const dupe = await crm.customers.create({ name: 'Augusta Ada Lovelace', emails: ['ada@example.com'] });
    const grace = await crm.customers.create({ name: 'Grace Hopper', emails: ['grace@example.com'] });
    await crm.customers.update(ada.id, (draft) => void draft.tags.push('vip'));
    await crm.interactions.create({ customerId: ada.id, channel: 'email', kind: 'message', subject: 'From Ada Lovelace', body: 'Call me on 020 7946 0018 or ada@example.com' });
    await crm.interactions.create({ customerId: ada.id, channel: 'web', kind: 'purchase', purchase: { orderId: 'A-1', amount: 4999, currency: 'EUR', lineItems: [{ sku: 'BK-1', quantity: 1, unitPrice: 4999 }] } });
    await crm.interactions.create({ customerId: grace.id, channel: 'email', kind: 'message', subject: 'Grace writes' });
    await crm.cases.create({ customerId: ada.id, subject: 'Lovelace invoice', description: 'Sent to 12 Analytical Row', priority: 'high' });
    const pipeline = await crm.pipelines.create({ name: 'Sales', stages: worldStages.map((stage) => ({ ...stage })), currency: 'EUR' });
    await crm.deals.create({ pipelineId: pipeline.id, stageId: 'qualify', customerId: ada.id, title: 'Lovelace engine', amount: 12_000_00, currency: 'EUR' });
    await crm.relationships.create({ fromId: ada.id, toId: acme.id, type: 'works_at', role: 'Lovelace lab lead' });
    await crm.consent.record({ customerId: ada.id, channel: 'email', purpose: 'marketing', status: 'granted', source: 'form', proof: 'I, Ada Lovelace, agree' });
    await crm.customers.merge(ada.id, [dupe.id]);
    return { acme, ada, grace, pipeline };
  }

  it('exports everything held about the person, and erasure leaves no trace in the raw storage, history and change feed included', async () => {
    const { adapter, dump, cleanup } = await target.open();
    const open = adapter.open.bind(adapter);
    adapter.open = async (schema) => {
      openedSchemas.set(adapter, schema.collections);
      return open(schema);
    };
    let crm = await createCrm({ adapter });
    try {
      const { ada, grace, acme } = await world(crm);
      const exported = await crm.privacy.export(ada.id);
      const json = JSON.stringify(exported).toLowerCase();
      for (const needle of ['lovelace', 'ada@example.com', '+442079460018', 'analytical row']) expect(json).toContain(needle);
      expect(Object.keys(exported.records).sort()).toEqual(expect.arrayContaining(['interactions', 'cases', 'deals', 'relationships', 'consentRecords']));
      expect(exported.records.interactions).toHaveLength(2);
      expect(exported.history.length).toBeGreaterThan(5);
      expect(exported.merges).toHaveLength(1);
      expect(json).not.toContain('grace writes'); // another person's data is not exported

      const before = await dump();
      for (const needle of needles) expect(traceOf(before, needle), needle).toBeDefined(); // the raw dump does see personal data

      const tombstone = await crm.privacy.erase(ada.id, { reason: 'GDPR Art. 17 request 4711' });
      expect(tombstone.customerId).toBe(ada.id);
      expect(await crm.privacy.erase(ada.id, { reason: 'again' })).toEqual(tombstone); // idempotent
      // Non-personal facts stay: the customer exists, its purchase still adds up, its deal keeps its amount.
      const erased = await crm.customers.get(ada.id);
      expect(erased).toMatchObject({ name: 'Erased customer', emails: [], phones: [], addresses: [], organizationId: acme.id });
      const [purchase] = (await crm.interactions.find({ where: { and: [{ field: 'customerId', op: 'eq', value: ada.id }, { field: 'kind', op: 'eq', value: 'purchase' }] } })).items;
      expect(purchase!.purchase!.amount).toBe(4999);
      expect((await crm.deals.find({})).items[0]).toMatchObject({ amount: 12_000_00, stageId: 'qualify' });
      expect(await crm.consent.canContact(ada.id, 'email', 'marketing')).toEqual({ allowed: false, reason: 'erased' });
      const live = await dump();
      expect((await crm.customers.search('lovelace')).items).toEqual([]);
      // Another person is untouched.
      expect((await crm.customers.get(grace.id)).name).toBe('Grace Hopper');
      await crm.close();
      const after = target.name === 'memory' ? live : await dump();
      for (const needle of needles) {
        const trace = traceOf(after, needle);
        if (trace !== undefined) console.error(`${target.name} still holds ${needle}: …${trace}…`);
        expect(trace, `${target.name} still holds ${needle}`).toBeUndefined();
      }
      expect(traceOf(after, 'grace hopper')).toBeDefined();
      expect(traceOf(after, 'gdpr art. 17 request 4711')).toBeDefined();
    } finally {
      await crm.close().catch(() => {});
      await cleanup();
    }
  });

  it('refuses an unknown customer and a missing reason, changing nothing', async () => {
    const { adapter, cleanup } = await target.open();
    const crm = await createCrm({ adapter });
    try {
      const ada = await crm.customers.create({ name: 'Ada Lovelace' });
      const missing = await crm.privacy.erase('nobody', { reason: 'x' }).catch((e: unknown) => e);
      expect(isCrmError(missing) && missing.code === 'not_found').toBe(true);
      const noReason = await crm.privacy.erase(ada.id, { reason: ' ' }).catch((e: unknown) => e);
      expect(isCrmError(noReason) && noReason.code === 'validation').toBe(true);
      expect((await crm.customers.get(ada.id)).name).toBe('Ada Lovelace');
      const notFound = await crm.privacy.export('nobody').catch((e: unknown) => e);
      expect(isCrmError(notFound) && notFound.code === 'not_found').toBe(true);
    } finally {
      await crm.close();
      await cleanup();
    }
  });
});
