/**
 * Small ONNX models built around the patterns onnxruntime fuses into kernels named after none of
 * their nodes (QuickGelu, Gelu, FastGelu, LayerNormalization, HardSwish, attention): the test corpus
 * for per-layer attribution by dataflow.
 */
import { type NodeSpec, onnxModel, type TensorSpec } from './onnx-models.ts';

const C = 32;
const HW = 16;
const T = 64; // tokens
const D = 64; // model width

const scalar = (name: string, v: number): TensorSpec => ({ name, dims: [], floats: [v] });
const weight = (name: string, dims: number[]): TensorSpec => ({
  name,
  dims,
  floats: Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i) * 0.1),
});
const conv = (x: string, y: string, name: string): NodeSpec => ({
  op: 'Conv',
  name,
  inputs: [x, `${name}.w`, `${name}.b`],
  outputs: [y],
  attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] },
});
const convWeights = (name: string): TensorSpec[] => [weight(`${name}.w`, [C, C, 3, 3]), weight(`${name}.b`, [C])];

/** conv -> f(x) -> conv: an activation between two convolutions, as a CNN has it */
function convSandwich(nodes: NodeSpec[], consts: TensorSpec[], out: string): Uint8Array {
  return onnxModel({
    inputs: [{ name: 'x', dims: [1, C, HW, HW] }],
    outputs: ['y'],
    nodes: [conv('x', 'a', 'conv1'), ...nodes, conv(out, 'y', 'conv2')],
    initializers: [...convWeights('conv1'), ...convWeights('conv2'), ...consts],
  });
}

/** linear -> f(x) -> linear over tokens, as a transformer block has it */
function linearSandwich(nodes: NodeSpec[], consts: TensorSpec[], out: string): Uint8Array {
  return onnxModel({
    inputs: [{ name: 'x', dims: [1, T, D] }],
    outputs: ['y'],
    nodes: [
      { op: 'MatMul', name: 'fc1', inputs: ['x', 'fc1.w'], outputs: ['a'] },
      ...nodes,
      { op: 'MatMul', name: 'fc2', inputs: [out, 'fc2.w'], outputs: ['y'] },
    ],
    initializers: [weight('fc1.w', [D, D]), weight('fc2.w', [D, D]), ...consts],
  });
}

const silu = () =>
  convSandwich(
    [
      { op: 'Sigmoid', name: 'sig', inputs: ['a'], outputs: ['s'] },
      { op: 'Mul', name: 'swish', inputs: ['a', 's'], outputs: ['b'] },
    ],
    [],
    'b',
  );

const geluErf = () =>
  linearSandwich(
    [
      { op: 'Div', name: 'div', inputs: ['a', 'sqrt2'], outputs: ['d'] },
      { op: 'Erf', name: 'erf', inputs: ['d'], outputs: ['e'] },
      { op: 'Add', name: 'add1', inputs: ['e', 'one'], outputs: ['f'] },
      { op: 'Mul', name: 'mulx', inputs: ['a', 'f'], outputs: ['g'] },
      { op: 'Mul', name: 'half', inputs: ['g', 'half.c'], outputs: ['b'] },
    ],
    [scalar('sqrt2', Math.SQRT2), scalar('one', 1), scalar('half.c', 0.5)],
    'b',
  );

const geluTanh = () =>
  linearSandwich(
    [
      { op: 'Pow', name: 'cube', inputs: ['a', 'three'], outputs: ['p'] },
      { op: 'Mul', name: 'k1', inputs: ['p', 'c1'], outputs: ['q'] },
      { op: 'Add', name: 'inner', inputs: ['a', 'q'], outputs: ['r'] },
      { op: 'Mul', name: 'k2', inputs: ['r', 'c2'], outputs: ['s'] },
      { op: 'Tanh', name: 'tanh', inputs: ['s'], outputs: ['t'] },
      { op: 'Add', name: 'add1', inputs: ['t', 'one'], outputs: ['u'] },
      { op: 'Mul', name: 'mulx', inputs: ['a', 'u'], outputs: ['v'] },
      { op: 'Mul', name: 'half', inputs: ['v', 'half.c'], outputs: ['b'] },
    ],
    [
      scalar('three', 3),
      scalar('c1', 0.044715),
      scalar('c2', Math.sqrt(2 / Math.PI)),
      scalar('one', 1),
      scalar('half.c', 0.5),
    ],
    'b',
  );

