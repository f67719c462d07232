import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** What a browser application ships when it imports crmkit with the IndexedDB adapter. */
export interface BundleSize {
  /** Minified bytes loaded at start: the entry and every chunk it imports statically. */
  readonly minified: number;
  /** The same, each file gzipped. */
  readonly gzipped: number;
  /** Minified and gzipped bytes of the chunks loaded only when first used (`import()`: the CSV parser). */
  readonly lazyGzipped: number;
}

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Bundles `import { createCrm, where } from 'crmkit'` plus `indexedDbAdapter`
 * for the browser with esbuild (minified, tree-shaken, every dependency
 * inlined, split at dynamic imports as application bundlers do) from the
 * sources, so it needs no prior build, and measures what loads at start
 * apart from what loads on first use.
 *
 * @example
 * ```ts
 * const { gzipped, lazyGzipped } = await measureBrowserBundle();
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
      sourcefile: 'browser-entry.ts',
    },
    bundle: true,
    minify: true,
    treeShaking: true,
    splitting: true,
    outdir: 'browser-bundle',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((path) => outputs[path]!.entryPoint !== undefined)!;
  // Everything the entry reaches through static imports loads at start.
  const eager = new Set<string>();
  const visit = (path: string) => {
    if (eager.has(path)) return;
    eager.add(path);
    for (const imported of outputs[path]!.imports) if (imported.kind === 'import-statement') visit(imported.path);
  };
  visit(entry);
  let minified = 0;
  let gzipped = 0;
  let lazyGzipped = 0;
  for (const file of result.outputFiles) {
    const path = Object.keys(outputs).find((output) => file.path.endsWith(output))!;
    const size = gzipSync(file.contents, { level: 9 }).byteLength;
    if (eager.has(path)) {
      minified += file.contents.byteLength;
      gzipped += size;
    } else lazyGzipped += size;
  }
  return { minified, gzipped, lazyGzipped };
}
