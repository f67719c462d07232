import { defineIndexedDbUpgrade } from './indexeddb-upgrade.js';

defineIndexedDbUpgrade({ name: 'Chromium', indexedDB: globalThis.indexedDB, IDBKeyRange: globalThis.IDBKeyRange });
