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

export function specFamily(lib) {
  return {
    arbitrary: specFile,
    label: ({ json, ...s }) => (json ? JSON.stringify(s) : stringify(s)).slice(0, 2000),
    run: ({ json, ...s }) => {
      const file = json ? 'fuzz.json' : 'fuzz.yaml';
      const text = json ? JSON.stringify(s) : stringify(s);
      for (const m of lib.modelsOfSpec(lib.parseSpecText(text, file), file)) {
        const g = lib.buildGraph(m);
        lib.analyze(g);
        lib.analyze(lib.deployGraph(g));
      }
    },
  };
}
