// The kernels netcost reproduces for a model against those onnxruntime runs (its optimized graph),
// as multisets of op@anchor keys: what only one side has. A development tool for the engine rules
// (src/engine/ort); test/e2e/engine.test.ts holds them to zero disagreements.
//
//   node scripts/engine-diff.mjs <model | spec | file.onnx> [--input NxCxHxW] [--level all] [--block 16]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');
const lib = await import('../dist/index.js');
const args = process.argv.slice(2);
const flag = (k, d) => (args.includes(k) ? args[args.indexOf(k) + 1] : d);
const name = args[0];
const level = flag('--level', 'all');
const block = Number(flag('--block', '16'));
const input = flag('--input', undefined);

const models = name.endsWith('.onnx')
  ? [{ name, raw: readFileSync(name) }]
  : (await lib.resolveModels([name])).map((m) => ({ name: m.name, raw: lib.exportOnnx(lib.graphOf(m, {})) }));
let disagreements = 0;
try {
  for (const m of models) disagreements += await diff(m.name, m.raw);
  process.exitCode = disagreements === 0 ? 0 : 1;
} catch (e) {
  // a file netcost refuses: its one-line reason, not the bundle's source around the throw
  console.error(`engine-diff: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 2;
}

async function diff(name, raw) {
  const inputs = input ? { '*': input.split('x').map(Number) } : {};
  // the file as netcost runs it: its nodes named, its inputs' shapes fixed
  const bytes = lib.withNodeNames(raw, lib.importOnnx(raw, { file: name, inputs }).inputs);
  const imported = lib.importOnnx(bytes, { file: name });
  const dir = mkdtempSync(join(tmpdir(), 'netcost-engine-'));
  try {
    const file = join(dir, 'optimized.onnx');
    await ort.InferenceSession.create(bytes, {
      graphOptimizationLevel: level,
      intraOpNumThreads: 1,
      optimizedModelFilePath: file,
      logSeverityLevel: 3,
    });
    const original = (t) => imported.tensorOf(t) !== undefined;
    const theirs = lib.kernelsOfOptimized(readFileSync(file), original, imported);
    const ours = lib.plannedKernels(imported, { onnxruntime: '1.30.0', level, block });
    const d = lib.diffKernels(ours, theirs);
    console.log(
      `${name}: ${ours.length} kernels reproduced (${d.uncertain} uncertain), ` +
        `${theirs.length} run by onnxruntime ${level}: ${d.verdict}`,
    );
    for (const line of lib.diffLines(d)) console.log(`  ${line}`);
    return d.netcostOnly.length + d.runtimeOnly.length;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
