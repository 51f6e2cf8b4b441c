/** 2-D pooling: max, average, and global average. */
import type { NoAttrs, PoolAttrs } from '../graph/types.ts';
import {
  type EmitArgs,
  expectRank,
  numel,
  type OnnxEmitter,
  type OpDef,
  onnxPads,
  ShapeError,
  windowOut,
} from './op.ts';

function emitPool(opType: string, { name, attrs: a, inputs, outputs }: EmitArgs<PoolAttrs>, e: OnnxEmitter): void {
  e.node(opType, name, inputs, outputs, {
    kernel_shape: a.kernel,
    strides: a.stride,
    pads: onnxPads(a.padding, a.padEnd),
    ceil_mode: a.ceilMode ? 1 : 0,
    // PyTorch's AvgPool2d default count_include_pad=True
    ...(opType === 'AveragePool' ? { count_include_pad: a.countIncludePad === false ? 0 : 1 } : {}),
  });
}

function inferPool(inputs: number[][], a: PoolAttrs, what: string): number[][] {
  const [n, c, h, w] = expectRank(inputs, 4, what);
  const ho = windowOut(h, a.kernel[0], a.stride[0], a.padding[0], 1, a.ceilMode, a.padEnd?.[0]);
  const wo = windowOut(w, a.kernel[1], a.stride[1], a.padding[1], 1, a.ceilMode, a.padEnd?.[1]);
  if (ho < 1 || wo < 1)
    throw new ShapeError(
      `a ${a.kernel.join('x')} window does not fit a ${h}x${w} input; use a larger input or a smaller kernel`,
    );
  if (
    Math.max(a.padding[0], a.padEnd?.[0] ?? 0) * 2 > a.kernel[0] ||
    Math.max(a.padding[1], a.padEnd?.[1] ?? 0) * 2 > a.kernel[1]
  ) {
    throw new ShapeError(`padding ${a.padding.join('x')} is more than half the ${a.kernel.join('x')} window`);
  }
  return [[n, c, ho, wo]];
}

export const maxpool: OpDef<PoolAttrs> = {
  rule: 'FLOPs k·k−1 comparisons per output element',
  infer: (i, a) => inferPool(i, a, 'maxpool'),
  params: () => 0,
  madds: () => 0,
  flops: (a, _i, [y]) => numel(y) * (a.kernel[0] * a.kernel[1] - 1),
  category: () => 'pooling',
  onnx: (args, e) => emitPool('MaxPool', args, e),
};

export const avgpool: OpDef<PoolAttrs> = {
  rule: 'FLOPs k·k per output element (k·k−1 adds and one scale)',
  infer: (i, a) => inferPool(i, a, 'avgpool'),
  params: () => 0,
  madds: () => 0,
  flops: (a, _i, [y]) => numel(y) * a.kernel[0] * a.kernel[1],
  category: () => 'pooling',
  onnx: (args, e) => emitPool('AveragePool', args, e),
};

export const gap: OpDef<NoAttrs> = {
  rule: 'FLOPs 1 per input element (H·W−1 adds and one scale per channel)',
  infer(inputs) {
    const [n, c] = expectRank(inputs, 4, 'gap');
    return [[n, c, 1, 1]];
  },
  params: () => 0,
  madds: () => 0,
  flops: (_a, [x]) => numel(x),
  category: () => 'pooling',
  onnx: ({ name, inputs, outputs }, e) => e.node('GlobalAveragePool', name, inputs, outputs),
};
