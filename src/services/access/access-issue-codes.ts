/**
 * The codes of the issues the access module reports, as a closed list (part of
 * `issueCodes`):
 *
 * - `tenant_field`: a filter, sort or aggregate names `tenantId`, which only the
 *   crm's tenant scoping may set (so no query can reach another tenant's records);
 * - `unscoped_filter`: a filter node kind the scoping does not know (it could
 *   carry a query that would escape the scope);
 * - `forbidden_field`: a filter, sort or aggregate names a field the actor's role
 *   hides or masks (a filter on it would reveal its value);
 * - `forbidden`: a write the actor's role does not allow (the collection, the
 *   operation, a record outside the role's scope, a hidden or masked field changed).
 *
 * @example
 * ```ts
 * if (error.issues.some((issue) => issue.code === 'tenant_field')) dropTenantCondition();
 * ```
 */
export const accessIssueCodes = ['tenant_field', 'unscoped_filter', 'forbidden_field', 'forbidden'] as const;

/** One of {@link accessIssueCodes}. */
export type AccessIssueCode = (typeof accessIssueCodes)[number];
