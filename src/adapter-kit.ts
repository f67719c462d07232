/**
 * crmkit/adapter-kit: what the author of a storage adapter builds on: the
 * storage contract (the types of `crmkit` too), the reference implementations
 * of the filter language, the sort order and aggregation (`compileFilter`,
 * `compareRecords`, `aggregateRecords`), cursors, calendar buckets, exact sums
 * and the string and time-zone helpers the adapters share.
 *
 * ```ts
 * import { compileFilter, compareRecords, type CrmAdapter } from 'crmkit/adapter-kit';
 * ```
 *
 * @module crmkit/adapter-kit
 */
export * from './storage/index.js';
