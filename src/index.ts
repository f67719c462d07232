/**
 * crmkit: customer relationship management as code. The root export holds what
 * an application uses; the storage helpers an adapter author needs are in
 * `crmkit/adapter-kit`, the statistical models and special functions behind
 * `crm.analytics` in `crmkit/analytics`.
 *
 * ```ts
 * import { createCrm, where, ago } from 'crmkit';
 * import { memoryAdapter } from 'crmkit/memory';
 * ```
 *
 * @module crmkit
 */
export * from './crm.js';
export * from './schema/index.js';
export * from './services/index.js';
export * from './storage/adapter.js';
export * from './storage/adapter-capabilities.js';
export * from './storage/aggregate-query.js';
export * from './storage/aggregate-having.js';
export * from './storage/collection-schema.js';
export * from './storage/errors.js';
export type { ExactSum } from './storage/exact-sum.js';
export type { SortInput } from './storage/resolve-sort.js';
export * from './storage/field-type.js';
export * from './storage/filter.js';
export * from './storage/filter-operator.js';
export type { FieldTypeOf, ModelFields, ModelPath, PathOfType, ScalarPath } from './storage/model-paths.js';
export * from './storage/related-filter.js';
export * from './storage/relative-date.js';
export * from './storage/sort.js';
export * from './storage/storage-query.js';
export * from './storage/stored-record.js';
export type { CheckedFilter, FilterOperand, ModelCondition, ModelFilter, OperatorsFor } from './storage/typed-filter.js';
export * from './storage/where.js';
export * from './storage/write-outcome.js';
export {
  analyticsIssueCodes,
  type AnalyticsIssueCode,
  type BgNbdParameters,
  type ChurnScore,
  type CustomerSummary,
  type PurchaseEvent,
  type RfmRule,
  type RfmScore,
  type RfmSegmentName,
  type ScoreRange,
  type SummaryOptions,
} from './analytics/index.js';
