// The engine's differential fuzzer (`npm run fuzz:engine`): seeded random valid ONNX graphs made to
// sit on and just off the preconditions of onnxruntime's graph optimisations
// (scripts/fuzz/engine-graphs.mjs), each planned by netcost's engine (src/engine/ort) and compared
// kernel for kernel with the graph onnxruntime itself optimises and runs (optimizedModelFilePath)
// at each optimisation level. A graph agrees, or differs where netcost flagged a kernel uncertain
// (every kernel only netcost plans is one it marked uncertain; the prediction says so), or differs
// silently: the exit code is 1 when any graph differs silently.
//
//   node scripts/engine-fuzz.mjs [--seed S] [--count 1000] [--levels basic,extended,all] [--show 5]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineGraph } from './fuzz/engine-graphs.mjs';

const ort = createRequire(import.meta.url)('onnxruntime-node');
const lib = await import('../dist/index.js');
const args = process.argv.slice(2);
const flag = (k, d) => (args.includes(k) ? args[args.indexOf(k) + 1] : d);
const seed = Number(flag('--seed', 1));
const count = Number(flag('--count', 1000));
const levels = flag('--levels', 'basic,extended,all').split(',');
const show = Number(flag('--show', 5));
const block = Number(flag('--block', 16));
// print each disagreement's graph and kernels, silent or flagged (with --count 1, one seed's)
const verbose = args.includes('--verbose');

const dir = mkdtempSync(join(tmpdir(), 'netcost-engine-fuzz-'));
const tally = new Map(levels.map((l) => [l, { agree: 0, flagged: 0, silent: 0, refused: 0 }]));
/** silent disagreements by what differs (ops only), with the first seed that shows each */
const patterns = new Map();
/** the flagged ones the same way (what keeps a graph from being kernel-identical) */
const flaggedPatterns = new Map();
const t0 = performance.now();
try {
  for (let i = 0; i < count; i++) {
    const s = seed + i;
    const { bytes: raw, shape } = engineGraph(s);
    let bytes;
    let imported;
    try {
      bytes = lib.withNodeNames(raw, lib.importOnnx(raw, { file: `g${s}.onnx`, inputs: { x: shape } }).inputs);
      imported = lib.importOnnx(bytes, { file: `g${s}.onnx` });
    } catch (e) {
      if (!(e instanceof lib.NetcostError)) throw e;
      for (const l of levels) tally.get(l).refused++;
      if (patterns.size < 50) patterns.set(`netcost refused: ${e.message.slice(0, 120)}`, { seed: s, count: 1 });
      continue;
    }
    for (const level of levels) {
      const verdict = await compare(bytes, imported, level);
      const t = tally.get(level);
      t[verdict.kind]++;
      if (verdict.kind !== 'agree') {
        const key = `${level}: ${verdict.pattern}`;
        const into = verdict.kind === 'silent' ? patterns : flaggedPatterns;
        const p = into.get(key) ?? { seed: s, count: 0 };
        p.count++;
        into.set(key, p);
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const seconds = ((performance.now() - t0) / 1000).toFixed(0);
console.log(`engine fuzz: seeds ${seed}..${seed + count - 1}, ${count} graphs, NCHWc block ${block}, ${seconds} s`);
console.log('| level | graphs | kernel-identical | differ, flagged uncertain | differ silently | refused |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const [l, t] of tally) {
  const n = t.agree + t.flagged + t.silent;
  const pc = (v) => `${v} (${((100 * v) / Math.max(n, 1)).toFixed(1)}%)`;
  console.log(`| ${l} | ${n} | ${pc(t.agree)} | ${pc(t.flagged)} | ${pc(t.silent)} | ${t.refused} |`);
}
const sorted = [...patterns].sort((a, b) => b[1].count - a[1].count);
if (sorted.length > 0)
  console.log(`\nsilent disagreements and refusals by pattern (first seed; ${sorted.length} patterns):`);
for (const [k, p] of sorted.slice(0, show)) console.log(`  ${p.count}x  ${k}  (seed ${p.seed})`);
const flagged = [...flaggedPatterns].sort((a, b) => b[1].count - a[1].count);
if (flagged.length > 0 && show > 0)
  console.log(`\nflagged disagreements by pattern (first seed; ${flagged.length} patterns):`);
for (const [k, p] of flagged.slice(0, show)) console.log(`  ${p.count}x  ${k}  (seed ${p.seed})`);
process.exitCode = [...tally.values()].some((t) => t.silent > 0) ? 1 : 0;

/** netcost's plan against onnxruntime's optimised graph at `level`: agree, flagged or silent. */
async function compare(bytes, imported, level) {
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
  if (d.verdict === 'identical') return { kind: 'agree' };
  const mine = d.netcostOnly.map((e) => e.key);
  const theirsOnly = d.runtimeOnly.map((e) => e.key);
  const ops = (ks) => [...new Set(ks.map((k) => k.split('@')[0]))].sort().join(',');
  const pattern = `netcost only [${ops(mine)}] / onnxruntime only [${ops(theirsOnly)}]`;
  if (verbose) {
    const { onnx } = createRequire(import.meta.url)('onnx-proto');
    const m = onnx.ModelProto.decode(bytes);
    const line = (n) => `  ${n.opType} ${n.input.join(',')} -> ${n.output.join(',')}`;
    console.log(`--- ${level}, opset ${m.opsetImport[0].version}\n${m.graph.node.map(line).join('\n')}`);
    console.log(`  netcost only: ${mine.join(' ')}\n  onnxruntime only: ${theirsOnly.join(' ')}`);
  }
  return { kind: d.verdict, pattern };
}
