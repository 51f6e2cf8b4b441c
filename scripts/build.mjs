// Bundle the CLI and the library with esbuild (one file each plus shared chunks, so a report of a
// built-in model loads little code), then validate the built-in specs into dist/builtins.json.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

// commander requires node:child_process at load time for executable subcommands, which netcost
// never uses; loading it (and net, stream...) is a measurable share of start-up. Hand commander a
// stand-in that loads the real module on first use.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes('node_modules/commander/') ? { path: 'lazy-child-process', namespace: 'netcost' } : undefined);
    b.onLoad({ filter: /^lazy-child-process$/, namespace: 'netcost' }, () => ({
      contents: "let m; const real = () => (m ??= require('node:child_process')); module.exports = new Proxy({}, { get: (_, k) => real()[k] });",
      loader: 'js',
    }));
  },
};

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli/run.ts', index: 'src/index.ts', cache: 'src/spec/cache.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['onnxruntime-node'],
  define: { VERSION: JSON.stringify(pkg.version) },
  banner: { js: "import { createRequire as __netcostRequire } from 'node:module'; const require = __netcostRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [lazyChildProcess],
  logLevel: 'warning',
  sourcemap: false,
  minify: true,
});
const { writeBuiltinCache } = await import('../dist/cache.js');
try {
  const r = writeBuiltinCache();
  console.log(`netcost: built dist/ and validated ${r.models} built-in models from ${r.files} spec files`);
} catch (e) {
  console.error(`netcost build: ${e.message}`);
  process.exit(2);
}
