import { describeAdapterConformance } from '../../src/testing/index.js';
import { indexedDbAdapter, type IndexedDbAdapter } from './index.js';

let counter = 0;
const run = Math.random().toString(36).slice(2);

describeAdapterConformance({
  name: 'indexeddb (Chromium)',
  createAdapter: () => indexedDbAdapter({ name: `conformance-${run}-${counter++}` }),
  destroyAdapter: (adapter) => (adapter as IndexedDbAdapter).deleteDatabase(),
});
