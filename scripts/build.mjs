// Build dist/ with esbuild.
//
// - dist/index.js (+ chunks): the library, ESM.
// - dist/cli.cjs: the command line as one CommonJS file, loaded by bin/netcost.cjs through
//   node:vm with a V8 code cache (dist/cli.cjs.cache) made here by running a report once, so a
//   start does not parse or compile netcost again (measured by `npm run bench -- startup`: the
//   loader saves 10-16% of a report's wall time; a patch that kept commander from loading
//   node:child_process saved 2% on top of it and was dropped). Large dependencies that only some commands
//   need (zod and yaml for spec files, onnx-proto for ONNX, picomatch, cli-progress, vega and
//   vega-lite for pictures) are bundled
//   apart in dist/vendor/ and loaded on first use.
// - dist/builtins.json: every built-in spec validated and built in both views, read at start-up
//   instead of parsing YAML while it holds the very text of the files on disk.

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
rmSync(new URL('dist', root), { recursive: true, force: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  minify: true,
  define: { VERSION: JSON.stringify(pkg.version) },
  // vega's Node build awaits the optional `canvas` package at top level (no CommonJS bundle can);
  // its browser build finds no canvas either and measures text by estimate, the same on every machine
  alias: { 'vega-canvas': './node_modules/vega-canvas/build/vega-canvas.browser.js' },
};

// the library
await build({
  ...common,
  entryPoints: { index: 'src/index.ts', cache: 'src/spec/cache.ts' },
  outdir: 'dist',
  splitting: true,
  format: 'esm',
  external: ['onnxruntime-node'],
  banner: {
    js:
      "import { createRequire as __netcostRequire } from 'node:module'; const require = " +
      '__netcostRequire(import.meta.url);',
  },
  chunkNames: 'chunks/[name]-[hash]',
});

// vendor bundles for the command line
const VENDOR = ['zod', 'yaml', 'onnx-proto', 'picomatch', 'cli-progress', 'vega', 'vega-lite'];
const vendorFile = (p) => `vendor/${p.replace(/[^a-z0-9]+/gi, '-')}.cjs`;
for (const p of VENDOR) {
  await build({
    ...common,
    stdin: { contents: `module.exports = require(${JSON.stringify(p)});`, resolveDir: root.pathname, loader: 'js' },
    outfile: `dist/${vendorFile(p)}`,
    format: 'cjs',
  });
}
const vendored = {
  name: 'vendored',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^(${VENDOR.map((v) => v.replace(/[-/]/g, '\\$&')).join('|')})$`) }, (args) =>
      args.importer.includes('/src/') ? { path: `./${vendorFile(args.path)}`, external: true } : undefined,
    );
  },
};

// the command line
await build({
  ...common,
  entryPoints: ['src/cli/run.ts'],
  outfile: 'dist/cli.cjs',
  format: 'cjs',
  external: ['onnxruntime-node'],
  // a vm.Script has no dynamic-import hook: lower import() to require()
  supported: { 'dynamic-import': false },
  define: { ...common.define, 'import.meta.url': '__netcostUrl' },
  banner: { js: "var __netcostUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [vendored],
});

const { writeBuiltinCache } = await import('../dist/cache.js');
try {
  const r = writeBuiltinCache();
  console.log(`netcost: built dist/ and validated ${r.models} built-in models from ${r.files} spec files`);
} catch (e) {
  console.error(`netcost build: ${e.message}`);
  process.exit(2);
}

// the code cache: run a representative command once and keep what V8 compiled
execFileSync(
  process.execPath,
  [new URL('bin/netcost.cjs', root).pathname, 'report', 'shufflenet-v2-1.0x', '--view', 'deploy', '--depth', '2'],
  {
    env: { ...process.env, NETCOST_WRITE_CODE_CACHE: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);

// what dist/ was built from: the end-to-end tests rebuild when it no longer matches
const { sourceHash } = await import('./source-hash.mjs');
writeFileSync(new URL('dist/source-hash', root), sourceHash());

// the library's type declarations, generated from the source (dist/types, "types" in package.json);
// import paths end in .js for consumers, as the modules they describe
execFileSync(
  process.execPath,
  [new URL('node_modules/typescript/bin/tsc', root).pathname, '-p', 'tsconfig.types.json'],
  {
    cwd: root.pathname,
    stdio: 'inherit',
  },
);
const typesDir = new URL('dist/types/', root);
for (const f of readdirSync(typesDir, { recursive: true })) {
  if (!String(f).endsWith('.d.ts')) continue;
  const p = new URL(String(f), typesDir);
  writeFileSync(
    p,
    readFileSync(p, 'utf8')
      .replace(/(from\s+'\.{1,2}\/[^']+)\.ts'/g, "$1.js'")
      .replace(/(import\('\.{1,2}\/[^']+)\.ts'\)/g, "$1.js')"),
  );
}
