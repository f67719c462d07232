import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** What a browser application ships when it imports crmkit with the IndexedDB adapter. */
export interface BundleSize {
  /** Minified bytes. */
  readonly minified: number;
  /** Minified and gzipped bytes. */
  readonly gzipped: number;
}

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Bundles `import { createCrm, where } from 'crmkit'` plus `indexedDbAdapter`
 * for the browser with esbuild (minified, tree-shaken, every dependency
 * inlined) from the sources, so it needs no prior build, and measures it.
 *
 * @example
 * ```ts
 * const { gzipped } = await measureBrowserBundle();
 * ```
 */
export async function measureBrowserBundle(): Promise<BundleSize> {
  const result = await build({
    stdin: {
      contents: [
        "import { createCrm, where } from './src/index.ts';",
        "import { indexedDbAdapter } from './adapters/indexeddb/index.ts';",
        'export { createCrm, where, indexedDbAdapter };',
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    minify: true,
    treeShaking: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength };
}
