// idb recognizes IndexedDB objects by the global classes; fake-indexeddb/auto installs them.
import 'fake-indexeddb/auto';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { defineIndexedDbBehaviour } from './indexeddb-behaviour.js';

defineIndexedDbBehaviour({ name: 'fake-indexeddb', indexedDB, IDBKeyRange });
