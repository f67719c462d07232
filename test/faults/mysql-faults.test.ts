import { Kysely, MysqlDialect, sql } from 'kysely';
import mysql from 'mysql2';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createCrm, isCrmError, type Crm } from 'crmkit';
import { sqlAdapter, type SqlAdapter, type SqlAdapterOptions } from 'crmkit/sql';
import { serverUrl, uniqueName } from '../sql/server-url.js';

const url = serverUrl('CRMKIT_TEST_MYSQL_URL', 'MariaDB fault-injection');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How the crm reaches the server: crmkit's own pool, or the host's pool. */
const setups = ['connectionString', 'pool'] as const;

if (url !== undefined) {
  const admin = mysql.createPool({ uri: url, connectionLimit: 2 }).promise();
  const ends: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const end of ends) await end();
    await admin.end();
  });

  /**
   * A crm over a pool of ONE connection, so that the connection a test kills is the
   * one the crm uses (other test files share the database: only ours are killed).
   */
  async function connect(setup: (typeof setups)[number], customFields?: Record<string, z.ZodType>, hostSessionMode?: string) {
    const tablePrefix = `${uniqueName('f')}_`;
    let options: SqlAdapterOptions;
    if (setup === 'connectionString') options = { dialect: 'mysql', connectionString: url!, poolSize: 1, tablePrefix };
    else {
      const pool = mysql.createPool({ uri: url, connectionLimit: 1, charset: 'utf8mb4_bin' });
      if (hostSessionMode !== undefined) pool.on('connection', (connection) => connection.query(`SET SESSION sql_mode = '${hostSessionMode}'`));
      ends.push(() => new Promise<void>((resolve) => pool.end(() => resolve())));
      options = { dialect: 'mysql', pool, tablePrefix };
    }
    const adapter = sqlAdapter(options);
    const crm = await createCrm({ adapter, ...(customFields === undefined ? {} : { customFields: { customers: z.object(customFields) } }) });
    ends.push(async () => {
      await crm.close();
      const [tables] = await admin.query(`SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE '${tablePrefix}%'`);
      await admin.query('SET FOREIGN_KEY_CHECKS = 0');
      for (const { t } of tables as { t: string }[]) await admin.query(`DROP TABLE IF EXISTS \`${t}\``);
      await admin.query('SET FOREIGN_KEY_CHECKS = 1');
    });
    const connectionId = async () => Number((await sql<{ id: number }>`SELECT CONNECTION_ID() AS id`.execute(await adapter.kysely())).rows[0]!.id);
    const kill = async (id: number) => void (await admin.query(`KILL ${id}`).catch(() => undefined));
    const countCustomers = async () => Number(((await admin.query(`SELECT COUNT(*) AS n FROM \`${tablePrefix}customers\``))[0] as { n: number }[])[0]!.n);
    return { crm, adapter, connectionId, kill, countCustomers };
  }

  const works = async (crm: Crm) => {
    const made = await crm.customers.create({ name: 'afterwards' });
    expect((await crm.customers.get(made.id)).name).toBe('afterwards');
  };

  async function adapterErrorOf(promise: Promise<unknown>): Promise<unknown> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isCrmError(error, 'adapter'), String(error)).toBe(true);
    return error;
  }

  describe.each(setups)('MariaDB, killed connections (%s)', (setup) => {
    it('KILL of the idle pooled connection: no crash, the next call works', async () => {
      const { crm, connectionId, kill, countCustomers } = await connect(setup);
      await crm.customers.create({ name: 'a' });
      await kill(await connectionId());
      await sleep(200);
      // The first call may meet the dead connection (AdapterError) or a fresh one; the one after works.
      await crm.customers.create({ name: 'b' }).catch((error: unknown) => expect(isCrmError(error, 'adapter')).toBe(true));
      await works(crm);
      expect(await countCustomers()).toBeGreaterThanOrEqual(2);
    });

    it('KILL of the connection of an open crm.transaction: AdapterError, nothing of it written, the next call works', async () => {
      const { crm, connectionId, kill, countCustomers } = await connect(setup);
      const before = await crm.customers.create({ name: 'before' });
      const id = await connectionId();
      await adapterErrorOf(
        crm.transaction(async (tx) => {
          await tx.customers.create({ name: 'inside' });
          await tx.customers.update(before.id, (d) => void (d.name = 'changed inside'));
          await kill(id);
          await sleep(200);
          await tx.customers.create({ name: 'after the kill' });
        }),
      );
      expect(await countCustomers()).toBe(1);
      expect(await crm.customers.get(before.id)).toEqual(before);
      await works(crm);
    });

    it('KILL during a createMany of 20,000: AdapterError or success, never part of the batch', async () => {
      const { crm, connectionId, kill, countCustomers } = await connect(setup);
      const id = await connectionId();
      const batch = crm.customers
        .createMany(Array.from({ length: 20_000 }, (_, i) => ({ name: `batch ${i}` })))
        .then(
          () => 'written',
          (e: unknown) => (isCrmError(e, 'adapter') ? 'adapter error' : e),
        );
      // Kill once the INSERTs are running on the connection.
      for (let tries = 0; tries < 400; tries++) {
        const [rows] = await admin.query('SELECT INFO AS info FROM information_schema.PROCESSLIST WHERE ID = ?', [id]);
        if (/INSERT/i.test(String((rows as { info: unknown }[])[0]?.info ?? ''))) break;
        await sleep(5);
      }
      await kill(id);
      const outcome = await batch;
      expect(['written', 'adapter error']).toContain(outcome);
      expect(await countCustomers()).toBe(outcome === 'written' ? 20_000 : 0);
      console.info(`createMany under KILL (${setup}): ${outcome}`);
      await works(crm);
    });
  });

  describe('MariaDB session mode', () => {
    it("a string[] element too long for its column is refused, never cut, even when the host's session is not strict", async () => {
      const { crm, adapter, countCustomers } = await connect('pool', { labels: z.array(z.string()) }, '');
      const long = 'x'.repeat(3000);
      const error = await crm.customers.create({ name: 'long', custom: { labels: [long] } }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isCrmError(error, 'adapter') || isCrmError(error, 'validation'), String(error)).toBe(true);
      expect(await countCustomers()).toBe(0);
      const mode = (await sql<{ mode: string }>`SELECT @@SESSION.sql_mode AS mode`.execute(await (adapter as SqlAdapter).kysely())).rows[0]!.mode;
      expect(mode.split(',')).toContain('STRICT_ALL_TABLES');
      const short = await crm.customers.create({ name: 'short', custom: { labels: ['ok'] } });
      expect(await crm.customers.count({ field: 'custom.labels' as string, op: 'contains', value: 'ok' })).toBe(1);
      expect((await crm.customers.get(short.id)).custom).toEqual({ labels: ['ok'] });
    });

    it("a host's Kysely instance gets the strict mode for crmkit's writes too", async () => {
      const pool = mysql.createPool({ uri: url, connectionLimit: 1, charset: 'utf8mb4_bin' });
      pool.on('connection', (connection) => connection.query("SET SESSION sql_mode = ''"));
      const db = new Kysely({ dialect: new MysqlDialect({ pool }) });
      const tablePrefix = `${uniqueName('f')}_`;
      const crm = await createCrm({ adapter: sqlAdapter({ db, tablePrefix }), customFields: { customers: z.object({ labels: z.array(z.string()) }) } });
      ends.push(async () => {
        await crm.close();
        await db.destroy();
      });
      const error = await crm.customers.create({ name: 'long', custom: { labels: ['y'.repeat(3000)] } }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isCrmError(error, 'adapter') || isCrmError(error, 'validation'), String(error)).toBe(true);
      expect(await crm.customers.count()).toBe(0);
      const [tables] = await admin.query(`SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE '${tablePrefix}%'`);
      ends.push(async () => {
        await admin.query('SET FOREIGN_KEY_CHECKS = 0');
        for (const { t } of tables as { t: string }[]) await admin.query(`DROP TABLE IF EXISTS \`${t}\``);
        await admin.query('SET FOREIGN_KEY_CHECKS = 1');
      });
    });
  });
}
