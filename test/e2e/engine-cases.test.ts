/**
 * The disagreements the engine's differential fuzzer (scripts/engine-fuzz.mjs) found, each a graph
 * on or just off a rule's precondition, held kernel for kernel to onnxruntime's own optimized graph
 * at the level given: what onnxruntime 1.30 fuses and what it leaves alone.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { onnxruntime } from '../../src/measure/backend.ts';
import type { OptLevel } from '../../src/measure/options.ts';
import { compareKernels } from '../engine-compare.ts';
import { type NodeSpec, onnxModel, type TensorSpec } from '../onnx-models.ts';

let block = 0;
beforeAll(async () => {
  block = await onnxruntime.layoutBlock();
});

const C = 16;
const D = 16;
const values = (n: number) => Array.from({ length: n }, (_, i) => Math.cos(i) * 0.1);
const w = (name: string, dims: number[], floats?: number[]): TensorSpec => ({
  name,
  dims,
  floats: floats ?? values(dims.reduce((a, b) => a * b, 1)),
});
const convNode = (x: string, y: string, name = `conv.${y}`): NodeSpec => ({
  op: 'Conv',
  name,
  inputs: [x, `${name}.w`, `${name}.b`],
  outputs: [y],
  attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] },
});
const convWeights = (name: string) => [w(`${name}.w`, [C, C, 3, 3]), w(`${name}.b`, [C])];

/** x [1, C, 8, 8] -> conv -> nodes -> output `out` (and any `extra` outputs) */
function cnn(nodes: NodeSpec[], consts: TensorSpec[], out: string, opts: { opset?: number; extra?: string[] } = {}) {
  return onnxModel({
    inputs: [{ name: 'x', dims: [1, C, 8, 8] }],
    outputs: [out, ...(opts.extra ?? [])],
    nodes: [convNode('x', 'a', 'conv1'), ...nodes],
    initializers: [...convWeights('conv1'), ...consts],
    opset: opts.opset,
  });
}

/** conv1's twin: a Conv of x with conv1's own stored weights, written to `y` */
const twinOf = (y: string, name = 'twin'): NodeSpec => ({
  ...convNode('x', y, name),
  inputs: ['x', 'conv1.w', 'conv1.b'],
});

/** conv1 and its twin added, `extra` also a graph output */
const twinsAdded = (extra: string) =>
  cnn([twinOf('b'), { op: 'Add', inputs: ['a', 'b'], outputs: ['y'] }], [], 'y', { extra: [extra] });

/** x [1, 4, D] -> nodes -> output `out` */
function seq(nodes: NodeSpec[], consts: TensorSpec[], out: string, opts: { opset?: number; extra?: string[] } = {}) {
  return onnxModel({
    inputs: [{ name: 'x', dims: [1, 4, D] }],
    outputs: [out, ...(opts.extra ?? [])],
    nodes,
    initializers: consts,
    opset: opts.opset,
  });
}

/** ReduceMean, Sub, Pow, ReduceMean, Add eps, Sqrt, Div, Mul gamma, Add beta of `x`, written to `y` */
function layerNormNodes(x: string, y: string, o: { subFlipped?: boolean; axesInput?: boolean } = {}): NodeSpec[] {
  const reduce = (i: string, out: string): NodeSpec =>
    o.axesInput
      ? { op: 'ReduceMean', inputs: [i, 'ln.axes'], outputs: [out] }
      : { op: 'ReduceMean', inputs: [i], outputs: [out], attrs: { axes: [-1] } };
  return [
    reduce(x, 'ln.mean'),
    { op: 'Sub', inputs: o.subFlipped ? ['ln.mean', x] : [x, 'ln.mean'], outputs: ['ln.d'] },
    { op: 'Pow', inputs: ['ln.d', 'ln.p'], outputs: ['ln.sq'] },
    reduce('ln.sq', 'ln.var'),
    { op: 'Add', inputs: ['ln.var', 'ln.eps'], outputs: ['ln.ve'] },
    { op: 'Sqrt', inputs: ['ln.ve'], outputs: ['ln.sd'] },
    { op: 'Div', inputs: ['ln.d', 'ln.sd'], outputs: ['ln.n'] },
    { op: 'Mul', inputs: ['ln.n', 'ln.g'], outputs: ['ln.s'] },
    { op: 'Add', inputs: ['ln.s', 'ln.b'], outputs: [y] },
  ];
}
const lnConsts = (o: { pow?: number; eps?: number[]; gamma?: number[] } = {}): TensorSpec[] => [
  w('ln.p', [], [o.pow ?? 2]),
  w('ln.eps', o.eps ?? [], [1e-5]),
  w('ln.g', o.gamma ?? [D]),
  w('ln.b', [D]),
  { name: 'ln.axes', dims: [1], ints: [-1] },
];

