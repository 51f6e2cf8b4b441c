/**
 * Quantized ops of the default domain: QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear
 * (QDQ models), and QLinearConv, QLinearMatMul, ConvInteger, MatMulInteger (QOperator models),
 * read as the int8 convolutions and products they are.
 */
import type { ElemType } from '../../graph/dtype.ts';
import { elemTypeOf } from '../../graph/dtype.ts';
import type { QuantizeAttrs } from '../../graph/types.ts';
import { ShapeError } from '../../ops/op.ts';
import { convolutionAt } from './dense.ts';
import { type Built, built, input, isLearned, type NodeView, operands, type ReaderEntries } from './reader.ts';

/** QuantizeLinear writes its zero point's type (uint8 without one, or `output_dtype` from opset 21). */
function quantizedType(n: NodeView): ElemType {
  const asked = n.attrs.int('output_dtype', 0);
  if (asked) return elemTypeOf(asked);
  return n.inputs[2]?.type ?? 'uint8';
}

const linear =
  (fn: QuantizeAttrs['fn']) =>
  (n: NodeView): Built => {
    input(n, 1, 'the scale');
    if (n.attrs.int('block_size', 0) > 0) throw new ShapeError('blocked quantization (block_size) is not supported');
    const axis = n.attrs.int('axis', 1);
    const to = fn === 'quantize' ? quantizedType(n) : undefined;
    const type: ElemType | undefined = fn === 'quantize' ? to : n.inputs[1]?.type;
    const scaleShapes = n.folding ? [] : n.inputs.slice(1).flatMap((x) => (x ? [x.shape] : []));
    for (const [k, x] of n.inputs.entries()) {
      if (k > 0 && x && !x.isConst && !n.folding)
        throw new ShapeError(`input ${k + 1} (a scale or zero point) must be a constant`);
    }
    const attrs: QuantizeAttrs = { fn, axis, scaleShapes, ...(to ? { to } : {}) };
    return built('quantize', attrs, n.folding ? operands(n) : [0], [], [type]);
  };

function dynamic(): Built {
  return built('quantize', { fn: 'dynamic', axis: 1, scaleShapes: [] }, [0], [], ['uint8', 'fp32', 'uint8']);
}

/** The type of a quantized op's output: its output zero point's, uint8 without one. */
const outputType = (n: NodeView, zeroPoint: number): ElemType => n.inputs[zeroPoint]?.type ?? 'uint8';

function qlinearConv(n: NodeView): Built {
  const b = convolutionAt(n, { weight: 3, ...(n.inputs[8] ? { bias: 8 } : {}) });
  return { ...b, attrs: { ...b.attrs, quantized: 'requantize' }, outputTypes: [outputType(n, 7)] } as Built;
}

function convInteger(n: NodeView): Built {
  const b = convolutionAt(n, { weight: 1 });
  return { ...b, attrs: { ...b.attrs, quantized: 'integer' }, outputTypes: ['int32'] } as Built;
}

/** QLinearMatMul (a, its scale and zero point, b, ..., y's) and MatMulInteger (a, b, zero points). */
const quantizedMatMul =
  (requantize: boolean) =>
  (n: NodeView): Built => {
    const bSlot = requantize ? 3 : 1;
    const b = input(n, bSlot, 'B');
    const quantized = requantize ? ('requantize' as const) : ('integer' as const);
    const type = requantize ? outputType(n, 7) : 'int32';
    if (b.isConst) {
      return built('matmul', { bShape: b.shape, quantized }, [0], isLearned(b) ? [bSlot] : [], [type]);
    }
    return built('matmul', { quantized }, [0, bSlot], [], [type]);
  };

export const QUANTIZED: ReaderEntries = [
  ['QuantizeLinear', [{ since: 10, read: linear('quantize') }]],
  ['DequantizeLinear', [{ since: 10, read: linear('dequantize') }]],
  ['DynamicQuantizeLinear', [{ since: 11, read: () => dynamic() }]],
  ['QLinearConv', [{ since: 10, read: qlinearConv }]],
  ['ConvInteger', [{ since: 10, read: convInteger }]],
  ['QLinearMatMul', [{ since: 10, read: quantizedMatMul(true) }]],
  ['MatMulInteger', [{ since: 10, read: quantizedMatMul(false) }]],
];
