import * as z from 'zod';
import { ValidationError, type CrmIssue } from '../../storage/errors.js';

/**
 * The most characters (UTF-16 code units) a tenant id has.
 *
 * @example
 * ```ts
 * tenantIdMaxLength; // 128
 * ```
 */
export const tenantIdMaxLength = 128;

/**
 * The schema of a tenant's id: the host's id for one of its customers'
 * organizations (an account, a workspace), 1–128 characters.
 *
 * @example
 * ```ts
 * tenantIdSchema.parse('acme'); // 'acme'
 * ```
 */
export const tenantIdSchema = z.string().min(1).max(tenantIdMaxLength);

/**
 * `value` as a tenant id, or a `ValidationError` with zod's issues under `path`.
 *
 * @example
 * ```ts
 * parseTenantId('acme', ['tenant']); // 'acme'
 * parseTenantId('', ['tenant']);     // throws ValidationError (too_small)
 * ```
 */
export function parseTenantId(value: unknown, path: readonly PropertyKey[]): string {
  const result = tenantIdSchema.safeParse(value);
  if (result.success) return result.data;
  const issues: CrmIssue[] = result.error.issues.map((issue) => ({ code: issue.code, path: [...path, ...issue.path], message: issue.message }));
  throw new ValidationError(`Invalid tenant id: ${issues.map((issue) => issue.message).join('; ')}`, issues);
}

/**
 * The id of a record a module keeps under a fixed key (the change feed's
 * sequence counter, a named consumer's state), made distinct per tenant:
 * record ids are unique across the whole store, so two tenants' records of
 * the same key need two ids. Without a tenant, the key itself.
 *
 * @example
 * ```ts
 * tenantKeyedId('feed', undefined); // 'feed'
 * tenantKeyedId('feed', 'acme');    // '["acme","feed"]'
 * ```
 */
export function tenantKeyedId(key: string, tenant: string | undefined): string {
  return tenant === undefined ? key : JSON.stringify([tenant, key]);
}
