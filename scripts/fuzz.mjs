// Hostile-input fuzzing, benchmark-style (not a unit test): mutated ONNX files and generated spec
// files go through the library in process; every case must end in a result or in one NetcostError
// of one line, within 10 s. `npm run fuzz` runs 10,000 ONNX files and 2,000 specs; .ci/run runs
// fewer (`node scripts/fuzz.mjs 1000 300`). Seeded: a failure prints the seed and case to replay.
import fc from 'fast-check';
import onnxProto from 'onnx-proto';
import { stringify } from 'yaml';

const root = new URL('..', import.meta.url);
const lib = await import(new URL('dist/index.js', root).href);
const { onnx } = onnxProto;
const [onnxRuns = 10_000, specRuns = 2_000, seed = 20261128] = process.argv.slice(2).map(Number);
const LIMIT_MS = 10_000;

const failures = [];
let slowest = 0;
/** Run one case: a result or one clean NetcostError line; anything else is a failure. */
function attempt(kind, label, f) {
  const t0 = performance.now();
  let outcome = 'ok';
  try {
    f();
  } catch (e) {
    if (!(e instanceof lib.NetcostError)) outcome = `crash: ${e?.stack ?? e}`;
    else if (e.message.includes('\n')) outcome = `error of ${e.message.split('\n').length} lines`;
    else if (e.exitCode !== 2) outcome = `exit code ${e.exitCode}`;
    else outcome = 'error';
  }
  const ms = performance.now() - t0;
  slowest = Math.max(slowest, ms);
  if (ms > LIMIT_MS) outcome = `took ${ms.toFixed(0)} ms`;
  if (outcome !== 'ok' && outcome !== 'error') failures.push({ kind, label, outcome });
  return outcome;
}

