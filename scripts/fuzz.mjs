// Hostile-input fuzzing, benchmark-style (not a unit test): every family's cases go through the
// library in process, and each must end in a result or in one NetcostError of one line, within
// 10 s; the process's peak memory is the bound for any one case. Seeded: a failure prints the seed
// and the case to replay.
//   node scripts/fuzz.mjs [onnx] [specs] [per file family] [seed]
// `npm run fuzz` runs 10,000 ONNX files, 2,000 specs and 2,000 each of control-flow, element-type
// and external-data files, configs, rules files, machine profiles and annotate round trips;
// .ci/run runs fewer.
import fc from 'fast-check';
import { annotateFamily } from './fuzz/annotate.mjs';
import { configFamily, profileFamily, rulesFamily, validProfile } from './fuzz/files.mjs';
import { harness, LIMIT_MS } from './fuzz/harness.mjs';
import { onnxFamily } from './fuzz/onnx.mjs';
import { shapesFamily } from './fuzz/shapes.mjs';
import { specFamily } from './fuzz/spec.mjs';

const root = new URL('..', import.meta.url);
const lib = await import(new URL('dist/index.js', root).href);
const [onnxRuns = 10_000, specRuns = 2_000, fileRuns = 2_000, seed = 20261128] = process.argv.slice(2).map(Number);
const MEMORY_LIMIT = 1 << 30;

const h = harness(lib);
const families = [
  ['onnx', await onnxFamily(lib), onnxRuns],
  ['shapes', shapesFamily(lib, lib.machineProfileSchema.parse(validProfile(lib))), fileRuns],
  ['spec', specFamily(lib), specRuns],
  ['config', configFamily(lib), fileRuns],
  ['rules', rulesFamily(lib), fileRuns],
  ['profile', await profileFamily(lib), fileRuns],
  ['annotate', await annotateFamily(lib), fileRuns],
];
const times = [];
for (const [name, family, runs] of families) {
  const t0 = performance.now();
  await fc.assert(
    fc.asyncProperty(family.arbitrary, async (c) => {
      await h.attempt(name, family.label(c), () => family.run(c));
      return true;
    }),
    { numRuns: runs, seed },
  );
  times.push(`${runs} ${name} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
const peak = process.resourceUsage().maxRSS * 1024;

console.log(`fuzz (seed ${seed}): ${times.join(', ')}; slowest case ${h.slowest().toFixed(0)} ms`);
console.log(`  outcomes: ${[...h.outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}`);
for (const f of h.failures.slice(0, 10))
  console.log(
    `  FAIL ${f.family}: ${f.outcome.split('\n').slice(0, 4).join(' | ')}\n    case: ${f.label.slice(0, 400)}`,
  );
console.log(
  `  target: every case a result or one clean error line within ${LIMIT_MS / 1000} s: ` +
    (h.failures.length ? `FAIL (${h.failures.length})` : 'PASS'),
);
console.log(
  `  target: peak memory of the whole run (any one case included) under ${MEMORY_LIMIT / 2 ** 30} GiB: ` +
    `${(peak / 2 ** 20).toFixed(0)} MiB, ${peak < MEMORY_LIMIT ? 'PASS' : 'FAIL'}`,
);
process.exitCode = h.failures.length || peak >= MEMORY_LIMIT ? 1 : 0;
