// Four processes write to one PostgreSQL database while consumers read the feed at the same time:
// every committed change reaches each consumer exactly once, in commit order, and nothing that
// rolled back is ever seen (issue 18's "total order with no gaps that a consumer could skip").
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createCrm, type ChangeFeedEntry, type Crm } from 'crmkit';
import { sqlAdapter, type SqlAdapterOptions } from 'crmkit/sql';
import { serverUrl, uniqueName } from '../sql/server-url.js';

const url = serverUrl('CRMKIT_TEST_POSTGRES_URL', 'PostgreSQL multi-process change feed');
const childScript = fileURLToPath(new URL('./feed-writer-child.ts', import.meta.url));
const writers = 4;
const rounds = 15;

interface WriterOutput {
  readonly committed: string[];
  readonly rolledBack: string[];
}

function runWriter(adapter: SqlAdapterOptions, writer: string): Promise<WriterOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', childScript, JSON.stringify({ adapter, writer, rounds })], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => void (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (err += chunk));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`writer ${writer} failed (${code}): ${err}`));
      const lines = out.split('\n').filter((line) => line.startsWith('{'));
      const parsed = lines.map((line) => JSON.parse(line) as { c?: string; r?: string });
      resolve({ committed: parsed.flatMap((line) => (line.c === undefined ? [] : [line.c])), rolledBack: parsed.flatMap((line) => (line.r === undefined ? [] : [line.r])) });
    });
  });
}

/** Reads `consumer` until `stop()` says the writers are done and a read comes back empty. */
async function drain(crm: Crm, name: string, handles: number, stop: () => boolean): Promise<ChangeFeedEntry[][]> {
  return Promise.all(
    Array.from({ length: handles }, async () => {
      const consumer = crm.changes.consumer(name, { batchSize: 7, leaseMs: 120_000 });
      const seen: ChangeFeedEntry[] = [];
      for (;;) {
        const done = stop();
        const batch = await consumer.next();
        if (batch === undefined) {
          if (done) return seen;
          await new Promise((resolve) => setTimeout(resolve, 20));
          continue;
        }
        seen.push(...batch.entries);
        await consumer.ack(batch.cursor);
      }
    }),
  );
}

if (url !== undefined) {
  const schema = uniqueName('crmkit_feed_');
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  let crm: Crm | undefined;
  afterAll(async () => {
    await crm?.close();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  describe('the change feed on PostgreSQL with 4 writing processes and consumers reading meanwhile', () => {
    it('hands every committed change to each consumer exactly once, in commit order, and nothing that rolled back', async () => {
      const adapter: SqlAdapterOptions = { dialect: 'postgres', connectionString: url, schema, poolSize: 3 };
      crm = await createCrm({ adapter: sqlAdapter(adapter) });
      let writing = true;
      const reading = Promise.all([drain(crm, 'first', 1, () => !writing), drain(crm, 'second', 1, () => !writing), drain(crm, 'shared', 2, () => !writing)]);
      const outputs = await Promise.all(Array.from({ length: writers }, (_, i) => runWriter(adapter, `writer-${i}`))).finally(() => {
        writing = false;
      });
      const [[first], [second], shared] = await reading;
      const committed = outputs.flatMap((output) => output.committed).sort();
      const rolledBack = new Set(outputs.flatMap((output) => output.rolledBack));
      expect(committed).toHaveLength(writers * rounds * 3);
      expect(rolledBack.size).toBe(writers * rounds);

      for (const seen of [first!, second!]) {
        // Commit order without gaps: 1, 2, 3, … exactly.
        expect(seen.map((entry) => entry.sequence)).toEqual(Array.from({ length: committed.length }, (_, i) => i + 1));
        // Every committed change once; nothing else (no rolled-back record).
        expect(seen.map((entry) => `${entry.recordId}:${entry.recordVersion}:${entry.operation}`).sort()).toEqual(committed);
        expect(seen.filter((entry) => rolledBack.has(entry.recordId))).toEqual([]);
        // Consistent with each record's own order: its versions come in increasing order.
        const lastVersion = new Map<string, number>();
        for (const entry of seen) {
          expect(entry.recordVersion).toBeGreaterThan(lastVersion.get(entry.recordId) ?? 0);
          lastVersion.set(entry.recordId, entry.recordVersion);
        }
      }
      // Two handles sharing one consumer: between them every entry once, never both.
      const sharedSequences = shared.flat().map((entry) => entry.sequence).sort((a, b) => a - b);
      expect(sharedSequences).toEqual(Array.from({ length: committed.length }, (_, i) => i + 1));
      expect(await crm.changes.consumer('shared').position()).toBe(committed.length);
    }, 180_000);
  });
}
