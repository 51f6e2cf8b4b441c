/** Broadcasting binary ops (Add, Sub, Mul, Div, Pow, Max, Min) with tensor or constant operands.
 * FLOPs: 1 per output element per extra operand. A constant operand of more than one element is a
 * learned parameter (a bias vector, a scale); a scalar constant (hard-swish's 3 and 6) is not. */
import type { EltwiseAttrs } from '../graph/types.ts';
import { broadcast } from './broadcast.ts';
import { numel, type OpDef } from './op.ts';

const learned = (a: EltwiseAttrs) =>
  a.constShapes
    .map(numel)
    .filter((n) => n > 1)
    .reduce((x, y) => x + y, 0);
const ONNX_OP = { add: 'Add', sub: 'Sub', mul: 'Mul', div: 'Div', pow: 'Pow', max: 'Max', min: 'Min' } as const;

export const eltwise: OpDef<EltwiseAttrs> = {
  infer: (inputs, a) => [broadcast([...inputs, ...a.constShapes])],
  params: (a) => learned(a),
  /** every constant operand is read, scalars included */
  weightsRead: (a) => a.constShapes.map(numel).reduce((x, y) => x + y, 0),
  madds: () => 0,
  flops: (a, i, [y]) => (i.length + a.constShapes.length - 1) * numel(y),
  category: () => 'elementwise',
  onnx({ name, attrs: a, inputs, outputs }, e) {
    const consts = a.constShapes.map((s, k) => e.floats(`${name}.const${k}`, s, () => 1));
    e.node(ONNX_OP[a.fn], name, [...inputs, ...consts], outputs);
  },
};
