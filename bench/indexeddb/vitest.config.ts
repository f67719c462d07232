import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { crmkitAliases } from '../../vitest.config.js';

/**
 * Runs the IndexedDB benchmark in headless Chromium (Vitest browser mode):
 * `npx vitest run -c bench/indexeddb/vitest.config.ts indexeddb.bench`
 * (`CRMKIT_BENCH_ROUNDS=n` for other than 5 rounds). Set CRMKIT_CHROMIUM_PATH
 * when Chromium is not at /usr/bin/chromium.
 */
export default defineConfig({
  resolve: { alias: crmkitAliases },
  test: {
    include: ['bench/indexeddb/**/*.bench-browser.ts'],
    testTimeout: 3_600_000,
    hookTimeout: 600_000,
    provide: { benchRounds: Number(process.env.CRMKIT_BENCH_ROUNDS ?? 5) },
    browser: {
      enabled: true,
      headless: true,
      instances: [{ browser: 'chromium' }],
      provider: playwright({
        launchOptions: {
          executablePath: process.env.CRMKIT_CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
        },
      }),
    },
  },
});
