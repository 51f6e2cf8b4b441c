/** Conv, ConvTranspose, DeformConv, Gemm and MatMul: the ops with multiply-adds. */
import type { ConvAttrs, ConvTransposeAttrs, Spatial } from '../../graph/types.ts';
import { broadcast } from '../../ops/broadcast.ts';
import { ShapeError } from '../../ops/op.ts';
import type { NodeView } from './reader.ts';
import { type Built, built, input, isLearned, operands, type ReaderEntries, shapeOf } from './reader.ts';
import { kernelOf, perAxis, windowAttrs } from './window.ts';

/** Where a convolution node keeps its weight and bias (QLinearConv: 3 and 8). */
export interface ConvSlots {
  weight: number;
  bias?: number;
  transposed?: boolean;
}

function convolution(n: NodeView): Built {
  return convolutionAt(n, { weight: 1, bias: 2, transposed: n.opType === 'ConvTranspose' });
}

/** A convolution whose weight and bias are at the given input slots. */
export function convolutionAt(n: NodeView, slots: ConvSlots): Built {
  const w = input(n, slots.weight, 'the weight');
  const transposedOp = slots.transposed === true;
  // a ConvTranspose's weight may be computed (read as an input); a convolution's must be stored
  if (!w.isConst && !transposedOp) throw new ShapeError('the weight must be a constant (initializer or Constant node)');
  if (w.shape.length < 3 || w.shape.length > 5) {
    throw new ShapeError(
      `the weight has shape [${w.shape.join(', ')}]; netcost reads convolutions of 1, 2 and 3 spatial axes ` +
        '(a weight of rank 3 to 5)',
    );
  }
  const x = shapeOf(n);
  const kernel = kernelOf(n.attrs, w.shape, n.opType);
  const groups = n.attrs.int('group', 1);
  if (!Number.isInteger(groups) || groups < 1 || x[1] % groups !== 0) {
    throw new ShapeError(`group ${groups} does not divide the input's ${x[1]} channels`);
  }
  const transposed = slots.transposed === true;
  const cin = transposed ? w.shape[0] : w.shape[1] * groups;
  if (cin !== x[1]) {
    throw new ShapeError(
      `the weight [${w.shape.join(', ')}] with group ${groups} takes ${cin} input channels; the input has ${x[1]}`,
    );
  }
  const cout = transposed ? w.shape[1] * groups : w.shape[0];
  const b = slots.bias === undefined ? undefined : n.inputs[slots.bias];
  if (b && b.shape.reduce((p, q) => p * q, 1) !== cout) {
    throw new ShapeError(`the bias has shape [${b.shape.join(', ')}]; it needs ${cout} values, one per output channel`);
  }
  const geo = windowAttrs(n.attrs, x, kernel, { transposed });
  const bias = b !== undefined;
  if (b && !b.isConst && !transposedOp)
    throw new ShapeError('the bias must be a constant (initializer or Constant node)');
  const weights = (bias ? [slots.weight, slots.bias as number] : [slots.weight]).filter((k) => n.inputs[k]?.isConst);
  if (!transposed) return built('conv', { outChannels: cout, kernel, groups, bias, ...geo }, [0], weights);
  const outputPadding = perAxis(n.attrs, 'output_padding', kernel.length, 0);
  for (const [i, p] of outputPadding.entries()) {
    const limit = Math.max(geo.stride[i], geo.dilation[i]);
    if (p < 0 || p >= limit)
      throw new ShapeError(
        `output_padding ${p} on axis ${i} is out of range: it is at least 0 and less than the stride or ` +
          `dilation (${limit})`,
      );
  }
  const computed = (['weight', 'bias'] as const).filter((r) => {
    const k = r === 'weight' ? slots.weight : slots.bias;
    return k !== undefined && n.inputs[k] !== undefined && !n.inputs[k]?.isConst;
  });
  const attrs = {
    outChannels: cout,
    kernel,
    groups,
    bias,
    ...geo,
    outputPadding,
    ...(computed.length ? { computed } : {}),
  };
  const inputs = [0, ...computed.map((r) => (r === 'weight' ? slots.weight : (slots.bias as number)))];
  return built('convtranspose', { ...attrs, ...transposedPads(n, x, attrs) }, inputs, weights);
}

/**
 * ConvTranspose's pads when `output_shape` or a SAME auto_pad sets them (ONNX's rule): the total
 * padding that gives the asked output size, split with the odd one at the end (SAME_UPPER) or start;
 * a size past what the kernels reach is output padding.
 */
