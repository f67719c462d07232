/**
 * Changes per second through 50 enabled automation rules on 100,000 customers:
 * the base is loaded, 50 rules are enabled (record triggers on interactions and
 * customers with filters, most of which a change does not fire, a few that
 * start runs with a task or a tag), then `--changes` interactions are logged and
 * `crm.automation.tick()` is timed until the feed is drained. On SQLite (a
 * file) and PostgreSQL. Run with `npx tsx bench/automation/rules.ts`; options:
 * `--customers 100000 --changes 10000 --dialects sqlite,postgres`. The
 * PostgreSQL URL comes from CRMKIT_TEST_POSTGRES_URL (or the local default).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createCrm, where, type CrmAdapter, type RuleInput } from '../../src/index.js';
import { sqlAdapter } from '../../adapters/sql/index.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const customerCount = Number(args.get('customers') ?? 100_000);
const changeCount = Number(args.get('changes') ?? 10_000);
const dialects = (args.get('dialects') ?? 'sqlite,postgres').split(',');
const postgresUrl = process.env.CRMKIT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const kinds = ['message', 'call', 'meeting', 'note', 'web_visit', 'complaint'] as const;

/** 50 rules: 45 that filter on kinds or channels most changes do not match, 5 that start runs. */
function rules(): RuleInput[] {
  const out: RuleInput[] = [];
  for (let i = 0; i < 45; i++) {
    out.push({
      name: `Quiet ${i}`,
      trigger: { kind: 'record', collection: 'interactions', operations: ['create'], where: where.and(where('kind', 'eq', 'survey_response'), where('subject', 'eq', `never-${i}`)), subject: 'customerId' },
      steps: [{ kind: 'add_tag', tag: `quiet-${i}` }],
    });
  }
  out.push({ name: 'Complaint task', trigger: { kind: 'record', collection: 'interactions', operations: ['create'], where: where('kind', 'eq', 'complaint'), subject: 'customerId' }, steps: [{ kind: 'create_task', title: 'Call back', dueInMinutes: 240 }], reenroll: true });
  out.push({ name: 'Meeting tag', trigger: { kind: 'record', collection: 'interactions', operations: ['create'], where: where('kind', 'eq', 'meeting'), subject: 'customerId' }, steps: [{ kind: 'add_tag', tag: 'met' }] });
  out.push({ name: 'Call note', trigger: { kind: 'record', collection: 'interactions', operations: ['create'], where: where('kind', 'eq', 'call'), subject: 'customerId' }, steps: [{ kind: 'add_tag', tag: 'called' }] });
  out.push({ name: 'Tag watcher', trigger: { kind: 'record', collection: 'customers', operations: ['update'], fields: ['tags'], where: where('tags', 'contains', 'vip') }, steps: [{ kind: 'add_tag', tag: 'vip-seen' }] });
  out.push({ name: 'Web visit wait', trigger: { kind: 'record', collection: 'interactions', operations: ['create'], where: where('kind', 'eq', 'web_visit'), subject: 'customerId' }, steps: [{ kind: 'wait', minutes: 60 }, { kind: 'add_tag', tag: 'visited' }] });
  return out;
}

async function run(name: string, adapter: CrmAdapter, cleanup: () => Promise<void>) {
  let at = Date.parse('2026-03-02T10:00:00Z');
  const crm = await createCrm({ adapter, clock: { now: () => new Date(at) } });
  const loadStart = performance.now();
  const ids: string[] = [];
  for (let from = 0; from < customerCount; from += 5000) {
    const batch = await crm.customers.createMany(Array.from({ length: Math.min(5000, customerCount - from) }, (_, k) => ({ name: `Customer ${from + k}` })));
    ids.push(...batch.map((c) => c.id));
  }
  for (const rule of rules()) await crm.automation.enable((await crm.automation.define(rule)).id);
  // Drain the load from the feed: the rules act on the changes that follow.
  while ((await crm.automation.tick({ maxChanges: 50_000 })).changes > 0);
  const loadMs = performance.now() - loadStart;
  for (let from = 0; from < changeCount; from += 1000) {
    await crm.interactions.createMany(
      Array.from({ length: Math.min(1000, changeCount - from) }, (_, k) => ({
        customerId: ids[((from + k) * 7919) % ids.length]!,
        channel: 'email' as const,
        kind: kinds[(from + k) % kinds.length]!,
        occurredAt: new Date(at),
      })),
    );
  }
  at += 1000;
  const t0 = performance.now();
  let changes = 0;
  let started = 0;
  let steps = 0;
  for (;;) {
    const result = await crm.automation.tick({ maxChanges: 5000 });
    changes += result.changes;
    started += result.started;
    steps += result.stepsRun;
    if (result.changes === 0) break;
  }
  const ms = performance.now() - t0;
  console.log(`${name}: ${customerCount.toLocaleString('en')} customers, 50 rules (loaded in ${(loadMs / 1000).toFixed(1)} s)`);
  console.log(
    `  ${changes.toLocaleString('en')} feed entries (${changeCount.toLocaleString('en')} interactions and the runs' own writes) in ${(ms / 1000).toFixed(2)} s: ` +
      `${Math.round(changes / (ms / 1000)).toLocaleString('en')} changes/s; ${started.toLocaleString('en')} runs started, ${steps.toLocaleString('en')} steps`,
  );
  await crm.close();
  await cleanup();
}

if (dialects.includes('sqlite')) {
  const dir = mkdtempSync(join(tmpdir(), 'crmkit-bench-automation-'));
  await run('SQLite file', sqlAdapter({ dialect: 'sqlite', filename: join(dir, 'crm.db') }), async () => rmSync(dir, { recursive: true, force: true }));
}
if (dialects.includes('postgres')) {
  const schema = `crmkit_bench_auto_${Date.now().toString(36)}`;
  const pool = new pg.Pool({ connectionString: postgresUrl, max: 4 });
  await run('PostgreSQL', sqlAdapter({ dialect: 'postgres', pool, schema }), async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });
}
