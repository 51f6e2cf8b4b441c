// Specs generated from the format's grammar, with hostile values mixed in.
import fc from 'fast-check';
import { stringify } from 'yaml';

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

// Specs valid by construction: each step is placed where the running channels and size allow it
// (a group count divides the channels, a stride-2 step needs room), so the success paths (build,
// analyze, deploy's folding and fusion) see deep and varied graphs, not only the refusals.
const step = fc.record({
  kind: fc.constantFrom('conv', 'conv', 'dw', 'group', 'pool', 'act', 'bn', 'shuffle', 'add', 'concat', 'repeat'),
  out: fc.constantFrom(8, 12, 16, 24, 32),
  k: fc.constantFrom(1, 3, 5),
  stride: fc.constantFrom(1, 1, 2),
  groups: fc.constantFrom(2, 3, 4),
  bn: fc.boolean(),
  act: fc.constantFrom('relu', 'relu6', 'hardswish', 'sigmoid', undefined),
});

function place(layers, s, at) {
  const { c, h } = at;
  const conv = (out, k, extra = {}) => ({ op: 'conv', out, kernel: k, padding: (k - 1) / 2, ...extra });
  const act = s.act ? { act: s.act } : {};
  switch (s.kind) {
    case 'conv': {
      const stride = h >= 4 ? s.stride : 1;
      layers.push(conv(s.out, s.k, { stride, bn: s.bn, ...act }));
      return { c: s.out, h: Math.ceil(h / stride) };
    }
    case 'dw':
      layers.push({ op: 'conv', depthwise: true, kernel: 3, padding: 1, bn: true, ...act });
      return at;
    case 'group': {
      const g = c % s.groups === 0 && s.out % s.groups === 0 ? s.groups : 1;
      layers.push(conv(s.out, 1, { groups: g, bn: s.bn }));
      return { c: s.out, h };
    }
    case 'pool':
      if (h < 2) return at;
      layers.push({ op: s.bn ? 'maxpool' : 'avgpool', kernel: 2, stride: 2 });
      return { c, h: Math.floor(h / 2) };
    case 'act':
      layers.push({ op: s.act ?? 'relu' });
      return at;
    case 'bn':
      layers.push({ op: 'bn' });
      return at;
    case 'shuffle':
      if (c % 2 === 0) layers.push({ op: 'shuffle', groups: 2 });
      return at;
    case 'add':
      layers.push({ op: 'parallel', join: 'add', branches: [{ layers: [] }, { layers: [conv(c, s.k, act)] }] });
      return at;
    case 'concat':
      layers.push({
        op: 'parallel',
        join: 'concat',
        branches: [{ layers: [conv(s.out, 1)] }, { layers: [conv(s.out, s.k, act)] }],
      });
      return { c: 2 * s.out, h };
    default:
      // the name holds the spec's own ${i}, escaped from JavaScript's
      layers.push({
        op: 'repeat',
        count: 2,
        as: 'i',
        name: `rep${layers.length}_\${i}`,
        layers: [conv(c, 3, act)],
      });
      return at;
  }
}

const validSpec = fc
  .record({
    input: fc.constantFrom([1, 3, 32, 32], [1, 8, 16, 16], [2, 3, 24, 24], [1, 16, 7, 7]),
    steps: fc.array(step, { minLength: 1, maxLength: 10 }),
    head: fc.boolean(),
    json: fc.boolean(),
  })
  .map(({ input, steps, head, json }) => {
    const layers = [];
    let at = { c: input[1], h: input[2] };
    for (const s of steps) at = place(layers, s, at);
    if (head) layers.push({ op: 'gap' }, { op: 'flatten' }, { op: 'linear', out: 10 });
    return { name: 'fuzz', input, layers, json };
  });

export function specFamily(lib) {
  return {
    // two in three valid by construction, one in three from the grammar with hostile values
    arbitrary: fc.oneof({ arbitrary: validSpec, weight: 2 }, { arbitrary: specFile, weight: 1 }),
    label: ({ json, ...s }) => (json ? JSON.stringify(s) : stringify(s)).slice(0, 2000),
    run: ({ json, ...s }) => {
      const file = json ? 'fuzz.json' : 'fuzz.yaml';
      const text = json ? JSON.stringify(s) : stringify(s);
      for (const m of lib.modelsOfSpec(lib.parseSpecText(text, file), file)) {
        const g = lib.buildGraph(m);
        const a = lib.analyze(g).totals;
        lib.analyze(lib.deployGraph(g));
        // the exported file reads back to the same counts
        const back = lib.analyze(lib.importOnnx(lib.exportOnnx(g), { file: 'fuzz.onnx' }).graph).totals;
        for (const k of ['params', 'madds', 'flops', 'memoryAccess'])
          if (back[k] !== a[k]) throw new Error(`exported and read back, ${k} ${back[k]} where the spec gives ${a[k]}`);
      }
    },
  };
}