function transposedPads(
  n: NodeView,
  x: number[],
  a: ConvTransposeAttrs,
): { padding?: Spatial; padEnd?: Spatial; outputPadding?: Spatial } {
  const rank = a.kernel.length;
  const auto = n.attrs.str('auto_pad', 'NOTSET');
  const asked = n.attrs.ints('output_shape')?.slice(-rank);
  const same = auto === 'SAME_UPPER' || auto === 'SAME_LOWER';
  if (!asked?.length && !same) return {};
  const out = asked?.length ? asked : x.slice(2).map((s, i) => s * a.stride[i]);
  if (out.length !== rank) throw new ShapeError(`output_shape [${out.join(', ')}] does not have ${rank} spatial sizes`);
  const total = a.kernel.map(
    (k, i) => a.stride[i] * (x[2 + i] - 1) + a.outputPadding[i] + (k - 1) * a.dilation[i] + 1 - out[i],
  );
  // an output_shape larger than the kernels reach: no padding, the rows past them written as the bias
  // alone (onnxruntime clamps the total at 0, conv_transpose_attributes.h): more output padding
  const outputPadding = a.outputPadding.map((p, i) => p + Math.max(0, -total[i]));
  const clamped = total.map((t) => Math.max(0, t));
  const half = clamped.map((t) => Math.floor(t / 2));
  const upper = auto !== 'SAME_LOWER';
  const padding = clamped.map((t, i) => (upper ? half[i] : t - half[i]));
  const padEnd = clamped.map((t, i) => t - padding[i]);
  return { padding, ...(padEnd.join() !== padding.join() ? { padEnd } : { padEnd: undefined }), outputPadding };
}

/** Gemm: a fully connected layer when B is a constant and A is not transposed, else a matrix product. */
function gemm(n: NodeView): Built {
  const b = input(n, 1, 'B');
  const x = shapeOf(n, 0, 'A');
  if (b.shape.length !== 2) throw new ShapeError(`B has shape [${b.shape.join(', ')}]; Gemm needs a 2-D B`);
  if (x.length !== 2) throw new ShapeError(`A has shape [${x.join(', ')}]; Gemm needs a 2-D A (flatten first)`);
  const transA = n.attrs.int('transA', 0) === 1;
  const transB = n.attrs.int('transB', 0) === 1;
  const k = transA ? x[0] : x[1];
  if ((transB ? b.shape[1] : b.shape[0]) !== k) {
    throw new ShapeError(
      `A [${x.join(', ')}]${transA ? ' (transposed)' : ''} and ` +
        `B [${b.shape.join(', ')}]${transB ? ' (transposed)' : ''} ` +
        'do not multiply',
    );
  }
  const c = n.inputs[2];
  const cols = transB ? b.shape[0] : b.shape[1];
  if (c && c.shape.reduce((p, q) => p * q, 1) !== cols && c.shape.length > 0) {
    // a C of M x N (or broadcast from it) is an operand, not a bias per output column
    broadcast([[transA ? x[1] : x[0], cols], c.shape]);
  }
  // a bias of one output column is as learned as a wider one (the last layer of a binary classifier)
  const oneBias = !!c?.isConst && c.stored.length > 0 && cols === 1;
  const params = [1, ...(c ? [2] : [])].filter((k) => isLearned(n.inputs[k]) || (k === 2 && oneBias));
  if (b.isConst && !n.folding && !transA && (!c || c.isConst)) {
    return built('linear', { outFeatures: cols, bias: !!c }, [0], params);
  }
  const consts = [1, 2].filter((k) => n.inputs[k]?.isConst && !n.folding);
  return built(
    'matmul',
    {
      ...(transA ? { transA } : {}),
      ...(transB ? { transB } : {}),
      ...(consts.includes(1) ? { bShape: b.shape } : {}),
      ...(c ? (consts.includes(2) ? { biasShape: c.shape } : { biasInput: true }) : {}),
    },
    [0, 1, 2].filter((k) => n.inputs[k] && !consts.includes(k)),
    params,
  );
}

/** MatMul, and onnxruntime's FusedMatMul (transposes and a scale folded in). */
function matmul(n: NodeView): Built {
  const b = input(n, 1, 'B');
  const trans = {
    ...(n.attrs.int('transA', 0) === 1 ? { transA: true } : {}),
    ...(n.attrs.int('transB', 0) === 1 ? { transB: true } : {}),
  };
  if (b.isConst && !n.folding) {
    return built('matmul', { ...trans, bShape: b.shape }, [0], isLearned(b) ? [1] : []);
  }
  return built('matmul', trans, operands(n));
}

/** DeformConv(X, W, offset, B, mask): the convolution's own reading of X, W and B, then the offset and mask. */
function deformConv(n: NodeView): Built {
  const c = convolutionAt(n, { weight: 1, bias: 3 });
  const offsetGroups = n.attrs.int('offset_group', 1);
  if (!Number.isInteger(offsetGroups) || offsetGroups < 1)
    throw new ShapeError(`offset_group ${offsetGroups} must be a whole number from 1`);
  input(n, 2, 'the offset');
  const mask = n.inputs[4] !== undefined;
  const attrs = { ...(c.attrs as ConvAttrs), offsetGroups, mask };
  return built('deformconv', attrs, [0, 2, ...(mask ? [4] : [])], c.params);
}

export const DENSE: ReaderEntries = [
  ['Conv', [{ since: 1, read: convolution }]],
  ['ConvTranspose', [{ since: 1, read: convolution }]],
  ['DeformConv', [{ since: 19, read: deformConv }]],
  ['Gemm', [{ since: 1, read: gemm }]],
  ['MatMul', [{ since: 1, read: matmul }]],
];
