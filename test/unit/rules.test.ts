/** User cost rules: validated when loaded, evaluated on each node's shapes and attributes, no code run. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/cost/analyze.ts';
import { NetcostError } from '../../src/errors.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { loadRules } from '../../src/onnx/rules.ts';
import { onnxModel } from '../onnx-models.ts';

const dir = mkdtempSync(join(tmpdir(), 'netcost-rules-'));
let n = 0;
const rulesFile = (yaml: string) => {
  const p = join(dir, `rules${n++}.yaml`);
  writeFileSync(p, yaml);
  return p;
};
const rule = (body: string) => rulesFile(`rules:\n  - ${body.trim().split('\n').join('\n    ')}\n`);

/** boxes [1, N, 4] and scores [1, C, N] into an op netcost has no rule for (StringNormalizer's name), after a Relu */
const nms = (n = 100, c = 3, extra: Record<string, number[]> = {}) =>
  onnxModel({
    nodes: [
      { op: 'Relu', inputs: ['boxes'], outputs: ['b'] },
      {
        op: 'StringNormalizer',
        inputs: ['b', 'scores'],
        outputs: ['sel'],
        name: 'nms',
        attrs: { center_point_box: 1 },
      },
    ],
    inputs: [
      { name: 'boxes', dims: [1, n, 4] },
      { name: 'scores', dims: [1, c, n] },
    ],
    outputs: ['sel'],
    outputShapes: extra,
  });

describe('a rule costs an op netcost does not know', () => {
  const file = rule(`
op: StringNormalizer
category: elementwise
flops: "in1.c * in0.c * in0.c * 12 + attr.center_point_box"
reads: in0.numel + in1.numel
outputs: [["in1.c * in0.c", 3]]`);
  const rules = loadRules(file);

  it('its expressions over shapes and attributes give the counts, exactly', () => {
    const r = analyze(importOnnx(nms(), { file: 'det.onnx', rules }).graph);
    const l = r.layers.find((x) => x.name === 'nms');
    expect(l?.op).toBe('custom');
    expect(l?.rule).toBe(`${file}: StringNormalizer`);
    expect(l?.foreignOp).toBe('StringNormalizer');
    expect(l?.outputShape).toEqual([300, 3]);
    expect(l?.flops).toBe(3 * 100 * 100 * 12 + 1);
    expect(l?.memoryAccess).toBe(400 + 300 + 900);
    expect(l?.category).toBe('elementwise');
  });
  it('without outputs in the rule, the model declares them', () => {
    const f = rule('op: StringNormalizer\ncategory: elementwise\nflops: 7');
    const r = analyze(importOnnx(nms(10, 2, { sel: [5, 3] }), { file: 'det.onnx', rules: loadRules(f) }).graph);
    expect(r.layers.find((x) => x.name === 'nms')?.outputShape).toEqual([5, 3]);
  });
  it('a rule that gives no shape, for a model that declares none: one error naming the node and the rule', () => {
    const f = rule('op: StringNormalizer\ncategory: elementwise');
    expect(() => importOnnx(nms(), { file: 'det.onnx', rules: loadRules(f) })).toThrow(
      /det\.onnx: node 'nms' \(StringNormalizer\): .*StringNormalizer gives no output shape and the model declares/,
    );
  });
  it('a count that is not a whole number is refused on the node', () => {
    const f = rule('op: StringNormalizer\ncategory: elementwise\nflops: in0.c / 3\noutputs: [[1, 3]]');
    expect(() => importOnnx(nms(100), { file: 'det.onnx', rules: loadRules(f) })).toThrow(
      /node 'nms' \(StringNormalizer\): .*flops 'in0.c \/ 3' gives 33\.33+\d*; a count is a whole number/,
    );
  });
});

