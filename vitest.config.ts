import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** `crmkit/*` resolves to the sources, so tests import the package exactly as users do. */
export const crmkitAliases = [
  { find: /^crmkit\/memory$/, replacement: here('./adapters/memory/index.ts') },
  { find: /^crmkit\/sql$/, replacement: here('./adapters/sql/index.ts') },
  { find: /^crmkit\/indexeddb$/, replacement: here('./adapters/indexeddb/index.ts') },
  { find: /^crmkit\/testing$/, replacement: here('./src/testing/index.ts') },
  { find: /^crmkit\/adapter-kit$/, replacement: here('./src/adapter-kit.ts') },
  { find: /^crmkit\/analytics$/, replacement: here('./src/analytics/index.ts') },
  { find: /^crmkit$/, replacement: here('./src/index.ts') },
];

/** Debian's Chromium; `.ci/run` installs it when it is missing. */
const chromiumPath = process.env.CRMKIT_CHROMIUM_PATH ?? '/usr/bin/chromium';
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const hasChromium = existsSync(chromiumPath);
if (!hasChromium) {
  console.warn(
    `\n*** SKIPPING the browser tests: no Chromium at ${chromiumPath} (set CRMKIT_CHROMIUM_PATH, or run .ci/run, which installs it) ***\n`,
  );
}

export default defineConfig({
  resolve: { alias: crmkitAliases },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two test files at a time (vitest's default on a 2-core machine is one). The server-backed files
    // keep apart by name (a schema or table prefix per file), so two of them can share a server.
    maxWorkers: 2,
    projects: [
      {
        resolve: { alias: crmkitAliases },
        test: {
          name: 'node',
          include: ['src/**/*.test.ts', 'adapters/**/*.test.ts', 'test/**/*.test.ts'],
          setupFiles: ['test/property-seed.ts'],
          exclude: ['**/node_modules/**', '**/*.browser.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      ...(hasChromium
        ? [
            {
              resolve: { alias: crmkitAliases },
              test: {
                name: 'browser',
                include: ['adapters/**/*.browser.test.ts', 'test/**/*.browser.test.ts'],
                testTimeout: 30_000,
                hookTimeout: 60_000,
                browser: {
                  enabled: true,
                  headless: true,
                  instances: [{ browser: 'chromium' as const }],
                  provider: playwright({ launchOptions: { executablePath: chromiumPath, args: chromiumArgs } }),
                },
              },
            },
          ]
        : []),
    ],
  },
});
