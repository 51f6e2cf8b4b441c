// The files a user writes beside their models: project configs, cost-rules files and machine
// profiles, generated from each format's grammar with hostile values mixed in, written to disk and
// read the way the CLI reads them; what reads cleanly is then used (models resolved, rules
// applied to a node, a prediction made), and a prediction must be a finite number.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import onnxProto from 'onnx-proto';
import { stringify } from 'yaml';

const { onnx } = onnxProto;
const dir = mkdtempSync(join(tmpdir(), 'netcost-fuzz-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let n = 0;
/** A fresh folder holding one file. */
function written(name, text) {
  const d = join(dir, String(n++));
  mkdirSync(d);
  writeFileSync(join(d, name), text);
  return d;
}
const hostileString = fc.oneof(
  { arbitrary: fc.constantFrom('shufflenet-v2-0.5x', 'shufflenet-*', '*', 'm.onnx', 'x.yaml#a'), weight: 6 },
  {
    arbitrary: fc.constantFrom('__proto__', 'constructor', '../../etc/passwd', '', '\u001b[2J', '<img src=x>'),
    weight: 2,
  },
  {
    arbitrary: fc.constantFrom('*'.repeat(2000), '{a,b}'.repeat(300), '!(a|b)'.repeat(200), `[${'a-z'.repeat(400)}`),
    weight: 1,
  },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
);
const hostileNumber = fc.constantFrom(0, -1, 1.5, 1e308, -1e308, 5e-324, 2 ** 53, 1e6);
const anyValue = fc.oneof(
  hostileString,
  hostileNumber,
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 3 }),
);

export function configFamily(lib) {
  const key = fc.constantFrom(
    'models',
    'input',
    'baseline',
    'tolerances',
    'tolerance',
    'views',
    'rules',
    '__proto__',
    '$schema',
  );
  /** mostly what a user writes, sometimes something hostile */
  const mostly = (sensible, hostile) => fc.oneof({ arbitrary: sensible, weight: 6 }, { arbitrary: hostile, weight: 1 });
  const config = fc.record({
    models: mostly(
      fc.array(fc.constantFrom('shufflenet-v2-0.5x', 'shufflenet-v1-g*-0.25x', 'mobilenet-v2-1.0x'), {
        minLength: 1,
        maxLength: 3,
      }),
      fc.oneof(
        fc.array(hostileString, { maxLength: 6 }),
        fc.array(fc.constant('*'), { minLength: 900, maxLength: 1100 }),
        anyValue,
      ),
    ),
    input: mostly(
      fc.constantFrom('1x3x32x32', '1x3x64x64'),
      fc.oneof(fc.constantFrom('0x3', '1x3x999999999x1'), fc.dictionary(hostileString, hostileString, { maxKeys: 3 })),
    ),
    tolerances: mostly(
      fc.dictionary(fc.constantFrom('params', 'madds', 'latency'), fc.constantFrom(0, 1, 5), { maxKeys: 2 }),
      fc.dictionary(fc.constantFrom('params', '__proto__', 'mads'), hostileNumber, { maxKeys: 3 }),
    ),
    views: mostly(
      fc.constantFrom(['original'], ['deploy'], ['original', 'deploy']),
      fc.array(fc.constantFrom('spec', '__proto__'), { maxLength: 2 }),
    ),
    extra: mostly(fc.constant({}), fc.dictionary(key, anyValue, { maxKeys: 2 })),
    place: fc.constantFrom('netcost.config.json', 'netcost.config.yaml', 'package.json'),
  });
  return {
    arbitrary: config,
    label: (c) => JSON.stringify(c).slice(0, 400),
    run: async ({ place, extra, ...c }) => {
      const body = { ...c, ...extra };
      const text =
        place === 'package.json'
          ? JSON.stringify({ name: 'p', netcost: body })
          : place.endsWith('.yaml')
            ? stringify(body)
            : JSON.stringify(body);
      const found = await lib.findConfig(written(place, text));
      if (found) await lib.resolveSources(found.models);
    },
  };
}

