/**
 * Element-wise ops of imported models without an op of their own. The table is the one home of
 * each function's FLOPs per element, its ONNX op type, and its value for constant folding.
 */
import type { UnaryFn } from '../graph/kinds.ts';
import type { UnaryAttrs } from '../graph/types.ts';
import { expectAnyRank, numel, type OpDef, ShapeError } from './op.ts';
import { generate } from './tensor.ts';

interface UnaryInfo {
  onnx: string;
  flops: number;
  /** how the FLOPs are counted, when it is not one operation */
  words?: string;
  /** the function itself, for folding constants */
  at?: (x: number) => number;
  /** the output holds the input's elements unchanged (a copy, a retyping) */
  same?: boolean;
  /** the output is boolean */
  bool?: boolean;
}

const erf = (x: number) => {
  // Abramowitz and Stegun 7.1.26 (|error| < 1.5e-7): erf only folds in constants, never on weights
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x < 0 ? -y : y;
};

export const UNARY = {
  leakyrelu: { onnx: 'LeakyRelu', flops: 2, words: 'compare, multiply' },
  hardsigmoid: { onnx: 'HardSigmoid', flops: 4, words: 'multiply, add, max, min' },
  clip: { onnx: 'Clip', flops: 2, words: 'max, min' },
  sqrt: { onnx: 'Sqrt', flops: 1, at: Math.sqrt },
  exp: { onnx: 'Exp', flops: 1, at: Math.exp },
  log: { onnx: 'Log', flops: 1, at: Math.log },
  tanh: { onnx: 'Tanh', flops: 1, at: Math.tanh },
  erf: { onnx: 'Erf', flops: 1, at: erf },
  abs: { onnx: 'Abs', flops: 1, at: Math.abs },
  neg: { onnx: 'Neg', flops: 1, at: (x) => -x },
  reciprocal: { onnx: 'Reciprocal', flops: 1, at: (x) => 1 / x },
  floor: { onnx: 'Floor', flops: 1, at: Math.floor },
  ceil: { onnx: 'Ceil', flops: 1, at: Math.ceil },
  elu: { onnx: 'Elu', flops: 3, words: 'exp, subtract, multiply' },
  selu: { onnx: 'Selu', flops: 4, words: 'exp, subtract, two multiplies' },
  softplus: { onnx: 'Softplus', flops: 3, words: 'exp, add, log' },
  mish: { onnx: 'Mish', flops: 6, words: 'softplus, tanh, multiply' },
  quickgelu: { onnx: 'QuickGelu', flops: 6, words: 'x·sigmoid(αx): scale, sigmoid 4, multiply' },
  sign: { onnx: 'Sign', flops: 1, at: Math.sign },
  round: { onnx: 'Round', flops: 1, at: (x) => (x - Math.floor(x) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x)) },
  isnan: { onnx: 'IsNaN', flops: 1, bool: true, at: (x) => (Number.isNaN(x) ? 1 : 0) },
  not: { onnx: 'Not', flops: 1, bool: true, at: (x) => (x ? 0 : 1) },
  bitwisenot: { onnx: 'BitwiseNot', flops: 1, at: (x) => Number(~BigInt(x)) },
  cast: { onnx: 'Cast', flops: 0, words: 'a copy', same: true },
  identity: { onnx: 'Identity', flops: 0, words: 'a copy', at: (x) => x, same: true },
  dropout: { onnx: 'Dropout', flops: 0, words: 'the identity at inference', at: (x) => x, same: true },
  sin: { onnx: 'Sin', flops: 1, at: Math.sin },
  cos: { onnx: 'Cos', flops: 1, at: Math.cos },
  tan: { onnx: 'Tan', flops: 1, at: Math.tan },
  asin: { onnx: 'Asin', flops: 1, at: Math.asin },
  acos: { onnx: 'Acos', flops: 1, at: Math.acos },
  atan: { onnx: 'Atan', flops: 1, at: Math.atan },
  sinh: { onnx: 'Sinh', flops: 1, at: Math.sinh },
  cosh: { onnx: 'Cosh', flops: 1, at: Math.cosh },
  asinh: { onnx: 'Asinh', flops: 1, at: Math.asinh },
  acosh: { onnx: 'Acosh', flops: 1, at: Math.acosh },
  atanh: { onnx: 'Atanh', flops: 1, at: Math.atanh },
  isinf: { onnx: 'IsInf', flops: 1, bool: true, at: (x) => (x === Infinity || x === -Infinity ? 1 : 0) },
  thresholdedrelu: { onnx: 'ThresholdedRelu', flops: 2, words: 'compare, select' },
  softsign: { onnx: 'Softsign', flops: 3, words: 'abs, add, divide', at: (x) => x / (1 + Math.abs(x)) },
  shrink: { onnx: 'Shrink', flops: 2, words: 'compare, add or subtract the bias' },
  celu: { onnx: 'Celu', flops: 4, words: 'exp, subtract, multiply, min' },
  trilu: { onnx: 'Trilu', flops: 1, words: 'keep or zero by position' },
  cumsum: { onnx: 'CumSum', flops: 1, words: 'an add along the axis' },
  hardmax: { onnx: 'Hardmax', flops: 2, words: 'compare for the maximum, write one or zero' },
  eyelike: { onnx: 'EyeLike', flops: 0, words: 'writes the identity pattern' },
  randomuniformlike: { onnx: 'RandomUniformLike', flops: 2, words: 'a random draw, scaled' },
  randomnormallike: { onnx: 'RandomNormalLike', flops: 4, words: 'a random draw, its transform, scaled' },
  bernoulli: { onnx: 'Bernoulli', flops: 2, words: 'a random draw, a compare' },
} as const satisfies Record<UnaryFn, UnaryInfo>;

