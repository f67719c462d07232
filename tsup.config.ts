import { defineConfig } from 'tsup';

/**
 * One entry per subpath export. Code splitting is on for both formats so the
 * error classes and the storage contract exist once, whichever entry loads them.
 */
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    memory: 'adapters/memory/index.ts',
    sql: 'adapters/sql/index.ts',
    indexeddb: 'adapters/indexeddb/index.ts',
    testing: 'src/testing/index.ts',
    'adapter-kit': 'src/adapter-kit.ts',
    analytics: 'src/analytics/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
  splitting: true,
  treeshake: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  external: ['#csv-parse', 'vitest', 'better-sqlite3', 'pg', 'mysql2', '@electric-sql/pglite', 'kysely', 'idb'],
});
