/**
 * The codes of the issues the cases module reports, as a closed list (part of
 * `issueCodes`):
 *
 * - business calendars: `overlapping_hours` (two working intervals of a week
 *   cover the same wall-clock time), `empty_interval` (an interval that starts
 *   when it ends), `no_working_hours` (a week without one working interval),
 *   `invalid_closure` (a closure that does not end after it starts);
 * - SLA policies: `duplicate_target` (a target kind twice in one policy);
 * - cases: `unknown_policy` (a case names an SLA policy that does not exist).
 *
 * @example
 * ```ts
 * if (error.issues.some((issue) => issue.code === 'overlapping_hours')) showHoursEditor();
 * ```
 */
export const caseIssueCodes = [
  'overlapping_hours',
  'empty_interval',
  'no_working_hours',
  'invalid_closure',
  'duplicate_target',
  'unknown_policy',
] as const;

/** One of {@link caseIssueCodes}. */
export type CaseIssueCode = (typeof caseIssueCodes)[number];