export type { UnaryFn } from '../graph/kinds.ts';

const perElement = (Object.entries(UNARY) as [UnaryFn, UnaryInfo][])
  .map(([fn, u]) => `${fn} ${u.flops}${u.words ? ` (${u.words})` : ''}`)
  .join(', ');

export const unary: OpDef<UnaryAttrs> = {
  rule: `FLOPs per element: ${perElement}; reads the input, writes the output (0 FLOPs: data movement)`,
  infer: (inputs, a) => {
    // a clip's computed bounds follow X, one value each
    const bounds = a.computed ?? [];
    for (const [k, b] of bounds.entries())
      if (numel(inputs[k + 1] ?? []) !== 1)
        throw new ShapeError(`the ${b} bound is [${(inputs[k + 1] ?? []).join(', ')}]; a clip bound is one value`);
    const x = expectAnyRank(inputs.slice(0, inputs.length - bounds.length), a.fn);
    // Dropout's optional mask output has the input's shape
    return a.fn === 'dropout' ? [x, [...x]] : [x];
  },
  params: () => 0,
  madds: () => 0,
  flops: (a, _i, [y]) => UNARY[a.fn].flops * numel(y),
  category: (a) => (UNARY[a.fn].flops === 0 ? 'data-movement' : 'elementwise'),
  onnx: ({ name, attrs: a, inputs, outputs }, e) => {
    // a computed clip bound sits in its own slot (min 2, max 3)
    const slot = (b: 'min' | 'max') => {
      const k = a.computed?.indexOf(b) ?? -1;
      return k < 0 ? '' : inputs[k + 1];
    };
    const ins = a.computed?.length ? [inputs[0], slot('min'), slot('max')] : inputs;
    while (ins[ins.length - 1] === '') ins.pop();
    e.node(UNARY[a.fn].onnx, name, ins, outputs);
  },
  sameData: (a) => (UNARY[a.fn] as UnaryInfo).same === true,
  evaluate([x], a, [out]) {
    const v = x.value();
    if (a.fn === 'cast') {
      const to = a.to ?? 'float';
      const f = to === 'bool' ? (y: number) => (y !== 0 ? 1 : 0) : to === 'int' ? Math.trunc : (y: number) => y;
      return [generate(out, to, (i) => f(v.data[i]))];
    }
    const info: UnaryInfo = UNARY[a.fn];
    const at = info.at ?? unsupported(a.fn);
    return [generate(out, info.bool ? 'bool' : v.type, (i) => at(v.data[i]))];
  },
};

function unsupported(fn: string): never {
  throw new ShapeError(`netcost cannot compute ${fn} of a constant, which a shape computation needs here`);
}
