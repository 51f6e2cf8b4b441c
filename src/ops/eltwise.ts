/** Broadcasting binary ops (Add, Sub, Mul, Div, Pow, Max, Min, Equal) with tensor or constant operands. */
import { helperName } from '../graph/names.ts';
import type { EltwiseAttrs, EltwiseFn } from '../graph/types.ts';
import { broadcast } from './broadcast.ts';
import { numel, type OpDef, ShapeError } from './op.ts';
import { broadcastIndex, generate } from './tensor.ts';

const learned = (a: EltwiseAttrs) =>
  a.constShapes
    .map(numel)
    .filter((n) => n > 1)
    .reduce((x, y) => x + y, 0);

/** Each function's ONNX op and its value on two elements (integer division truncates, as ONNX's). */
const FNS: Record<EltwiseFn, { onnx: string; at: (p: number, q: number, ints: boolean) => number }> = {
  add: { onnx: 'Add', at: (p, q) => p + q },
  sub: { onnx: 'Sub', at: (p, q) => p - q },
  mul: { onnx: 'Mul', at: (p, q) => p * q },
  div: {
    onnx: 'Div',
    at: (p, q, ints) => {
      if (ints && q === 0) throw new ShapeError('integer division by zero in a constant expression');
      return ints ? Math.trunc(p / q) : p / q;
    },
  },
  pow: { onnx: 'Pow', at: (p, q) => p ** q },
  max: { onnx: 'Max', at: (p, q) => Math.max(p, q) },
  min: { onnx: 'Min', at: (p, q) => Math.min(p, q) },
  equal: { onnx: 'Equal', at: (p, q) => (p === q ? 1 : 0) },
};

export const eltwise: OpDef<EltwiseAttrs> = {
  rule:
    'FLOPs 1 per output element per extra operand; a constant operand of more than one element ' +
    "(a bias vector, a scale) is a learned parameter, a scalar (hard-swish's 3 and 6) is not; every constant is read",
  infer: (inputs, a) => [broadcast([...inputs, ...a.constShapes])],
  params: (a) => learned(a),
  weightsRead: (a) => a.constShapes.map(numel).reduce((x, y) => x + y, 0),
  madds: () => 0,
  flops: (a, i, [y]) => (i.length + a.constShapes.length - 1) * numel(y),
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
    const type = a.fn === 'equal' ? 'bool' : vals[0].type;
    return [
      generate(out, type, (i) =>
        vals.slice(1).reduce((acc, v, k) => f(acc, v.data[at[k + 1](i)], ints), vals[0].data[at[0](i)]),
      ),
    ];
  },
};
