import type { CrmAdapter } from 'crmkit';
import { memoryAdapter } from 'crmkit/memory';
import { sqlAdapter } from 'crmkit/sql';

/** The adapters the core's validation tests run on: the reference, and SQLite as a database that stores what it is given. */
export const coreAdapters: readonly { readonly name: string; readonly create: () => CrmAdapter }[] = [
  { name: 'memory', create: () => memoryAdapter() },
  { name: 'sqlite', create: () => sqlAdapter({ dialect: 'sqlite', filename: ':memory:' }) },
];
