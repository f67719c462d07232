/**
 * `crmkit/memory`: the in-memory adapter.
 *
 * @module crmkit/memory
 */
export { memoryAdapter, type MemoryAdapter, type MemoryAdapterOptions } from './memory-adapter.js';
export { decodeSnapshot, encodeSnapshot, type MemorySnapshot } from './memory-snapshot.js';
