/**
 * The adapter contract: what the core hands an adapter and what it expects back.
 * Adapters import from here and nothing else of the core.
 *
 * @module
 */
export * from './adapter.js';
export * from './adapter-capabilities.js';
export * from './deep-freeze.js';
export * from './aggregate-query.js';
export * from './aggregate-records.js';
export * from './aggregate-having.js';
export * from './date-bucket.js';
export * from './keyset-after.js';
export * from './scan-storage.js';
export * from './collection-schema.js';
export * from './compare-records.js';
export * from './compare-values.js';
export * from './compile-filter.js';
export * from './cursor.js';
export * from './errors.js';
export * from './exact-sum.js';
export * from './measure-related.js';
export * from './field-type.js';
export * from './filter.js';
export * from './filter-operator.js';
export type { FieldTypeOf, ModelFields, ModelPath, PathOfType, ScalarPath } from './model-paths.js';
export * from './read-path.js';
export * from './related-filter.js';
export * from './relative-date.js';
export * from './resolve-filter.js';
export * from './resolve-sort.js';
export * from './sort.js';
export * from './storage-query.js';
export * from './stored-record.js';
export * from './time-zone.js';
export * from './unique-indexes.js';
export * from './well-formed-string.js';
export type { CheckedFilter, FilterOperand, ModelCondition, ModelFilter, OperatorsFor } from './typed-filter.js';
export * from './where.js';
export * from './write-outcome.js';
