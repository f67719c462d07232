import { describe, it } from 'vitest';

/**
 * The URL of a test server from the environment. When it is missing the
 * server's tests skip with a loud warning, unless `CRMKIT_REQUIRE_SERVERS=1`
 * (CI), where a test that fails is registered instead.
 */
export function serverUrl(variable: 'CRMKIT_TEST_POSTGRES_URL' | 'CRMKIT_TEST_MYSQL_URL', what: string): string | undefined {
  const url = process.env[variable];
  if (url !== undefined && url !== '') return url;
  if (process.env.CRMKIT_REQUIRE_SERVERS === '1') {
    describe(`${what} server`, () => {
      it(`needs ${variable} (CRMKIT_REQUIRE_SERVERS=1)`, () => {
        throw new Error(`${variable} is not set, and CRMKIT_REQUIRE_SERVERS=1 forbids skipping the ${what} tests`);
      });
    });
    return undefined;
  }
  const line = '*'.repeat(78);
  console.warn(`\n${line}\n*** SKIPPING the ${what} tests: set ${variable} to run them (CI sets it).\n${line}\n`);
  describe.skip(`${what} server (skipped: ${variable} is not set)`, () => {
    it('runs against a server', () => {});
  });
  return undefined;
}

/** A short random name for a per-test schema or table prefix. */
export function uniqueName(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}
