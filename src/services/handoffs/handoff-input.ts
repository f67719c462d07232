import type * as z from 'zod';
import { ValidationError, type CrmIssue } from '../../storage/errors.js';

/**
 * zod's issues of `value` against `schema`, as crmkit issues under `path` (crmkit's own codes
 * carried in a custom issue's params are kept).
 *
 * @example
 * ```ts
 * inputIssues(z.strictObject({ body: z.string().min(1) }), { body: '' }, []); // [{ code: 'too_small', path: ['body'], … }]
 * ```
 */
export function inputIssues(schema: z.ZodType, value: unknown, path: readonly PropertyKey[]): { issues: CrmIssue[]; data: unknown } {
  const result = schema.safeParse(value);
  if (result.success) return { issues: [], data: result.data };
  const issues = result.error.issues.map((issue) => {
    const own = issue.code === 'custom' ? (issue.params as { code?: unknown } | undefined)?.code : undefined;
    return { code: typeof own === 'string' ? own : issue.code, path: [...path, ...issue.path], message: issue.message };
  });
  return { issues, data: undefined };
}

/**
 * Throws a `ValidationError` with `issues` when there are any.
 *
 * @example
 * ```ts
 * throwIfInvalid('Invalid note', issues);
 * ```
 */
export function throwIfInvalid(what: string, issues: readonly CrmIssue[]): void {
  if (issues.length > 0) throw new ValidationError(`${what}: ${issues.map((issue) => issue.message).join('; ')}`, issues);
}
