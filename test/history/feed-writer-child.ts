/**
 * A writer process for the multi-process change-feed test, run with tsx. It
 * reads one JSON job from argv (`{ adapter, writer, rounds }`), then writes
 * `rounds` rounds, each: a transaction creating two customers that commits, a
 * transaction creating one that rolls back on purpose, and an update of an
 * earlier customer. It prints `ready` once open, then one JSON line per
 * committed change (`{"c":"<recordId>:<version>:<operation>"}`) and one per
 * rolled-back record id (`{"r":"<recordId>"}`), and `done` at the end.
 */
import { createCrm } from '../../src/index.js';
import { sqlAdapter, type SqlAdapterOptions } from '../../adapters/sql/index.js';

interface Job {
  readonly adapter: SqlAdapterOptions;
  readonly writer: string;
  readonly rounds: number;
}

const job = JSON.parse(process.argv[2]!) as Job;
const crm = await createCrm({ adapter: sqlAdapter(job.adapter), actor: { kind: 'system', id: job.writer } });
const say = (line: object | string) => process.stdout.write(`${typeof line === 'string' ? line : JSON.stringify(line)}\n`);
say('ready');
const mine: string[] = [];
for (let round = 0; round < job.rounds; round++) {
  const [a, b] = await crm.transaction(async (tx) => [
    await tx.customers.create({ name: `${job.writer} ${round} a` }),
    await tx.customers.create({ name: `${job.writer} ${round} b` }),
  ]);
  say({ c: `${a!.id}:1:create` });
  say({ c: `${b!.id}:1:create` });
  mine.push(a!.id, b!.id);
  let doomed = '';
  try {
    await crm.transaction(async (tx) => {
      doomed = (await tx.customers.create({ name: `${job.writer} ${round} rolled back` })).id;
      throw new Error('roll back');
    });
  } catch {
    say({ r: doomed });
  }
  const target = mine[Math.floor(mine.length / 2)]!;
  const updated = await crm.customers.update(target, (draft) => void draft.tags.push(`r${round}`));
  say({ c: `${target}:${updated.version}:update` });
}
say('done');
await crm.close();
