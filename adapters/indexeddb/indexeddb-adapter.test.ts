// idb recognizes IndexedDB objects by the global classes; fake-indexeddb/auto installs them.
import 'fake-indexeddb/auto';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { describeAdapterConformance } from '../../src/testing/index.js';
import { indexedDbAdapter, type IndexedDbAdapter } from './index.js';

let counter = 0;

describeAdapterConformance({
  name: 'indexeddb (fake-indexeddb)',
  createAdapter: () => indexedDbAdapter({ name: `conformance-${process.pid}-${counter++}`, indexedDB, IDBKeyRange }),
  destroyAdapter: (adapter) => (adapter as IndexedDbAdapter).deleteDatabase(),
});
