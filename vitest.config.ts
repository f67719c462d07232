import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** `crmkit/*` resolves to the sources, so tests import the package exactly as users do. */
export const crmkitAliases = [
  { find: /^crmkit\/memory$/, replacement: here('./adapters/memory/index.ts') },
  { find: /^crmkit\/sql$/, replacement: here('./adapters/sql/index.ts') },
  { find: /^crmkit\/indexeddb$/, replacement: here('./adapters/indexeddb/index.ts') },
  { find: /^crmkit\/testing$/, replacement: here('./src/testing/index.ts') },
  { find: /^crmkit$/, replacement: here('./src/index.ts') },
];

export default defineConfig({
  resolve: { alias: crmkitAliases },
  test: {
    include: ['src/**/*.test.ts', 'adapters/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/*.browser.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
