import { defineIndexedDbBehaviour } from './indexeddb-behaviour.js';

defineIndexedDbBehaviour({ name: 'Chromium', indexedDB: globalThis.indexedDB, IDBKeyRange: globalThis.IDBKeyRange });