/** x/√2 -> Erf -> +1 -> times x -> times 1/2, of `x` into `y` */
const geluNodes = (x: string, y: string): NodeSpec[] => [
  { op: 'Div', inputs: [x, 'g.sqrt2'], outputs: ['g.d'] },
  { op: 'Erf', inputs: ['g.d'], outputs: ['g.e'] },
  { op: 'Add', inputs: ['g.e', 'g.one'], outputs: ['g.a'] },
  { op: 'Mul', inputs: [x, 'g.a'], outputs: ['g.m'] },
  { op: 'Mul', inputs: ['g.m', 'g.half'], outputs: [y] },
];
const geluConsts = (sqrt2: number) => [w('g.sqrt2', [], [sqrt2]), w('g.one', [], [1]), w('g.half', [], [0.5])];

const CASES: { name: string; level: OptLevel; bytes: () => Uint8Array }[] = [
  {
    name: 'two Transposes that cancel, from a graph input to a graph output: an Identity writes the output',
    level: 'basic',
    bytes: () =>
      seq(
        [
          { op: 'Transpose', inputs: ['x'], outputs: ['t1'], attrs: { perm: [0, 2, 1] } },
          { op: 'Transpose', inputs: ['t1'], outputs: ['t2'], attrs: { perm: [0, 2, 1] } },
          { op: 'Add', inputs: ['t2', 't2'], outputs: ['y'] },
        ],
        [],
        'y',
        { extra: ['t2'] },
      ),
  },
  {
    name: 'x+0, 0·… x·1, x/1 go (NoopElimination); 0−x, 1/x, a zero of higher rank and an Add to a graph input stay',
    level: 'basic',
    bytes: () =>
      seq(
        [
          { op: 'Add', inputs: ['x', 'zero'], outputs: ['gi'] },
          { op: 'Relu', inputs: ['gi'], outputs: ['r'] },
          { op: 'Add', inputs: ['zero', 'r'], outputs: ['a'] },
          { op: 'Sub', inputs: ['zero', 'a'], outputs: ['b'] },
          { op: 'Mul', inputs: ['b', 'one'], outputs: ['c'] },
          { op: 'Div', inputs: ['one', 'c'], outputs: ['d'] },
          { op: 'Add', inputs: ['d', 'zero4'], outputs: ['e'] },
          { op: 'Sub', inputs: ['e', 'zero'], outputs: ['f'] },
          { op: 'Div', inputs: ['f', 'one'], outputs: ['y'] },
        ],
        [w('zero', [], [0]), w('one', [1], [1]), w('zero4', [1, 1, 1, 1], [0])],
        'y',
      ),
  },
  {
    name: 'Conv + Add of a [1, C, 1, 1] constant folds into the bias (ConvAddFusion, the channel on axis 1)',
    level: 'basic',
    bytes: () => cnn([{ op: 'Add', inputs: ['a', 'k'], outputs: ['y'] }], [w('k', [1, C, 1, 1])], 'y'),
  },
  {
    name: 'Conv + Mul with the constant first is not folded, and runs blocked as a depthwise convolution',
    level: 'all',
    bytes: () => cnn([{ op: 'Mul', inputs: ['k', 'a'], outputs: ['y'] }], [w('k', [C, 1, 1])], 'y'),
  },
  {
    name: 'Conv + Add of a scalar is not folded',
    level: 'basic',
    bytes: () => cnn([{ op: 'Add', inputs: ['a', 'k'], outputs: ['y'] }], [w('k', [], [0.5])], 'y'),
  },
  {
    name: 'a per-channel Mul after a blocked ReLU: a blocked depthwise convolution with the next ReLU fused',
    level: 'all',
    bytes: () =>
      cnn(
        [
          { op: 'Relu', inputs: ['a'], outputs: ['r'] },
          { op: 'Mul', inputs: ['r', 'k'], outputs: ['m'] },
          { op: 'Relu', inputs: ['m'], outputs: ['y'] },
        ],
        [w('k', [1, C, 1, 1])],
        'y',
      ),
  },
  {
    name: 'Add(c, c) after a convolution: not its accumulator (c is read twice)',
    level: 'all',
    bytes: () => cnn([{ op: 'Add', inputs: ['a', 'a'], outputs: ['y'] }], [], 'y'),
  },
  {
    name: 'HardSigmoid after a blocked convolution with a residual sum: one kernel, Conv+HardSigmoid+sum',
    level: 'all',
    bytes: () =>
      cnn(
        [
          convNode('x', 'c2', 'conv2'),
          { op: 'Add', inputs: ['a', 'c2'], outputs: ['s'] },
          { op: 'HardSigmoid', inputs: ['s'], outputs: ['y'], attrs: { alpha: { f: 0.2 } } },
        ],
        convWeights('conv2'),
        'y',
      ),
  },
  {
    name: 'x · HardSigmoid(x) written to a graph output is not the convolution activation',
    level: 'all',
    bytes: () =>
      cnn(
        [
          { op: 'HardSigmoid', inputs: ['a'], outputs: ['h'], attrs: { alpha: { f: 1 / 6 } } },
          { op: 'Mul', inputs: ['a', 'h'], outputs: ['y'] },
        ],
        [],
        'y',
      ),
  },
  {
    name: 'an Identity writing a graph output goes: the node before it writes the output',
    level: 'basic',
    bytes: () =>
      cnn(
        [
          { op: 'Relu', inputs: ['a'], outputs: ['r'] },
          { op: 'Identity', inputs: ['r'], outputs: ['y'] },
        ],
        [],
        'y',
      ),
  },
  {
    name: 'Gelu with √2 written as 1.41421 (onnxruntime compares within 1e-5 relative)',
    level: 'extended',
    // biome-ignore lint/suspicious/noApproximativeNumericConstant: an exporter's rounded √2 is the case
    bytes: () => seq(geluNodes('x', 'y'), geluConsts(1.41421), 'y'),
  },
  {
    name: 'Gelu at opset 20 is the ONNX op, fused at the basic level already',
    level: 'basic',
    bytes: () => seq(geluNodes('x', 'y'), geluConsts(Math.SQRT2), 'y', { opset: 20 }),
  },
  {
    name: 'an Add of a bias before the ONNX Gelu (opset 20): BiasGelu',
    level: 'extended',
    bytes: () =>
      seq(
        [{ op: 'Add', inputs: ['x', 'bias'], outputs: ['xb'] }, ...geluNodes('xb', 'y')],
        [...geluConsts(Math.SQRT2), w('bias', [D])],
        'y',
        { opset: 20 },
      ),
  },
  {
    name: 'Gelu of a tensor a Mul writes is left unfused',
    level: 'extended',
    bytes: () =>
      seq(
        [{ op: 'Mul', inputs: ['x', 's'], outputs: ['xs'] }, ...geluNodes('xs', 'y')],
        [...geluConsts(Math.SQRT2), w('s', [], [0.125])],
        'y',
      ),
  },
  {
    name: 'layer norm with Pow 3, Sub(mean, x) and a [1] epsilon: fused all the same',
    level: 'extended',
    bytes: () =>
      seq(layerNormNodes('x', 'y', { subFlipped: true }), lnConsts({ pow: 3, eps: [1] }), 'y', { opset: 13 }),
  },
  {
    name: 'layer norm with a [1, D] gamma: left unfused',
    level: 'extended',
    bytes: () => seq(layerNormNodes('x', 'y'), lnConsts({ gamma: [1, D] }), 'y', { opset: 13 }),
  },
  {
    name: 'layer norm at opset 17: fused at the basic level already',
    level: 'basic',
    bytes: () => seq(layerNormNodes('x', 'y'), lnConsts(), 'y', { opset: 17 }),
  },
  {
    name: 'layer norm at opset 18, the axes an int64 input: fused',
    level: 'extended',
    bytes: () => seq(layerNormNodes('x', 'y', { axesInput: true }), lnConsts(), 'y', { opset: 18 }),
  },
  {
    name: 'an Add of a bias before Add + LayerNormalization: SkipLayerNormalization takes it as its bias',
    level: 'extended',
    bytes: () =>
      seq(
        [
          { op: 'MatMul', inputs: ['x', 'm.w'], outputs: ['m'] },
          { op: 'Add', inputs: ['m', 'm.b'], outputs: ['mb'] },
          { op: 'Add', inputs: ['x', 'mb'], outputs: ['s'] },
          { op: 'LayerNormalization', inputs: ['s', 'ln.g', 'ln.b'], outputs: ['y'], attrs: { axis: -1 } },
        ],
        [w('m.w', [D, D]), w('m.b', [D]), w('ln.g', [D]), w('ln.b', [D])],
        'y',
        { opset: 17 },
      ),
  },
  {
    name: 'two Transposes that undo each other go, also before a graph output',
    level: 'basic',
    bytes: () =>
      seq(
        [
          { op: 'Relu', inputs: ['x'], outputs: ['r'] },
          { op: 'Transpose', inputs: ['r'], outputs: ['t1'], attrs: { perm: [1, 0, 2] } },
          { op: 'Transpose', inputs: ['t1'], outputs: ['t2'], attrs: { perm: [1, 0, 2] } },
          { op: 'Add', inputs: ['r', 't2'], outputs: ['y'] },
        ],
        [],
        'y',
        { extra: ['t2'] },
      ),
  },
  {
    name: 'two MatMul + Add of a 3-D input in a row: the reshape between the Gemms is one',
    level: 'basic',
    bytes: () =>
      seq(
        [
          { op: 'MatMul', inputs: ['x', 'a.w'], outputs: ['a'] },
          { op: 'Add', inputs: ['a', 'a.b'], outputs: ['ab'] },
          { op: 'MatMul', inputs: ['ab', 'b.w'], outputs: ['b'] },
          { op: 'Add', inputs: ['b', 'b.b'], outputs: ['y'] },
        ],
        [w('a.w', [D, D]), w('a.b', [D]), w('b.w', [D, D]), w('b.b', [D])],
        'y',
      ),
  },
  // common subexpressions: conv1 reads x, and so do the ones below (a twin reads conv1's own weights)
  ...(['basic', 'all'] as const).map((level) => ({
    name: `a twin of a Conv (same input, same stored weights) is merged into it, and the twin ReLUs after (${level})`,
    level,
    bytes: () =>
      cnn(
        [
          twinOf('b'),
          { op: 'Relu', inputs: ['a'], outputs: ['ra'] },
          { op: 'Relu', inputs: ['b'], outputs: ['rb'] },
          { op: 'Add', inputs: ['ra', 'rb'], outputs: ['y'] },
        ],
        [],
        'y',
      ),
  })),
  {
    name: 'a twin whose output is a graph output stays',
    level: 'basic',
    bytes: () => twinsAdded('b'),
  },
  {
    name: "three twins: one kept, the one onnxruntime's topological order meets first (the second)",
    level: 'basic',
    bytes: () =>
      cnn(
        [
          twinOf('b'),
          twinOf('c', 'third'),
          { op: 'Add', inputs: ['a', 'b'], outputs: ['s'] },
          { op: 'Add', inputs: ['s', 'c'], outputs: ['y'] },
        ],
        [],
        'y',
      ),
  },
  {
    name: 'the twin met later is a graph output: both stay',
    level: 'basic',
    bytes: () => twinsAdded('a'),
  },
  {
    name: 'Convs with equal weights stored under two names are not merged (values are compared by name)',
    level: 'basic',
    bytes: () =>
      cnn(
        [convNode('x', 'b', 'conv2'), { op: 'Add', inputs: ['a', 'b'], outputs: ['y'] }],
        [w('conv2.w', [C, C, 3, 3]), w('conv2.b', [C])],
        'y',
      ),
  },
  {
    name: 'twin Convs each folding its own BatchNormalization are not merged',
    level: 'basic',
    bytes: () =>
      cnn(
        [
          twinOf('b'),
          { op: 'BatchNormalization', inputs: ['a', 'bn.s', 'bn.b', 'bn.m', 'bn.v'], outputs: ['na'] },
          { op: 'BatchNormalization', inputs: ['b', 'bn.s2', 'bn.b', 'bn.m', 'bn.v'], outputs: ['nb'] },
          { op: 'Add', inputs: ['na', 'nb'], outputs: ['y'] },
        ],
        [
          w('bn.s', [C]),
          w(
            'bn.s2',
            [C],
            values(C).map((v) => v + 1),
          ),
          w('bn.b', [C]),
          w('bn.m', [C]),
        ].concat([w('bn.v', [C], new Array(C).fill(1))]),
        'y',
      ),
  },
];

describe('onnxruntime 1.30 on and just off the rules (the fuzzer finds these)', () => {
  it.each(CASES.map((c) => [c.name, c]))('%s', async (_, c) => {
    const r = await compareKernels(c.bytes(), block, {}, c.level);
    expect(r.only).toEqual([]);
  });
});