describe('rules are validated when they load: one clean error naming the rule', () => {
  const bad = (yaml: string, pattern: RegExp) => {
    let err: unknown;
    try {
      loadRules(rule(yaml));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NetcostError);
    expect((err as Error).message).toMatch(pattern);
    expect((err as Error).message).not.toContain('\n');
  };
  it.each([
    [
      'an unknown name',
      'op: Foo\ncategory: elementwise\nflops: in0.x * 2',
      /rules\[0\] \(Foo\)\.flops: unknown name 'in0\.x' in 'in0\.x \* 2'/,
    ],
    ['a prototype member', 'op: Foo\ncategory: elementwise\nflops: constructor', /unknown name 'constructor'/],
    [
      'a function that is not the language',
      'op: Foo\ncategory: elementwise\nflops: valueOf(1)',
      /unknown function 'valueOf'/,
    ],
    [
      'a syntax error',
      'op: Foo\ncategory: elementwise\nflops: "in0.c * (2"',
      /rules\[0\] \(Foo\)\.flops: expected '\)'/,
    ],
    [
      'outputs naming outputs',
      'op: Foo\ncategory: elementwise\noutputs: [[out.c]]',
      /outputs\[0\]\[0\]: unknown name 'out\.c'/,
    ],
    ['an unknown category', 'op: Foo\ncategory: magic', /rules\[0\]\.category: /],
    [
      'an op netcost knows, without override',
      'op: Conv\ncategory: conv\nflops: 1',
      /netcost already costs Conv; add 'override: true' to replace its rule/,
    ],
    ['an unknown field', 'op: Foo\ncategory: view\nflop: 3', /rules\[0\]: Unrecognized key: "flop"/],
  ])('%s', (_, yaml, pattern) => bad(yaml, pattern));
  it('a duplicate YAML key is refused, not read as the last value', () => {
    expect(() => loadRules(rulesFile('rules:\n  - op: Foo\n    category: view\n    op: Bar\n'))).toThrow(
      /rules\d+\.yaml: not valid YAML at line 4, column 5 \(duplicate key\)/,
    );
  });
  it('an unclosed flow mapping is refused', () => {
    expect(() => loadRules(rulesFile('rules:\n  - { op: Foo, category: view\n'))).toThrow(/not valid YAML at line/);
  });
  it('a list used as a number, or a number indexed, is refused at load', () => {
    bad('op: Foo\ncategory: view\nflops: in0.dims * 2', /'in0\.dims' in 'in0\.dims \* 2' is a list/);
    bad('op: Foo\ncategory: view\nflops: in0.c[0]', /'in0\.c' in 'in0\.c\[0\]' is a number/);
  });
  it.each([
    ['a divisor that is 0 only for some shapes', 'in0.numel // (in0.h - 1)'],
    ['a guarded division', 'attr.k == 0 ? 0 : 10 / attr.k'],
    ['a number with an exponent', '1e3 * in0.numel'],
  ])('%s loads: values are checked on the node, not on stand-ins', (_, flops) => {
    expect(loadRules(rule(`op: Foo\ncategory: view\nflops: "${flops}"`)).get('Foo')?.flops).toBe(flops);
  });
  it('two rules for one op', () => {
    expect(() =>
      loadRules(rulesFile('rules:\n  - { op: Foo, category: view }\n  - { op: Foo, category: view }\n')),
    ).toThrow(/rules\[1\] \(Foo\): a second rule for Foo; keep one/);
  });
  it("an override replaces netcost's own rule, with a notice", () => {
    const f = rule('op: Relu\ncategory: elementwise\nflops: in0.numel * 3\noverride: true');
    const relu = onnxModel({
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
      inputs: [{ name: 'x', dims: [1, 100, 4] }],
      outputs: ['y'],
    });
    const r = importOnnx(relu, { file: 'relu.onnx', rules: loadRules(f) });
    expect(r.warnings[0]).toMatch(/the user rule .*: Relu replaces netcost's own rule for that op/);
    expect(analyze(r.graph).layers[0].flops).toBe(3 * 400);
  });
  it('an override on a node missing its input is one clean error, not a crash', () => {
    const f = rule('op: Relu\ncategory: elementwise\nflops: 1\noverride: true');
    const bad = onnxModel({
      nodes: [{ op: 'Relu', inputs: [], outputs: ['y'], name: 'r' }],
      inputs: [{ name: 'x', dims: [1, 4] }],
      outputs: ['y'],
    });
    expect(() => importOnnx(bad, { file: 'bad.onnx', rules: loadRules(f) })).toThrow(
      /bad\.onnx: node 'r' \(Relu\): input 1 is missing/,
    );
  });
  it('a rule for a custom domain keys on domain.op', () => {
    const f = rule('op: FancyRelu\ndomain: com.example\ncategory: elementwise\nflops: in0.numel');
    const bytes = onnxModel({
      nodes: [{ op: 'FancyRelu', domain: 'com.example', inputs: ['x'], outputs: ['y'] }],
      inputs: [{ name: 'x', dims: [1, 8] }],
      outputs: ['y'],
      outputShapes: { y: [1, 8] },
    });
    const r = importOnnx(bytes, { file: 'x.onnx', rules: loadRules(f) });
    expect(r.warnings).toEqual([]);
    expect(analyze(r.graph).totals.flops).toBe(8);
  });
});
