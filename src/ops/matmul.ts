/** MatMul with NumPy semantics: [..., M, K] x [..., K, N]. */
import type { MatMulAttrs, Shape } from '../graph/types.ts';
import { broadcast } from './broadcast.ts';
import { numel, type OpDef, ShapeError } from './op.ts';

function operands(inputs: Shape[], a: MatMulAttrs): [Shape, Shape] {
  const shapes = a.bShape ? [inputs[0], a.bShape] : inputs;
  if (shapes.length !== 2) throw new ShapeError(`matmul takes two operands, got ${shapes.length}`);
  return [shapes[0], shapes[1]];
}

export const matmul: OpDef<MatMulAttrs> = {
  rule: 'MAdds batch·M·K·N; FLOPs 2 per multiply-add; params the elements of B when B is a constant (a weight)',
  infer(inputs, a) {
    let [x, y] = operands(inputs, a);
    const xv = x.length === 1,
      yv = y.length === 1;
    if (xv) x = [1, x[0]];
    if (yv) y = [y[0], 1];
    if (x.length < 2 || y.length < 2) throw new ShapeError('matmul operands must have rank 1 or more');
    const k = x[x.length - 1];
    if (y[y.length - 2] !== k)
      throw new ShapeError(
        `cannot multiply [${x.join(', ')}] by [${y.join(', ')}]: inner dimensions ${k} and ${y[y.length - 2]} differ`,
      );
    const batch = broadcast([x.slice(0, -2), y.slice(0, -2)]);
    const out = [...batch, ...(xv ? [] : [x[x.length - 2]]), ...(yv ? [] : [y[y.length - 1]])];
    return [out];
  },
  params: (a) => (a.bShape ? numel(a.bShape) : 0),
  madds(a, inputs, [out]) {
    const [x] = operands(inputs, a);
    return numel(out) * x[x.length - 1];
  },
  flops: (a, i, o) => 2 * matmul.madds(a, i, o),
  category: () => 'linear',
  onnx({ name, attrs: a, inputs, outputs, inputShapes }, e) {
    const ins = a.bShape
      ? [inputs[0], e.weight(`${name}.weight`, a.bShape, inputShapes[0][inputShapes[0].length - 1])]
      : inputs;
    e.node('MatMul', name, ins, outputs);
  },
};
