import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { sqlAdapter } from 'crmkit/sql';
import { describeAdapterConformance } from 'crmkit/testing';

describeAdapterConformance({ name: 'sql sqlite :memory:', createAdapter: () => sqlAdapter({ dialect: 'sqlite', filename: ':memory:' }) });

const folder = mkdtempSync(join(tmpdir(), 'crmkit-sqlite-'));
let files = 0;
afterAll(() => rmSync(folder, { recursive: true, force: true }));
describeAdapterConformance({
  name: 'sql sqlite file',
  createAdapter: () => sqlAdapter({ dialect: 'sqlite', filename: join(folder, `t${files++}.db`) }),
});