const expr = fc.oneof(
  {
    arbitrary: fc.constantFrom('in0.numel', 'in0.c * out.h * out.w', 'attr.k == 0 ? 0 : 10 / attr.k', '1e3 * in0.n'),
    weight: 60,
  },
  {
    arbitrary: fc.constantFrom(
      'in0.numel // (in0.h - 1)',
      'in0.dims[9]',
      'in0.dims',
      'valueOf()',
      '1/0',
      `${'('.repeat(200)}1${')'.repeat(200)}`,
    ),
    weight: 2,
  },
  {
    arbitrary: fc.constantFrom('constructor', '__proto__', 'in0.__proto__', '2 ** 2000', '-5', '1.5', 'e3'),
    weight: 1,
  },
  { arbitrary: fc.string({ maxLength: 10 }), weight: 1 },
  { arbitrary: hostileNumber, weight: 1 },
);
export function rulesFamily(lib) {
  const rule = fc.record(
    {
      op: fc.constantFrom('Fancy', 'Fancy', 'Fancy', 'Relu', '__proto__', 'Conv'),
      domain: fc.constantFrom('com.example', 'com.example', 'com.example', '', 'ai.onnx'),
      category: fc.constantFrom('elementwise', 'conv', 'view', 'magic'),
      params: expr,
      madds: expr,
      flops: expr,
      reads: expr,
      outputs: fc.oneof(
        { arbitrary: fc.constant('same'), weight: 4 },
        fc.array(fc.array(expr, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 2 }),
      ),
      override: fc.boolean(),
    },
    { requiredKeys: ['op', 'category'] },
  );
  const file = fc.record({
    rules: fc.array(rule, { minLength: 1, maxLength: 2 }),
    json: fc.boolean(),
    dup: fc.oneof({ arbitrary: fc.constant(false), weight: 6 }, fc.constant(true)),
  });
  const model = onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [
        { domain: '', version: 17 },
        { domain: 'com.example', version: 1 },
      ],
      graph: {
        name: 'g',
        node: [
          { opType: 'Relu', input: ['x'], output: ['r'], name: 'relu' },
          {
            opType: 'Fancy',
            domain: 'com.example',
            input: ['r'],
            output: ['y'],
            name: 'fancy',
            attribute: [{ name: 'k', type: 2, i: 0 }],
          },
        ],
        input: [
          {
            name: 'x',
            type: { tensorType: { elemType: 1, shape: { dim: [1, 8, 4, 4].map((v) => ({ dimValue: v })) } } },
          },
        ],
        output: [
          {
            name: 'y',
            type: { tensorType: { elemType: 1, shape: { dim: [1, 8, 4, 4].map((v) => ({ dimValue: v })) } } },
          },
        ],
      },
    }),
  ).finish();
  return {
    arbitrary: file,
    label: (f) => JSON.stringify(f).slice(0, 400),
    run: ({ rules, json, dup }) => {
      let text = json ? JSON.stringify({ rules }) : stringify({ rules });
      if (dup && !json) text += 'rules: []\n'; // a duplicate top-level key
      const d = written(json ? 'r.json' : 'r.yaml', text);
      const loaded = lib.loadRules(join(d, json ? 'r.json' : 'r.yaml'));
      const r = lib.importOnnx(model, { file: 'fancy.onnx', rules: loaded });
      for (const v of Object.values(lib.analyze(r.graph).totals))
        if (!Number.isFinite(v)) throw new Error(`a total is ${v}`);
    },
  };
}

/** A machine profile the library reads as valid: the fuzzers' starting point. */
export function validProfile(lib) {
  const classes = Object.fromEntries(
    lib.KERNEL_CLASSES.map((k) => {
      const params = { overhead: 0.01, compute: 10, narrow: 0, strided: 0, activation: 0, memory: 1 };
      return [k, { params, lo: params, hi: params, draws: [Object.values(params)], samples: 10, medianAbsError: 0 }];
    }),
  );
  return {
    // the version the library reads now: a stale one would make every case a refusal
    netcostProfile: lib.machineProfileSchema.shape.netcostProfile.value,
    created: '2026-11-29T00:00:00Z',
    machine: {
      cpu: 'fuzz CPU',
      cores: 2,
      platform: 'linux-x64',
      node: 'v20',
      onnxruntime: '1.30.0',
      threads: 1,
      graphOptimizationLevel: 'all',
    },
    engine: { nchwcBlock: 8, kinds: [] },
    peakGflops: 100,
    bandwidth: [
      { bytes: 1e3, gbps: 100 },
      { bytes: 1e9, gbps: 10 },
    ],
    probe: { ms: 1.5, memoryMs: 4, drift: 0 },
    runOverheadMs: 0.05,
    ioGbps: 5,
    profiler: { kernelScale: 1, perKernelMs: 0.005, perTensorMs: 0.0002 },
    classes,
    edges: { inputMsPerMiB: 0, outputMsPerMiB: 0 },
    fit: { kernels: 30, medianAbsError: 0.1 },
    calibration: { seconds: 10, models: 5, quick: false },
  };
}

export async function profileFamily(lib) {
  const valid = validProfile(lib);
  const graph = lib.graphOf(await lib.resolveModel('shufflenet-v2-0.5x'), { input: [1, 3, 32, 32] });
  /** every numeric leaf of the profile, by path */
  const leaves = [];
  const walk = (v, path) => {
    if (typeof v === 'number' && path[0] !== 'netcostProfile') leaves.push(path);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(valid, []);
  const edit = fc.record({
    at: fc.nat(leaves.length - 1),
    // a scale of the valid value (a machine twice as fast), or a value no machine has
    value: fc.oneof(
      { arbitrary: fc.constantFrom(0.5, 0.9, 1.1, 2).map((k) => ({ scale: k })), weight: 6 },
      fc.oneof(hostileNumber, fc.constantFrom(-0, 1e-320, 1e7, 1e300, '1', null), anyValue),
    ),
    drop: fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 8 },
      fc.constantFrom('classes', 'bandwidth', 'probe', 'engine'),
    ),
    proto: fc.oneof({ arbitrary: fc.constant(false), weight: 8 }, fc.constant(true)),
  });
  return {
    arbitrary: fc.array(edit, { minLength: 1, maxLength: 2 }),
    label: (e) => JSON.stringify(e),
    run: (edits) => {
      const p = structuredClone(valid);
      for (const e of edits) {
        const path = leaves[e.at];
        let o = p;
        for (const k of path.slice(0, -1)) o = o?.[k];
        const k = path.at(-1);
        // unless an earlier edit dropped its parent; a scaled count stays whole
        if (o && typeof o === 'object') {
          const scaled = Number.isInteger(o[k]) ? Math.round(o[k] * e.value?.scale) : o[k] * e.value?.scale;
          o[k] = e.value?.scale === undefined ? e.value : scaled;
        }
        if (e.drop) delete p[e.drop];
      }
      let text = JSON.stringify(p);
      if (edits[0].proto) text = text.replace('"classes":{', '"classes":{"__proto__":{},');
      const profile = lib.readProfile(join(written('p.json', text), 'p.json'));
      const m = lib.predict(profile, { kind: 'graph', graph });
      for (const v of [m.predictedMs, m.lowMs, m.highMs])
        if (!Number.isFinite(v) || v <= 0) throw new Error(`a prediction of ${v} ms`);
    },
  };
}
