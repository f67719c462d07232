/**
 * The model services and what they share: clock, ids, events, query options.
 *
 * @module
 */
export * from './access/index.js';
export * from './actor.js';
export * from './analytics-service.js';
export * from './change-feed/index.js';
export * from './history/index.js';
export * from './bulk-result.js';
export * from './clock.js';
export * from './crm-events.js';
export type { DataMigration } from './data-migration.js';
export * from './builtin-modules.js';
export * from './campaigns/index.js';
export * from './automation/index.js';
export * from './cases/index.js';
export * from './customer-data/index.js';
export * from './data-transfer/index.js';
export * from './define-module.js';
export * from './handoffs/index.js';
export * from './pipelines/index.js';
export * from './segments/index.js';
export * from './tasks/index.js';
export * from './storage-middleware.js';
export * from './related-filter-fallback.js';
export * from './write-hook.js';
export * from './find-options.js';
export * from './id-generator.js';
export { ModelService, type AggregateOptions, type Recipe, type UpdateItem, type WriteOptions } from './model-service.js';
export type { ServiceContext } from './service-context.js';
export { upsertOutcomes, type UpsertOptions, type UpsertOutcome, type UpsertResult } from './upsert-many.js';
export type { DeepReadonly, ReadonlyJson, ReadonlyRecord, ReadonlyValue } from './readonly-record.js';
export type { AggregateRowOf, CheckedAggregateOptions } from './typed-aggregate.js';
