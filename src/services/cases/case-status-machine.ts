import { caseStatuses, type CaseStatus } from '../../schema/case.js';
import { InvalidTransitionError } from '../../storage/errors.js';

/**
 * The moves a case may make, as a table from each status to the statuses it
 * may move to. A case is worked (`open`), waits on the customer
 * (`pending_customer`) or on something else (`on_hold`), is `solved`, and is
 * `closed` for good; a solved case the customer comes back on is `reopened`
 * (it counts in the reopen rate) and is worked again. `closed` is final: a new
 * problem is a new case. No status moves to itself, and nothing moves back
 * to `new`.
 *
 * @example
 * ```ts
 * caseTransitions.solved; // ['reopened', 'closed']
 * ```
 */
export const caseTransitions: { readonly [S in CaseStatus]: readonly CaseStatus[] } = {
  new: ['open', 'pending_customer', 'on_hold', 'solved', 'closed'],
  open: ['pending_customer', 'on_hold', 'solved', 'closed'],
  pending_customer: ['open', 'on_hold', 'solved', 'closed'],
  on_hold: ['open', 'pending_customer', 'solved', 'closed'],
  solved: ['reopened', 'closed'],
  closed: [],
  reopened: ['open', 'pending_customer', 'on_hold', 'solved', 'closed'],
};

/**
 * Whether a case in status `from` may move to `to` (see {@link caseTransitions}).
 *
 * @example
 * ```ts
 * canTransitionCase('solved', 'reopened'); // true
 * canTransitionCase('closed', 'open'); // false
 * ```
 */
export function canTransitionCase(from: CaseStatus, to: CaseStatus): boolean {
  return (caseTransitions[from] as readonly string[] | undefined)?.includes(to) ?? false;
}

/**
 * Throws `InvalidTransitionError` (`invalid_transition`) unless a case in
 * status `from` may move to `to`; `to` that is no status at all is refused too.
 *
 * @example
 * ```ts
 * assertCaseTransition('open', 'solved'); // fine
 * assertCaseTransition('closed', 'open'); // throws InvalidTransitionError
 * ```
 */
export function assertCaseTransition(from: CaseStatus, to: CaseStatus): void {
  if (canTransitionCase(from, to)) return;
  const allowed = caseTransitions[from] ?? [];
  const known = (caseStatuses as readonly string[]).includes(to);
  throw new InvalidTransitionError(
    known
      ? `a case cannot move from ${from} to ${to}${allowed.length === 0 ? ` (${from} is final)` : `: from ${from} it may move to ${allowed.join(', ')}`}`
      : `${JSON.stringify(to)} is not a case status (${caseStatuses.join(', ')})`,
  );
}
