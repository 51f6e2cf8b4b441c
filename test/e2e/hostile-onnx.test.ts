/**
 * Hostile input, round three: ONNX files that are small on disk and large, deep or wrong inside.
 * Each ends in a correct result or one line naming the node or tensor, exit 2, within 10 s.
 */
import { describe, expect, it } from 'vitest';
import { expectClean, hostileKit } from '../hostile-kit.ts';
import { type NodeSpec, onnxModel, type TensorSpec } from '../onnx-models.ts';

const { file, run } = hostileKit('onnx3');
const x8 = [{ name: 'x', dims: [1, 3, 8, 8] }];
const shapeOf = (name: string, dims: number[]): TensorSpec => ({ name, dims: [dims.length], ints: dims });
/** Nodes by which `v` decides x's shape (its sum, cast to int, plus [1, 192]): folding must compute it. */
const intoShape = (v: string): NodeSpec[] => [
  { op: 'ReduceSum', inputs: [v], outputs: ['sum'], attrs: { keepdims: 0 } },
  { op: 'Cast', inputs: ['sum'], outputs: ['sumi'], attrs: { to: 7 } },
  { op: 'Add', inputs: ['sumi', 'base'], outputs: ['shape'] },
  { op: 'Reshape', inputs: ['x', 'shape'], outputs: ['y'] },
];
const base = { name: 'base', dims: [2], ints: [1, 192] };
const model = (name: string, nodes: NodeSpec[], initializers: TensorSpec[], outputs = ['y']) =>
  file(name, onnxModel({ nodes, initializers, inputs: x8, outputs }));

describe('folding has one budget for the whole graph', () => {
  it('ConstantOfShape([2048, 2048]) through 100 Adds into a Reshape shape: stopped early, by its budget', () => {
    const nodes: NodeSpec[] = [{ op: 'ConstantOfShape', inputs: ['s'], outputs: ['c0'] }];
    for (let i = 0; i < 100; i++) nodes.push({ op: 'Add', inputs: [`c${i}`, `c${i}`], outputs: [`c${i + 1}`] });
    nodes.push(...intoShape('c100'));
    const p = model('budget.onnx', nodes, [shapeOf('s', [2048, 2048]), base]);
    expectClean(
      run(['report', p]),
      /'reshape_104' \(Reshape\): computing its value: folding constants would compute more than 16,777,216 elements/,
    );
  });

  it('ConstantOfShape([512, 512]) through ReduceMax, Unsqueeze and Concat: a result, no stack overflow', () => {
    const nodes: NodeSpec[] = [
      { op: 'ConstantOfShape', inputs: ['s'], outputs: ['c'] },
      { op: 'ReduceMax', inputs: ['c'], outputs: ['m'], attrs: { axes: [1], keepdims: 0 } },
      { op: 'Unsqueeze', inputs: ['m', 'ax'], outputs: ['u'] },
      { op: 'Concat', inputs: ['u', 'u'], outputs: ['k'], attrs: { axis: 0 } },
      ...intoShape('k'),
    ];
    const p = model('deep.onnx', nodes, [shapeOf('s', [512, 512]), { name: 'ax', dims: [1], ints: [0] }, base]);
    const r = run(['report', p, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).layers.at(-1).outputShape).toEqual([1, 192]);
  });
});

describe('attributes the weights or the standard contradict', () => {
  const w3 = { name: 'w', dims: [4, 3, 3, 3] };
  it('a Conv whose kernel_shape [5, 5] disagrees with its 3x3 weight', () => {
    const p = model(
      'ks.onnx',
      [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: { kernel_shape: [5, 5] } }],
      [w3],
    );
    expectClean(run(['report', p]), /kernel_shape \[5, ?5\] .* weight .* 3x3|kernel_shape/);
  });

  it('auto_pad="EVIL" is refused with the values ONNX allows', () => {
    const p = model(
      'pad.onnx',
      [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: { auto_pad: 'EVIL' } }],
      [w3],
    );
    expectClean(run(['report', p]), /auto_pad 'EVIL'.*NOTSET, SAME_UPPER, SAME_LOWER, VALID/);
  });

  it('a node with no outputs', () => {
    const p = model(
      'noout.onnx',
      [
        { op: 'Relu', inputs: ['x'], outputs: [] },
        { op: 'Relu', inputs: ['x'], outputs: ['y'] },
      ],
      [],
    );
    expectClean(run(['report', p]), /'relu_0' \(Relu\): the node has no outputs/);
  });

  it('a node whose only output is the empty name', () => {
    const p = model(
      'emptyout.onnx',
      [
        { op: 'Relu', inputs: ['x'], outputs: [''] },
        { op: 'Relu', inputs: ['x'], outputs: ['y'] },
      ],
      [],
    );
    expectClean(run(['report', p]), /'relu_0' \(Relu\): the node has no outputs/);
  });
});

describe('weights are counted as stored, never as declared', () => {
  it('float_data shorter than the dims', () => {
    const p = model(
      'short.onnx',
      [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'] }],
      [{ name: 'w', dims: [4, 3, 3, 3], floatData: [1, 2, 3] }],
    );
    expectClean(run(['report', p]), /tensor 'w' has dims \[4, 3, 3, 3\] \(108 values\) but its float_data holds 3/);
  });

  it('dims [2^18, 2^18] with no data at all: refused, not 68.7 G params', () => {
    const p = model(
      'empty.onnx',
      [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
      [{ name: 'w', dims: [2 ** 18, 2 ** 18], floatData: [] }],
    );
    expectClean(
      run(['report', p]),
      /tensor 'w' has dims \[262144, 262144\] \(68719476736 values\) but its float_data holds none/,
    );
  });

  it('float_data of the right length is read', () => {
    const p = model(
      'ok.onnx',
      [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'] }],
      [{ name: 'w', dims: [4, 3, 3, 3], floatData: new Array(108).fill(0.5) }],
    );
    const r = run(['report', p, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).totals.params).toBe(108);
  });
});
