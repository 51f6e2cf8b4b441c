/**
 * Predicted time of control flow (issue 32): a Loop body's kernels run once per trip, an If
 * branch that is not counted runs nothing, and a body's kernels are priced as the same node in a
 * plain graph is (onnxruntime optimises and runs a body as a graph of its own).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { predict } from '../../src/predict/attach.ts';
import { cli } from '../helpers.ts';
import { type GraphSpec, onnxModel, type TensorSpec } from '../onnx-models.ts';
import { testProfile } from '../profiles.ts';

const w = (name: string, dims: number[]): TensorSpec => ({
  name,
  dims,
  floats: new Array(dims.reduce((a, b) => a * b, 1)).fill(0.01),
});
const i64 = (name: string, v: number): TensorSpec => ({ name, dims: [], ints: [v] });
const bool = (name: string, v: number): TensorSpec => ({ name, dims: [], type: 'bool', values: [v] });
const conv = (x: string, y: string, weight: string) => ({
  op: 'Conv',
  name: 'conv',
  inputs: [x, weight],
  outputs: [y],
  attrs: { pads: [1, 1, 1, 1] },
});
const x = [{ name: 'x', dims: [1, 16, 28, 28] }];
const profile = testProfile();

/** A Loop of `trips` around a 16 -> 16 3x3 convolution whose weight is the body's own, or the outer graph's. */
function loopModel(trips: number, outerWeight = false): Uint8Array {
  const body: GraphSpec = {
    inputs: [{ name: 'i', type: 'int64', dims: [] }, { name: 'c', type: 'bool', dims: [] }, { name: 'h' }],
    initializers: outerWeight ? [] : [w('bw', [16, 16, 3, 3])],
    nodes: [conv('h', 'h2', 'bw'), { op: 'Identity', name: 'keep', inputs: ['c'], outputs: ['c2'] }],
    outputs: [{ name: 'c2', type: 'bool' }, 'h2'],
  };
  return onnxModel({
    inputs: x,
    initializers: [i64('M', trips), bool('yes', 1), ...(outerWeight ? [w('bw', [16, 16, 3, 3])] : [])],
    nodes: [
      { op: 'Loop', name: 'loop', inputs: ['M', 'yes', 'x'], outputs: ['y'], attrs: { body: { g: body } } },
      { op: 'Relu', name: 'relu', inputs: ['y'], outputs: ['out'] },
    ],
    outputs: ['out'],
  });
}

const predicted = (bytes: Uint8Array) => predict(profile, { kind: 'onnx', file: 'm.onnx', bytes });
const layerMs = (bytes: Uint8Array, name: string) =>
  predicted(bytes).layers.find((l) => l.name === name)?.predictedMs ?? 0;

/** the same convolution in a plain graph, as a reference */
const plainMs = layerMs(
  onnxModel({ inputs: x, initializers: [w('bw', [16, 16, 3, 3])], nodes: [conv('x', 'y', 'bw')], outputs: ['y'] }),
  'conv',
);

describe('control flow in the latency model', () => {
  it('a Loop body runs once per trip: 1, 10 and 1,000 trips, each its plain-graph price times the trips', () => {
    expect(plainMs).toBeGreaterThan(0);
    for (const trips of [1, 10, 1000]) {
      expect(layerMs(loopModel(trips), 'loop/conv') / (trips * plainMs)).toBeCloseTo(1, 9);
    }
    const [one, many] = [1, 1000].map((t) => predicted(loopModel(t)).predictedMs);
    expect((many - one) / (999 * plainMs)).toBeCloseTo(1, 9);
  });

  it("a body reading the outer graph's weight is planned as with its own (a constant weight, the same kernel)", () => {
    expect(layerMs(loopModel(10, true), 'loop/conv') / (10 * plainMs)).toBeCloseTo(1, 9);
  });

  it('an If whose condition is known at run time: only the counted branch is priced', () => {
    const branch = (channels: number, name: string): GraphSpec => ({
      inputs: [],
      initializers: [w(`${name}w`, [channels, 16, 3, 3])],
      nodes: [{ ...conv('x', `${name}y`, `${name}w`), name: `${name}conv` }],
      outputs: [`${name}y`],
    });
    const bytes = onnxModel({
      inputs: x,
      initializers: [],
      nodes: [
        { op: 'ReduceMax', name: 'mx', inputs: ['x'], outputs: ['m'], attrs: { keepdims: 0 } },
        { op: 'Cast', name: 'cond', inputs: ['m'], outputs: ['c'], attrs: { to: 9 } },
        {
          op: 'If',
          name: 'if',
          inputs: ['c'],
          outputs: ['y'],
          attrs: { then_branch: { g: branch(16, 'big') }, else_branch: { g: branch(8, 'small') } },
        },
      ],
      outputs: ['y'],
    });
    const layers = predicted(bytes).layers;
    const then = layers.find((l) => l.name === 'if/then/bigconv')?.predictedMs;
    expect(then).toBeCloseTo(plainMs, 9);
    expect(layers.find((l) => l.name === 'if/else/smallconv')?.predictedMs ?? 0).toBe(0);
  });
});

describe('a user rule in a prediction', () => {
  it('report --rules --profile prices an op only a rule costs (the prediction read the file without the rules)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netcost-rules-predict-'));
    const model = join(dir, 'm.onnx');
    writeFileSync(
      model,
      onnxModel({
        inputs: x,
        initializers: [w('bw', [16, 16, 3, 3])],
        nodes: [
          conv('x', 'c', 'bw'),
          { op: 'Decode', domain: 'com.example', name: 'dec', inputs: ['c'], outputs: ['y'] },
        ],
        outputs: ['y'],
        opsets: { 'com.example': 1 },
      }),
    );
    const rules = join(dir, 'rules.yaml');
    writeFileSync(
      rules,
      'rules:\n  - op: Decode\n    domain: com.example\n    category: elementwise\n' +
        '    flops: "in0.numel"\n    outputs: same\n',
    );
    const file = join(dir, 'profile.json');
    writeFileSync(file, JSON.stringify(profile));
    const r = cli(['report', model, '--rules', rules, '--profile', file, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).totals.predictedMs).toBeGreaterThan(0);
  });
});
