/** Broadcasting binary ops (arithmetic, Mod, comparisons, logic) with tensor or constant operands. */
import { helperName } from '../graph/names.ts';
import type { EltwiseAttrs, EltwiseFn } from '../graph/types.ts';
import { broadcast } from './broadcast.ts';
import { REQUANTIZE_FLOPS } from './matmul.ts';
import { numel, type OpDef, ShapeError } from './op.ts';
import { broadcastIndex, generate } from './tensor.ts';

const learned = (a: EltwiseAttrs) =>
  a.learned ??
  a.constShapes
    .map(numel)
    .filter((n) => n > 1)
    .reduce((x, y) => x + y, 0);

const intDivisor = (q: number) => {
  if (q === 0) throw new ShapeError('integer division by zero in a constant expression');
  return q;
};
const bool = (b: boolean) => (b ? 1 : 0);

/**
 * Each function's ONNX op and its value on two elements (integer division truncates, as ONNX's);
 * comparisons and logic give booleans.
 */
export const FNS: Record<
  EltwiseFn,
  { onnx: string; at: (p: number, q: number, ints: boolean) => number; bool?: true; flops?: number }
> = {
  add: { onnx: 'Add', at: (p, q) => p + q },
  sub: { onnx: 'Sub', at: (p, q) => p - q },
  mul: { onnx: 'Mul', at: (p, q) => p * q },
  div: { onnx: 'Div', at: (p, q, ints) => (ints ? Math.trunc(p / intDivisor(q)) : p / q) },
  pow: { onnx: 'Pow', at: (p, q) => p ** q },
  max: { onnx: 'Max', at: (p, q) => Math.max(p, q) },
  min: { onnx: 'Min', at: (p, q) => Math.min(p, q) },
  // Mod with fmod = 0: the sign of the divisor (Python's %); fmod = 1: C's fmod
  mod: { onnx: 'Mod', at: (p, q, ints) => (ints ? ((p % intDivisor(q)) + q) % q : p - q * Math.floor(p / q)) },
  fmod: { onnx: 'Mod', at: (p, q, ints) => p % (ints ? intDivisor(q) : q) },
  equal: { onnx: 'Equal', at: (p, q) => bool(p === q), bool: true },
  less: { onnx: 'Less', at: (p, q) => bool(p < q), bool: true },
  lessorequal: { onnx: 'LessOrEqual', at: (p, q) => bool(p <= q), bool: true },
  greater: { onnx: 'Greater', at: (p, q) => bool(p > q), bool: true },
  greaterorequal: { onnx: 'GreaterOrEqual', at: (p, q) => bool(p >= q), bool: true },
  and: { onnx: 'And', at: (p, q) => bool(!!p && !!q), bool: true },
  or: { onnx: 'Or', at: (p, q) => bool(!!p || !!q), bool: true },
  xor: { onnx: 'Xor', at: (p, q) => bool(!!p !== !!q), bool: true },
  prelu: { onnx: 'PRelu', at: (p, q) => (p >= 0 ? p : p * q), flops: 2 },
  // the sum of the operands (1 FLOP per extra operand), then a divide: counted as the sum's adds
  mean: { onnx: 'Mean', at: (p, q) => p + q },
  bitshiftleft: { onnx: 'BitShift', at: (p, q) => p * 2 ** q },
  bitshiftright: { onnx: 'BitShift', at: (p, q) => Math.floor(p / 2 ** q) },
  // integers (opset 18), exact up to 2^53 through BigInt
  bitwiseand: { onnx: 'BitwiseAnd', at: (p, q) => Number(BigInt(p) & BigInt(q)) },
  bitwiseor: { onnx: 'BitwiseOr', at: (p, q) => Number(BigInt(p) | BigInt(q)) },
  bitwisexor: { onnx: 'BitwiseXor', at: (p, q) => Number(BigInt(p) ^ BigInt(q)) },
};

export const eltwise: OpDef<EltwiseAttrs> = {
  rule:
    'FLOPs 1 per output element per extra operand (comparisons, logic and bit shifts alike; Mean its sum, the ' +
    'divide not counted; PRelu 2: compare, multiply); a ' +
    'constant operand of more than ' +
    "one element (a bias vector, a scale) is a learned parameter, a scalar (hard-swish's 3 and 6) is not, nor a " +
    'constant computed from shapes (an attention mask); every constant is read',
  infer: (inputs, a) => [broadcast([...inputs, ...a.constShapes])],
  params: (a) => learned(a),
  weightsRead: (a) => a.constShapes.map(numel).reduce((x, y) => x + y, 0),
  madds: () => 0,
  flops: (a, i, [y]) =>
    ((FNS[a.fn].flops ?? 1) * (i.length + a.constShapes.length - 1) + (a.quantized ? REQUANTIZE_FLOPS : 0)) * numel(y),
  category: () => 'elementwise',
  onnx({ name, attrs: a, inputs, outputs }, e) {
    const consts = a.constShapes.map((s, k) => e.floats(helperName(name, `const${k}`), s, () => 1));
    e.node(FNS[a.fn].onnx, name, [...inputs, ...consts], outputs);
  },
  evaluate(inputs, a, [out]) {
    const vals = inputs.map((x) => x.value());
    const ints = vals.every((v) => v.type !== 'float');
    const at = vals.map((v) => broadcastIndex(v.dims, out));
    const f = FNS[a.fn].at;
    const type = FNS[a.fn].bool ? 'bool' : vals[0].type;
    // Mean folds as the sum of its operands, divided by their count
    const scale = a.fn === 'mean' ? 1 / vals.length : 1;
    return [
      generate(
        out,
        type,
        (i) => scale * vals.slice(1).reduce((acc, v, k) => f(acc, v.data[at[k + 1](i)], ints), vals[0].data[at[0](i)]),
      ),
    ];
  },
};
