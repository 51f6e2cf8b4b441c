// Build dist/ with esbuild.
//
// - dist/index.js (+ chunks): the library, ESM.
// - dist/cli.cjs: the command line as one CommonJS file, loaded by bin/netcost.cjs through
//   node:vm with a V8 code cache (dist/cli.cjs.cache) made here by running a report once, so a
//   start does not parse or compile netcost again. Large dependencies that only some commands
//   need (zod and yaml for spec files, onnx-proto for ONNX, picomatch, cli-progress) are bundled
//   apart in dist/vendor/ and loaded on first use.
// - dist/builtins.json: every built-in spec validated and built in both views, read at start-up
//   instead of parsing YAML while the files on disk are unchanged.

import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
rmSync(new URL('dist', root), { recursive: true, force: true });

// commander requires node:child_process at load time for executable subcommands, which netcost
// never uses; loading it (and net, stream...) is a measurable share of start-up. Hand commander a
// stand-in that loads the real module on first use.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes('node_modules/commander/')
        ? { path: 'lazy-child-process', namespace: 'netcost' }
        : undefined,
    );
    b.onLoad({ filter: /^lazy-child-process$/, namespace: 'netcost' }, () => ({
      contents:
        "let m; const real = () => (m ??= require('node:child_process')); module.exports = new Proxy({}, { get: (_, " +
        'k) => real()[k] });',
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  minify: true,
  define: { VERSION: JSON.stringify(pkg.version) },
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
  plugins: [lazyChildProcess],
});

// vendor bundles for the command line
const VENDOR = ['zod', 'yaml', 'onnx-proto', 'picomatch', 'cli-progress'];
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
  plugins: [lazyChildProcess, vendored],
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