// ---- ONNX: bytes flipped, truncated, and fields of the decoded model changed ----------------
const bases = [];
for (const [name, view] of [
  ['shufflenet-v1-g2-0.25x', 'original'],
  ['shufflenet-v2-0.5x', 'deploy'],
  ['mobilenet-v2-1.0x', 'original'],
]) {
  const g = lib.graphOf(await lib.resolveModel(name), { view, input: [1, 3, 32, 32] });
  bases.push(Uint8Array.from(lib.exportOnnx(g))); // a copy: Buffer.slice would share the bytes
}
const check = (bytes, file) => {
  const r = lib.importOnnx(bytes, { file, inputs: { '*': [1, 3, 32, 32] } });
  for (const g of [r.graph, lib.deployGraph(r.graph)]) {
    const c = lib.analyze(g);
    for (const v of Object.values(c.totals)) if (!Number.isFinite(v)) throw new Error(`a total is ${v}`);
  }
};
const int = fc.oneof(fc.integer({ min: -3, max: 70 }), fc.constantFrom(0, -1, 2 ** 31, 2 ** 53, -(2 ** 63), 1e6));
const structural = fc.record({
  base: fc.nat(bases.length - 1),
  edits: fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant('dim'), at: fc.nat(), v: int }),
      fc.record({ kind: fc.constant('attr'), at: fc.nat(), v: int }),
      fc.record({
        kind: fc.constant('op'),
        at: fc.nat(),
        v: fc.constantFrom(
          'Relu',
          'Conv',
          'Reshape',
          'Slice',
          'Gather',
          'Split',
          'Concat',
          'Range',
          'Expand',
          '__proto__',
          'constructor',
          'Where',
          'Pad',
          'Resize',
        ),
      }),
      fc.record({ kind: fc.constant('input'), at: fc.nat(), v: fc.nat() }),
      fc.record({ kind: fc.constant('drop'), at: fc.nat(), v: fc.nat() }),
      fc.record({ kind: fc.constant('raw'), at: fc.nat(), v: fc.nat() }),
      fc.record({ kind: fc.constant('opset'), at: fc.nat(), v: int }),
    ),
    { minLength: 1, maxLength: 4 },
  ),
});
function mutate({ base, edits }) {
  const m = onnx.ModelProto.decode(bases[base]);
  const g = m.graph;
  const pick = (arr, at) => (arr.length ? arr[at % arr.length] : undefined);
  for (const e of edits) {
    if (e.kind === 'dim') {
      const t = pick(g.initializer, e.at);
      if (t?.dims.length) t.dims[e.at % t.dims.length] = e.v;
    } else if (e.kind === 'attr') {
      const a = pick(
        g.node.flatMap((n) => n.attribute),
        e.at,
      );
      if (a?.ints?.length) a.ints[e.at % a.ints.length] = e.v;
      else if (a) a.i = e.v;
    } else if (e.kind === 'op') {
      const n = pick(g.node, e.at);
      if (n) n.opType = e.v;
    } else if (e.kind === 'input') {
      const n = pick(g.node, e.at);
      const names = g.node.flatMap((x) => x.output);
      if (n?.input.length) n.input[e.v % n.input.length] = pick(names, e.v) ?? 'x';
    } else if (e.kind === 'drop') {
      const n = pick(g.node, e.at);
      if (n) n.input = n.input.slice(0, e.v % (n.input.length + 1));
    } else if (e.kind === 'raw') {
      const t = pick(g.initializer, e.at);
      if (t?.rawData?.length) t.rawData = t.rawData.slice(0, e.v % t.rawData.length);
    } else if (e.kind === 'opset') m.opsetImport[0].version = e.v;
  }
  return onnx.ModelProto.encode(m).finish();
}
const bytewise = fc.record({
  base: fc.nat(bases.length - 1),
  edits: fc.array(fc.record({ at: fc.nat(), byte: fc.nat(255) }), { minLength: 1, maxLength: 8 }),
  cut: fc.option(fc.nat(), { nil: undefined }),
});
function flip({ base, edits, cut }) {
  const b = bases[base];
  const bytes = b.slice(0, cut === undefined ? b.length : cut % b.length);
  for (const e of edits) if (bytes.length) bytes[e.at % bytes.length] = e.byte;
  return bytes;
}
const outcomes = new Map();
const t0 = performance.now();
fc.assert(
  fc.property(
    fc.oneof(
      structural.map((s) => ['structural', s]),
      bytewise.map((s) => ['bytes', s]),
    ),
    ([kind, s]) => {
      const bytes = kind === 'structural' ? mutate(s) : flip(s);
      const o = attempt('onnx', JSON.stringify(s), () => check(bytes, 'fuzz.onnx'));
      outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
      return true;
    },
  ),
  { numRuns: onnxRuns, seed },
);
const onnxMs = performance.now() - t0;

