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

/** The integer types a quantized tensor (and its zero point) may have at an opset of the default domain. */
function quantizedTypes(opset: number, withInt32: boolean): ElemType[] {
  return [
    'uint8',
    'int8',
    ...(withInt32 ? (['int32'] as const) : []),
    ...(opset >= 19 ? (['fp8'] as const) : []),
    ...(opset >= 21 ? (['int4', 'uint4', 'int16', 'uint16'] as const) : []),
  ];
}

/**
 * A zero point (input `slot`) of an allowed type, and of its data's (input `of`) when that is given:
 * ONNX ties the two (a uint8 zero point for int8 weights would shift every value by 128).
 */
function checkZeroPoint(n: NodeView, slot: number, what: string, allowed: ElemType[], of?: number): void {
  const z = n.inputs[slot];
  if (!z) return;
  if (!allowed.includes(z.type))
    throw new ShapeError(`${what} is ${z.type}; at opset ${n.opset} it must be ${allowed.join(', ')}`);
  const data = of === undefined ? undefined : n.inputs[of];
  if (data && data.type !== z.type)
    throw new ShapeError(`${what} is ${z.type} but the tensor it belongs to is ${data.type}; give both one type`);
}

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
    // a scale or zero point the graph computes is read as an input, after the data
    const computed = [1, 2].filter((k) => n.inputs[k] && !n.inputs[k]?.isConst);
    const scaleShapes = n.folding ? [] : n.inputs.slice(1).flatMap((x) => (x?.isConst ? [x.shape] : []));
    if (fn === 'quantize') checkZeroPoint(n, 2, 'the zero point', quantizedTypes(n.opset, false));
    else checkZeroPoint(n, 2, 'the zero point', quantizedTypes(n.opset, true), 0);
    const attrs: QuantizeAttrs = { fn, axis, scaleShapes, ...(to ? { to } : {}) };
    return built('quantize', attrs, n.folding ? operands(n) : [0, ...computed], [], [type]);
  };

function dynamic(): Built {
  return built('quantize', { fn: 'dynamic', axis: 1, scaleShapes: [] }, [0], [], ['uint8', 'fp32', 'uint8']);
}

/** The type of a quantized op's output: its output zero point's, uint8 without one. */
const outputType = (n: NodeView, zeroPoint: number): ElemType => n.inputs[zeroPoint]?.type ?? 'uint8';

function qlinearConv(n: NodeView): Built {
  const int8 = quantizedTypes(10, false);
  checkZeroPoint(n, 2, 'x_zero_point', int8, 0);
  checkZeroPoint(n, 5, 'w_zero_point', int8, 3);
  checkZeroPoint(n, 7, 'y_zero_point', int8);
  const elements = (k: number) => n.inputs[k]?.shape.reduce((a, d) => a * d, 1) ?? 1;
  for (const [k, what] of [
    [1, 'x_scale'],
    [6, 'y_scale'],
  ] as const)
    if (elements(k) !== 1) throw new ShapeError(`${what} has ${elements(k)} values; it must be one (a scalar)`);
  const channels = n.inputs[3]?.shape[0] ?? 0;
  if (elements(4) !== 1 && elements(4) !== channels)
    throw new ShapeError(`w_scale has ${elements(4)} values for ${channels} output channels; give 1 or ${channels}`);
  if (n.inputs[8] && n.inputs[8].type !== 'int32')
    throw new ShapeError(`the bias is ${n.inputs[8].type}; QLinearConv's bias is int32 (quantized at x_scale·w_scale)`);
  const b = convolutionAt(n, { weight: 3, ...(n.inputs[8] ? { bias: 8 } : {}) });
  return { ...b, attrs: { ...b.attrs, quantized: 'requantize' }, outputTypes: [outputType(n, 7)] } as Built;
}

function convInteger(n: NodeView): Built {
  checkZeroPoint(n, 2, 'x_zero_point', quantizedTypes(10, false), 0);
  checkZeroPoint(n, 3, 'w_zero_point', quantizedTypes(10, false), 1);
  const b = convolutionAt(n, { weight: 1 });
  return { ...b, attrs: { ...b.attrs, quantized: 'integer' }, outputTypes: ['int32'] } as Built;
}

/** QLinearMatMul (a, its scale and zero point, b, ..., y's) and MatMulInteger (a, b, zero points). */
const quantizedMatMul =
  (requantize: boolean) =>
  (n: NodeView): Built => {
    const bSlot = requantize ? 3 : 1;
    const int8 = quantizedTypes(10, false);
    checkZeroPoint(n, 2, 'a_zero_point', int8, 0);
    checkZeroPoint(n, requantize ? 5 : 3, 'b_zero_point', int8, bSlot);
    if (requantize) checkZeroPoint(n, 7, 'y_zero_point', int8);
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
