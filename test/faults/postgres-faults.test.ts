import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createCrm, isCrmError, type AdapterError, type Crm } from 'crmkit';
import { sqlAdapter, watchPostgresPool, type SqlAdapterOptions } from 'crmkit/sql';
import { serverUrl, uniqueName } from '../sql/server-url.js';
import { startFaultChild } from './fault-child-process.js';

const url = serverUrl('CRMKIT_TEST_POSTGRES_URL', 'PostgreSQL fault-injection');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How the crm reaches the server: crmkit's own pool, the host's pool, the host's Kysely instance. */
const setups = ['connectionString', 'pool', 'db'] as const;

if (url !== undefined) {
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  const ends: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const end of ends) await end();
    await admin.end();
  });

  /** A crm whose connections carry their own application_name, so that only they are terminated. */
  async function connect(setup: (typeof setups)[number]) {
    const applicationName = uniqueName('crmkit_fault_');
    const schema = uniqueName('crmkit_f_');
    const connectionString = `${url}${url!.includes('?') ? '&' : '?'}application_name=${applicationName}`;
    const lost: AdapterError[] = [];
    const onConnectionError = (error: AdapterError) => void lost.push(error);
    let options: SqlAdapterOptions;
    if (setup === 'connectionString') options = { dialect: 'postgres', connectionString, schema, poolSize: 3, onConnectionError };
    else {
      const pool = new pg.Pool({ connectionString, max: 3 });
      ends.push(() => pool.end());
      if (setup === 'pool') options = { dialect: 'postgres', pool, schema, onConnectionError };
      else {
        watchPostgresPool(pool, onConnectionError);
        options = { db: new Kysely({ dialect: new PostgresDialect({ pool }) }), schema };
      }
    }
    const crm = await createCrm({ adapter: sqlAdapter(options) });
    ends.push(async () => {
      await crm.close();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    });
    const terminate = async () =>
      (await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [applicationName])).rowCount ?? 0;
    const countCustomers = async () => Number((await admin.query(`SELECT COUNT(*) AS n FROM "${schema}"."crm_customers"`)).rows[0].n);
    return { crm, terminate, countCustomers, lost, schema, connectionString };
  }

  async function expectAdapterError(promise: Promise<unknown>): Promise<void> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isCrmError(error, 'adapter'), String(error)).toBe(true);
  }

  const works = async (crm: Crm) => {
    const made = await crm.customers.create({ name: 'afterwards' });
    expect((await crm.customers.get(made.id)).name).toBe('afterwards');
  };

  describe.each(setups)('PostgreSQL, lost connections (%s)', (setup) => {
    it('the server ends idle pooled connections: no crash, the loss is reported, the next call works', async () => {
      const { crm, terminate, countCustomers, lost } = await connect(setup);
      await Promise.all([crm.customers.create({ name: 'a' }), crm.customers.create({ name: 'b' })]);
      expect(await terminate()).toBeGreaterThan(0);
      await sleep(200);
      expect(lost.length).toBeGreaterThan(0);
      expect(lost.every((e) => isCrmError(e, 'adapter'))).toBe(true);
      await works(crm);
      expect(await countCustomers()).toBe(3);
    });

    it('the connection of an open crm.transaction is ended: AdapterError, nothing of it written, the next call works', async () => {
      const { crm, terminate, countCustomers } = await connect(setup);
      const before = await crm.customers.create({ name: 'before' });
      await expectAdapterError(
        crm.transaction(async (tx) => {
          await tx.customers.create({ name: 'inside' });
          await tx.customers.update(before.id, (d) => void (d.name = 'changed inside'));
          expect(await terminate()).toBeGreaterThan(0);
          await sleep(200);
          await tx.customers.create({ name: 'after the loss' });
        }),
      );
      expect(await countCustomers()).toBe(1);
      expect(await crm.customers.get(before.id)).toEqual(before);
      await works(crm);
    });

    it('connections are ended during a createMany of 20,000: AdapterError or success, never part of the batch', async () => {
      const { crm, terminate, countCustomers } = await connect(setup);
      await crm.customers.create({ name: 'warm' });
      let settled = false;
      const batch = crm.customers
        .createMany(Array.from({ length: 20_000 }, (_, i) => ({ name: `batch ${i}` })))
        .then(
          () => 'written',
          (e: unknown) => (isCrmError(e, 'adapter') ? 'adapter error' : e),
        )
        .finally(() => (settled = true));
      let terminated = 0;
      while (!settled) {
        terminated += await terminate();
        await sleep(15);
      }
      const outcome = await batch;
      expect(['written', 'adapter error']).toContain(outcome);
      expect(await countCustomers()).toBe(outcome === 'written' ? 20_001 : 1);
      console.info(`createMany under pg_terminate_backend (${setup}): ${outcome}, ${terminated} backends ended`);
      await works(crm);
    });
  });

  it('a process killed inside a PostgreSQL transaction leaves nothing of it, and its row lock goes with it', { timeout: 60_000 }, async () => {
    const { crm, countCustomers, schema, connectionString } = await connect('connectionString');
    const customer = await crm.customers.create({ name: 'Before' });
    const child = startFaultChild({ kind: 'hold', adapter: { dialect: 'postgres', connectionString, schema }, customerId: customer.id });
    await child.line('inside');
    child.process.kill('SIGKILL');
    await child.ended();
    const updated = await crm.customers.update(customer.id, (d) => void (d.name = 'After'));
    expect(updated.version).toBe(2);
    expect(await countCustomers()).toBe(1);
  });
}