// ---- specs: generated from the format's grammar, with hostile values mixed in -----------------
const weird = fc.constantFrom(
  '${valueOf()}',
  '${__proto__}',
  '${1/0}',
  '$nope',
  '${((((1))))}',
  '1e300',
  '-1',
  '${2**60}',
  '${inC / 3}',
  '${inC}',
);
// mostly sensible values, so that many specs build and the success paths are exercised too
const num = fc.oneof(
  { arbitrary: fc.constantFrom(1, 1, 2, 3, 4, 8), weight: 12 },
  { arbitrary: fc.integer({ min: -2, max: 64 }), weight: 2 },
  { arbitrary: fc.constantFrom(0, 1e300, 2 ** 53, 0.5), weight: 1 },
  { arbitrary: weird, weight: 1 },
);
const name = fc.oneof(
  { arbitrary: fc.constantFrom(undefined, 'a', 'b', 'unit${i}'), weight: 6 },
  { arbitrary: fc.constantFrom('../x', '__proto__', 'constructor', 'x.y', 'a\u001b[31m'), weight: 1 },
  { arbitrary: fc.string({ maxLength: 6 }), weight: 1 },
);
const { entry } = fc.letrec((tie) => ({
  entry: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record(
      {
        op: fc.constant('conv'),
        out: num,
        kernel: fc.oneof(num, fc.tuple(num, num)),
        stride: num,
        padding: num,
        groups: num,
        bn: fc.boolean(),
        act: fc.constantFrom('relu', 'relu6', 'hardswish', 'sigmoid'),
      },
      { requiredKeys: ['op', 'kernel'] },
    ),
    fc.record(
      { op: fc.constantFrom('bn', 'relu', 'relu6', 'hardswish', 'sigmoid', 'gap', 'flatten'), name },
      { requiredKeys: ['op'] },
    ),
    fc.record(
      { op: fc.constantFrom('maxpool', 'avgpool'), kernel: num, stride: num, padding: num, ceilMode: fc.boolean() },
      { requiredKeys: ['op', 'kernel'] },
    ),
    fc.record({ op: fc.constant('linear'), out: num }),
    fc.record({ op: fc.constant('shuffle'), groups: num }),
    fc.record(
      { op: fc.constant('seq'), name, layers: fc.array(tie('entry'), { maxLength: 3 }) },
      { requiredKeys: ['op', 'layers'] },
    ),
    fc.record(
      {
        op: fc.constant('repeat'),
        count: num,
        as: fc.constantFrom('i', '__proto__', 'j'),
        layers: fc.array(tie('entry'), { maxLength: 2 }),
      },
      { requiredKeys: ['op', 'count', 'layers'] },
    ),
    fc.record({
      op: fc.constant('parallel'),
      join: fc.constantFrom('concat', 'add'),
      split: fc.boolean(),
      branches: fc.array(fc.record({ layers: fc.array(tie('entry'), { maxLength: 2 }) }), {
        minLength: 1,
        maxLength: 3,
      }),
    }),
    fc.record(
      {
        op: fc.constant('block'),
        use: fc.constantFrom('blk', 'nope', '__proto__', 'constructor'),
        args: fc.dictionary(fc.constantFrom('c', '__proto__', 'x'), num),
      },
      { requiredKeys: ['op', 'use'] },
    ),
  ),
}));
const specFile = fc.record({
  name: fc.constantFrom('fuzz', '../fuzz', '__proto__'),
  input: fc.oneof(
    { arbitrary: fc.constant([1, 8, 16, 16]), weight: 8 },
    fc.tuple(num, num, num, num),
    fc.constantFrom('1x3x16x16', '0x3x16x16', '1x3x99999999x1'),
  ),
  vars: fc.oneof(
    { arbitrary: fc.constant({}), weight: 4 },
    fc.dictionary(
      fc.constantFrom('w', 'c', '__proto__', 'constructor', 'valueOf'),
      fc.oneof(fc.integer({ min: -4, max: 64 }), fc.constantFrom(1e300, 0.5)),
    ),
  ),
  blocks: fc.constant({ blk: { params: { c: 8 }, layers: [{ op: 'conv', out: '$c', kernel: 1 }] } }),
  layers: fc.array(entry, { minLength: 1, maxLength: 4 }),
  json: fc.boolean(),
});
const t1 = performance.now();
fc.assert(
  fc.property(specFile, ({ json, ...s }) => {
    const file = json ? 'fuzz.json' : 'fuzz.yaml';
    const text = json ? JSON.stringify(s) : stringify(s);
    const o = attempt('spec', text.slice(0, 2000), () => {
      for (const m of lib.modelsOfSpec(lib.parseSpecText(text, file), file)) {
        const g = lib.buildGraph(m);
        lib.analyze(g);
        lib.analyze(lib.deployGraph(g));
      }
    });
    outcomes.set(`spec ${o}`, (outcomes.get(`spec ${o}`) ?? 0) + 1);
    return true;
  }),
  { numRuns: specRuns, seed },
);
const specMs = performance.now() - t1;

console.log(
  `fuzz (seed ${seed}): ${onnxRuns} mutated ONNX files in ${(onnxMs / 1000).toFixed(1)} s, ` +
    `${specRuns} generated specs in ${(specMs / 1000).toFixed(1)} s; slowest case ${slowest.toFixed(0)} ms`,
);
console.log(`  outcomes: ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}`);
for (const f of failures.slice(0, 10))
  console.log(`  FAIL ${f.kind}: ${f.outcome.split('\n').slice(0, 4).join(' | ')}\n    case: ${f.label.slice(0, 400)}`);
console.log(
  `  target: every case a result or one clean error line within ${LIMIT_MS / 1000} s: ` +
    (failures.length ? `FAIL (${failures.length})` : 'PASS'),
);
process.exitCode = failures.length ? 1 : 0;
