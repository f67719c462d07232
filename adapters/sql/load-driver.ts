import { AdapterError } from '../../src/storage/index.js';

/** The optional peer dependencies, by the dialect that needs them. */
export const driverPackages = { sqlite: 'better-sqlite3', postgres: 'pg', mysql: 'mysql2' } as const;

/**
 * Imports an optional driver package when a dialect first needs it, so that
 * importing `crmkit/sql` works without any driver installed. A missing package
 * fails with an `AdapterError` that says what to install.
 *
 * @example
 * ```ts
 * const pg = await loadDriver('pg', async () => (await import('pg')).default, 'postgres');
 * ```
 */
export async function loadDriver<T>(packageName: string, load: () => Promise<T>, dialect: string): Promise<T> {
  try {
    return await load();
  } catch (cause) {
    throw new AdapterError(
      `crmkit/sql with dialect '${dialect}' needs the package "${packageName}", which could not be loaded: install it with \`npm install ${packageName}\``,
      { cause },
    );
  }
}
