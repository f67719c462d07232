// Run by node-test-runner.test.ts as `node --import tsx --test`: the conformance suite registered
// with node:test, asserting with vitest's expect used on its own (any Jest-compatible expect fits).
import { afterEach, beforeEach, describe, it } from 'node:test';
import { expect } from 'vitest';
import { memoryAdapter } from '../../adapters/memory/index.js';
import { conformanceGroups, describeAdapterConformance, type ConformanceExpect } from '../../src/testing/index.js';

const kept = ['adapter-contract', 'string-matching', 'transactions'];
const skip = Object.fromEntries(conformanceGroups.filter((group) => !kept.includes(group)).map((group) => [group, 'kept short under node:test']));

describeAdapterConformance({
  name: 'memory under node:test',
  createAdapter: () => memoryAdapter(),
  runner: { describe, it, expect: expect as unknown as ConformanceExpect, beforeEach, afterEach },
  skip,
});
