/** MatMul with NumPy semantics: [..., M, K] x [..., K, N]. */
import type { MatMulAttrs, Shape } from '../graph/types.ts';
import { broadcast } from './broadcast.ts';
import { numel, type OpDef, ShapeError } from './op.ts';

const swapLast = (s: Shape): Shape => (s.length >= 2 ? [...s.slice(0, -2), s[s.length - 1], s[s.length - 2]] : s);

/** A and B as multiplied (transposes applied); a Gemm's C, when it is an input, is not an operand. */
function operands(inputs: Shape[], a: MatMulAttrs): [Shape, Shape] {
  const shapes = a.bShape ? [inputs[0], a.bShape] : inputs.slice(0, a.biasInput ? -1 : undefined);
  if (shapes.length !== 2) throw new ShapeError(`matmul takes two operands, got ${shapes.length}`);
  return [a.transA ? swapLast(shapes[0]) : shapes[0], a.transB ? swapLast(shapes[1]) : shapes[1]];
}

/** Requantizing an int32 accumulator to int8: scale, round, add the zero point. */
export const REQUANTIZE_FLOPS = 3;
/** Dequantizing a weight stored in a block: subtract its zero point, multiply by the block's scale. */
const DEQUANTIZE_FLOPS = 2;

export const matmul: OpDef<MatMulAttrs> = {
  rule:
    'MAdds batch·M·K·N; FLOPs 2 per multiply-add (+1 per output element for a Gemm bias, +3 to requantize an ' +
    'int8 product); params the elements of B (and C) when they are constants (weights); B quantized in blocks ' +
    '(MatMulNBits): params the values stored (K padded to whole blocks, times N) with their scales and zero ' +
    'points, read at their bit width, +2 FLOPs per weight stored to dequantize it',
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
    if (a.biasShape) broadcast([out, a.biasShape]);
    if (a.biasInput) broadcast([out, inputs[inputs.length - 1]]);
    return [out];
  },
  params: (a) => (a.blocks ? a.blocks.stored : a.bShape ? numel(a.bShape) : 0) + (a.biasShape ? numel(a.biasShape) : 0),
  madds(a, inputs, [out]) {
    const [x] = operands(inputs, a);
    return numel(out) * x[x.length - 1];
  },
  flops: (a, i, o) =>
    2 * matmul.madds(a, i, o) +
    (a.biasShape || a.biasInput ? numel(o[0]) : 0) +
    (a.quantized === 'requantize' ? REQUANTIZE_FLOPS * numel(o[0]) : 0) +
    (a.blocks ? DEQUANTIZE_FLOPS * a.blocks.values : 0),
  category: () => 'linear',
  onnx({ name, attrs: a, inputs, outputs, inputShapes }, e) {
    if (a.blocks)
      throw new ShapeError('a block-quantized MatMul is read from onnxruntime graphs; netcost does not write it');
    const ins = a.bShape
      ? [inputs[0], e.weight(`${name}.weight`, a.bShape, inputShapes[0][inputShapes[0].length - 1])]
      : inputs;
    e.node('MatMul', name, ins, outputs);
  },
};
