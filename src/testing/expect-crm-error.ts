import { expect, fail } from './conformance-runner.js';
import { isCrmError, type CrmError, type CrmErrorCode } from '../storage/errors.js';

/**
 * Awaits `action` (a promise, or a function returning one or throwing), expects
 * it to fail with a crmkit error of `code`, and returns that error so a test can
 * look at its issues.
 *
 * @example
 * ```ts
 * const error = await expectCrmError(crm.customers.create({ name: '' }), 'validation');
 * expect(error.issues[0]!.path).toEqual(['name']);
 * ```
 */
export async function expectCrmError(
  action: Promise<unknown> | (() => unknown),
  code: CrmErrorCode,
): Promise<CrmError> {
  let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await (typeof action === 'function' ? action() : action) };
  } catch (error) {
    outcome = { ok: false, error };
  }
  if (outcome.ok) {
    fail(`expected a crmkit "${code}" error, but the call succeeded`);
  }
  const { error } = outcome as { error: unknown };
  if (!isCrmError(error)) {
    fail(`expected a crmkit "${code}" error, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
  expect((error as CrmError).code, (error as CrmError).message).toBe(code);
  return error as CrmError;
}
