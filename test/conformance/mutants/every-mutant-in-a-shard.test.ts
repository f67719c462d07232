// The shard files together hold every mutant: one shard file per shard, none missing.
import { readdirSync } from 'node:fs';
import { expect, it } from 'vitest';
import { mutantShards } from '../mutation-suite.js';

it('has one test file for each shard of the mutation test', () => {
  const files = readdirSync(new URL('.', import.meta.url)).filter((file) => /^shard-\d+\.test\.ts$/.test(file)).sort();
  expect(files).toEqual(Array.from({ length: mutantShards }, (_, i) => `shard-${i + 1}.test.ts`).sort());
});