const layerNorm = () =>
  linearSandwich(
    [
      { op: 'ReduceMean', name: 'mean', inputs: ['a'], outputs: ['m'], attrs: { axes: [-1] } },
      { op: 'Sub', name: 'center', inputs: ['a', 'm'], outputs: ['c'] },
      { op: 'Pow', name: 'square', inputs: ['c', 'two'], outputs: ['sq'] },
      { op: 'ReduceMean', name: 'var', inputs: ['sq'], outputs: ['v'], attrs: { axes: [-1] } },
      { op: 'Add', name: 'eps', inputs: ['v', 'eps.c'], outputs: ['ve'] },
      { op: 'Sqrt', name: 'std', inputs: ['ve'], outputs: ['sd'] },
      { op: 'Div', name: 'norm', inputs: ['c', 'sd'], outputs: ['n'] },
      { op: 'Mul', name: 'gamma', inputs: ['n', 'gamma.w'], outputs: ['ng'] },
      { op: 'Add', name: 'beta', inputs: ['ng', 'beta.w'], outputs: ['b'] },
    ],
    [scalar('two', 2), scalar('eps.c', 1e-5), weight('gamma.w', [D]), weight('beta.w', [D])],
    'b',
  );

const hardSwish = () =>
  convSandwich(
    [
      { op: 'HardSigmoid', name: 'hsig', inputs: ['a'], outputs: ['h'], attrs: { alpha: { f: 1 / 6 } } },
      { op: 'Mul', name: 'hswish', inputs: ['a', 'h'], outputs: ['b'] },
    ],
    [],
    'b',
  );

const squeezeExcite = () => {
  const r = C / 4;
  return convSandwich(
    [
      { op: 'GlobalAveragePool', name: 'se.pool', inputs: ['a'], outputs: ['p'] },
      { op: 'Conv', name: 'se.reduce', inputs: ['p', 'se.r.w', 'se.r.b'], outputs: ['q'] },
      { op: 'Relu', name: 'se.relu', inputs: ['q'], outputs: ['qr'] },
      { op: 'Conv', name: 'se.expand', inputs: ['qr', 'se.e.w', 'se.e.b'], outputs: ['e'] },
      { op: 'Sigmoid', name: 'se.gate', inputs: ['e'], outputs: ['g'] },
      { op: 'Mul', name: 'se.scale', inputs: ['a', 'g'], outputs: ['b'] },
    ],
    [weight('se.r.w', [r, C, 1, 1]), weight('se.r.b', [r]), weight('se.e.w', [C, r, 1, 1]), weight('se.e.b', [C])],
    'b',
  );
};

const attention = () =>
  onnxModel({
    inputs: [{ name: 'x', dims: [1, T, D] }],
    outputs: ['y'],
    nodes: [
      { op: 'MatMul', name: 'q', inputs: ['x', 'wq'], outputs: ['q'] },
      { op: 'MatMul', name: 'k', inputs: ['x', 'wk'], outputs: ['k'] },
      { op: 'MatMul', name: 'v', inputs: ['x', 'wv'], outputs: ['v'] },
      { op: 'Transpose', name: 'kt', inputs: ['k'], outputs: ['kt'], attrs: { perm: [0, 2, 1] } },
      { op: 'MatMul', name: 'scores', inputs: ['q', 'kt'], outputs: ['s'] },
      { op: 'Mul', name: 'scale', inputs: ['s', 'scale.c'], outputs: ['ss'] },
      { op: 'Softmax', name: 'softmax', inputs: ['ss'], outputs: ['p'], attrs: { axis: -1 } },
      { op: 'MatMul', name: 'mix', inputs: ['p', 'v'], outputs: ['o'] },
      { op: 'MatMul', name: 'proj', inputs: ['o', 'wo'], outputs: ['y'] },
    ],
    initializers: [
      weight('wq', [D, D]),
      weight('wk', [D, D]),
      weight('wv', [D, D]),
      weight('wo', [D, D]),
      scalar('scale.c', 1 / Math.sqrt(D)),
    ],
  });

/** Each model with the activation or block it is built around. */
export const FUSION_MODELS: { name: string; bytes: () => Uint8Array }[] = [
  { name: 'silu', bytes: silu },
  { name: 'gelu-erf', bytes: geluErf },
  { name: 'gelu-tanh', bytes: geluTanh },
  { name: 'layernorm', bytes: layerNorm },
  { name: 'hardswish', bytes: hardSwish },
  { name: 'squeeze-excite', bytes: squeezeExcite },
  { name: 'attention', bytes: attention },
];
