// The suite registers with whatever runner it is given: here vitest's bare functions, passed the
// way a Jest user passes Jest's globals, with every group but two skipped to keep it short.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryAdapter } from 'crmkit/memory';
import { conformanceGroups, describeAdapterConformance, type ConformanceExpect, type ConformanceRunner } from 'crmkit/testing';
import { plainMapAdapter } from '../plugin-author/plain-map-adapter.js';
import { collectingRunner } from './collecting-runner.js';

const jestStyle: ConformanceRunner = { describe, it, expect: expect as unknown as ConformanceExpect, beforeEach, afterEach };
const onlyContract = Object.fromEntries(
  conformanceGroups.filter((group) => group !== 'adapter-contract' && group !== 'transactions').map((group) => [group, 'left out of this run']),
);

describeAdapterConformance({ name: 'memory, registered through a runner option', createAdapter: () => memoryAdapter(), runner: jestStyle, skip: onlyContract });

describe('a collecting runner', () => {
  it('receives every case, reports capability skips as skipped and skipped groups as skipped', async () => {
    const runner = collectingRunner();
    describeAdapterConformance({ name: 'plain', createAdapter: plainMapAdapter, runner, skip: onlyContract });
    const results = await runner.run();
    const byStatus = (status: string) => results.filter((r) => r.status === status).length;
    expect(byStatus('failed')).toBe(0);
    expect(byStatus('passed')).toBeGreaterThan(20);
    // plain-map declares no transactions: those cases skip themselves; the other groups are skipped whole.
    expect(results.filter((r) => r.name.includes('transactions at the adapter')).every((r) => r.status === 'skipped')).toBe(true);
    expect(results.some((r) => r.name.includes('(skipped: left out of this run)') && r.status === 'skipped')).toBe(true);
  });

  it('reports a failing case as failed with its message, and keeps running the others', async () => {
    const runner = collectingRunner();
    describeAdapterConformance({
      name: 'find without limits',
      createAdapter: () => {
        const adapter = plainMapAdapter();
        return { ...adapter, find: (collection, query) => adapter.find(collection, { ...query, limit: undefined }) };
      },
      runner,
      skip: onlyContract,
    });
    const results = await runner.run();
    const failed = results.filter((r) => r.status === 'failed');
    expect(failed.map((r) => r.name)).toContainEqual(expect.stringContaining('returns at most limit 1 records'));
    expect(failed[0]!.error).toMatch(/AssertionError/);
    expect(results.filter((r) => r.status === 'passed').length).toBeGreaterThan(10);
  });
});
