import { analyticsIssueCodes } from '../analytics/analytics-validation.js';
import { accessIssueCodes } from '../services/access/access-issue-codes.js';
import { caseIssueCodes } from '../services/cases/case-issue-codes.js';
import { segmentIssueCodes } from '../services/segments/segment-issue-codes.js';
import { relatedFilterIssueCodes } from '../storage/related-filter.js';
import { storedValueIssueCodes } from './stored-value-limits.js';

/**
 * The codes zod 4 gives its issues; a `ValidationError` passes them on as they are.
 *
 * @example
 * ```ts
 * zodIssueCodes.includes('too_small'); // true
 * ```
 */
export const zodIssueCodes = [
  'invalid_type',
  'too_big',
  'too_small',
  'invalid_format',
  'not_multiple_of',
  'unrecognized_keys',
  'invalid_union',
  'invalid_key',
  'invalid_element',
  'invalid_value',
  'custom',
] as const;

/**
 * The codes of the issues the core itself reports, beyond zod's and the stored-value limits:
 *
 * - writes: `readonly_field` (a base or managed field set by an input or a recipe),
 *   `unknown_reference` (a reference to no record), `unknown_stage` (a deal's stage not in its
 *   pipeline), `amount_mismatch` (a deal's amount that is not the sum of its line items),
 *   `duplicate_id` (an id twice in one batch);
 * - queries: `unknown_field`, `unknown_operator`, `invalid_filter`, `invalid_sort`, `invalid_limit`,
 *   `invalid_cursor`, `invalid_bucket`, `invalid_measure`, `invalid_time_zone`;
 * - options: `invalid_option`, `mixed_currencies` (analytics over several currencies);
 * - `createCrm`'s modules: `duplicate_module`, `duplicate_collection`, `invalid_module`.
 *
 * @example
 * ```ts
 * if (error.issues.some((issue) => issue.code === 'unknown_reference')) askForTheCustomer();
 * ```
 */
export const coreIssueCodes = [
  'readonly_field',
  'unknown_reference',
  'unknown_stage',
  'amount_mismatch',
  'duplicate_id',
  'unknown_field',
  'unknown_operator',
  'invalid_filter',
  'invalid_sort',
  'invalid_limit',
  'invalid_cursor',
  'invalid_bucket',
  'invalid_measure',
  'invalid_time_zone',
  'invalid_option',
  'mixed_currencies',
  'duplicate_module',
  'duplicate_collection',
  'invalid_module',
] as const;

/**
 * Every code a `CrmIssue` may carry, as one closed list: zod's, the
 * core's, the stored-value limits', the analytics validation's, the cases module's and the access module's.
 *
 * @example
 * ```ts
 * const known = new Set<string>(issueCodes);
 * error.issues.every((issue) => known.has(issue.code)); // true for every error crmkit throws
 * ```
 */
export const issueCodes = [...new Set([...zodIssueCodes, ...coreIssueCodes, ...storedValueIssueCodes, ...analyticsIssueCodes, ...caseIssueCodes, ...accessIssueCodes, ...relatedFilterIssueCodes, ...segmentIssueCodes])] as readonly IssueCode[];

/** One of {@link issueCodes}. */
export type IssueCode =
  | (typeof zodIssueCodes)[number]
  | (typeof coreIssueCodes)[number]
  | (typeof storedValueIssueCodes)[number]
  | (typeof analyticsIssueCodes)[number]
  | (typeof caseIssueCodes)[number]
  | (typeof accessIssueCodes)[number]
  | (typeof relatedFilterIssueCodes)[number]
  | (typeof segmentIssueCodes)[number];
