// idb recognizes IndexedDB objects by the global classes; fake-indexeddb/auto installs them.
import 'fake-indexeddb/auto';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import type { CrmAdapter } from 'crmkit';
import { indexedDbAdapter } from 'crmkit/indexeddb';
import { memoryAdapter } from 'crmkit/memory';
import { sqlAdapter } from 'crmkit/sql';

let databases = 0;

/** The adapters the customer-data tests run on: memory, SQLite, and IndexedDB (fake-indexeddb). */
export const customerDataAdapters: readonly { readonly name: string; readonly create: () => CrmAdapter }[] = [
  { name: 'memory', create: () => memoryAdapter() },
  { name: 'sqlite', create: () => sqlAdapter({ dialect: 'sqlite', filename: ':memory:' }) },
  { name: 'indexeddb', create: () => indexedDbAdapter({ name: `customer-data-${process.pid}-${++databases}`, indexedDB, IDBKeyRange }) },
];
