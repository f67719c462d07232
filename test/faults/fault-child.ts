/**
 * A child process for the fault-injection tests, run with tsx. It reads one JSON
 * job from argv and writes progress lines to stdout. Jobs:
 * - `interactions`: opens a crm on a SQLite file and creates `count` interactions for `customerId`.
 * - `hold`: opens a crm, starts `crm.transaction`, updates `customerId` and creates a customer,
 *   prints `inside` and waits forever (the parent kills it with SIGKILL before it commits).
 */
import { createCrm } from '../../src/index.js';
import { sqlAdapter, type SqlAdapterOptions } from '../../adapters/sql/index.js';

interface Job {
  readonly kind: 'interactions' | 'hold';
  readonly adapter: SqlAdapterOptions;
  readonly customerId: string;
  readonly count?: number;
  readonly tag?: string;
}

const job = JSON.parse(process.argv[2]!) as Job;
const crm = await createCrm({ adapter: sqlAdapter(job.adapter) });
if (job.kind === 'interactions') {
  await Promise.all(
    Array.from({ length: job.count ?? 1 }, (_, i) =>
      crm.interactions.create({
        customerId: job.customerId,
        channel: 'email',
        kind: 'message',
        occurredAt: new Date(Date.UTC(2025, 0, 1, 0, 0, i)),
        subject: `${job.tag ?? 'child'} ${i}`,
      }),
    ),
  );
  process.stdout.write('done\n');
  await crm.close();
} else {
  await crm.transaction(async (tx) => {
    await tx.customers.update(job.customerId, (d) => void (d.name = 'written by the killed child'));
    await tx.customers.create({ name: 'created by the killed child' });
    process.stdout.write('inside\n');
    await new Promise(() => {});
  });
}
