// idb recognizes IndexedDB objects by the global classes; fake-indexeddb/auto installs them.
import 'fake-indexeddb/auto';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { defineIndexedDbUpgrade } from './indexeddb-upgrade.js';

defineIndexedDbUpgrade({ name: 'fake-indexeddb', indexedDB, IDBKeyRange });
