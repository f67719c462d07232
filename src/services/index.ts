/**
 * The model services and what they share: clock, ids, events, query options.
 *
 * @module
 */
export * from './analytics-service.js';
export * from './bulk-result.js';
export * from './clock.js';
export * from './crm-events.js';
export * from './deal-service.js';
export * from './find-options.js';
export * from './id-generator.js';
export { ModelService, type AggregateOptions, type Recipe, type UpdateItem, type WriteOptions } from './model-service.js';
export type { ServiceContext } from './service-context.js';
export { upsertOutcomes, type UpsertOptions, type UpsertOutcome, type UpsertResult } from './upsert-many.js';
export type { ReadonlyRecord } from './readonly-record.js';
export type { AggregateRowOf, CheckedAggregateOptions } from './typed-aggregate.js';
