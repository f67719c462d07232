/**
 * `crmkit/indexeddb`: the IndexedDB adapter, for browser applications that keep
 * their CRM data in the user's browser.
 *
 * @module crmkit/indexeddb
 */
export { indexedDbAdapter, type IndexedDbAdapter } from './indexeddb-adapter.js';
export { durabilities, type Durability, type IndexedDbAdapterOptions } from './indexeddb-options.js';
