/** Pooling of spatial rank 1, 2 or 3: max, average, Lp, and global average. */
import type { NoAttrs, PoolAttrs } from '../graph/types.ts';
import {
  type EmitArgs,
  expectWindowInput,
  numel,
  type OnnxEmitter,
  type OpDef,
  onnxPads,
  ShapeError,
  volume,
  windowSizes,
} from './op.ts';

function emitPool(opType: string, { name, attrs: a, inputs, outputs }: EmitArgs<PoolAttrs>, e: OnnxEmitter): void {
  e.node(opType, name, inputs, outputs, {
    kernel_shape: a.kernel,
    strides: a.stride,
    pads: onnxPads(a.padding, a.padEnd),
    ...(a.dilation ? { dilations: a.dilation } : {}),
    ceil_mode: a.ceilMode ? 1 : 0,
    // PyTorch's AvgPool2d default count_include_pad=True
    ...(opType === 'AveragePool' ? { count_include_pad: a.countIncludePad === false ? 0 : 1 } : {}),
  });
}

function inferPool(inputs: number[][], a: PoolAttrs, what: string): number[][] {
  const x = expectWindowInput(inputs, a.kernel.length, what);
  const sizes = windowSizes(x, a, a.ceilMode);
  if (sizes.some((s) => s < 1))
    throw new ShapeError(
      `a ${a.kernel.join('x')} window does not fit a ${x.slice(2).join('x')} input; use a larger input or a ` +
        'smaller kernel',
    );
  // onnxruntime's bound (pool_attributes.h: "Pad should be smaller than kernel"); PyTorch's half a
  // window is stricter than ONNX, whose own conformance models pad a 3x3 window by 2
  const span = (i: number) => (a.dilation?.[i] ?? 1) * (a.kernel[i] - 1) + 1;
  if (a.kernel.some((_, i) => Math.max(a.padding[i], a.padEnd?.[i] ?? 0) >= span(i))) {
    throw new ShapeError(`padding ${a.padding.join('x')} is not smaller than the ${a.kernel.join('x')} window`);
  }
  const y = [x[0], x[1], ...sizes];
  return a.indices ? [y, [...y]] : [y];
}

export const maxpool: OpDef<PoolAttrs> = {
  rule: 'FLOPs k−1 comparisons per output element, k the window volume (kh·kw in 2-D)',
  infer: (i, a) => inferPool(i, a, 'maxpool'),
  params: () => 0,
  madds: () => 0,
  flops: (a, _i, [y]) => numel(y) * (volume(a.kernel) - 1),
  category: () => 'pooling',
  onnx: (args, e) => emitPool('MaxPool', args, e),
};

export const avgpool: OpDef<PoolAttrs> = {
  rule: 'FLOPs k per output element (k−1 adds and one scale), k the window volume',
  infer: (i, a) => inferPool(i, a, 'avgpool'),
  params: () => 0,
  madds: () => 0,
  flops: (a, _i, [y]) => numel(y) * volume(a.kernel),
  category: () => 'pooling',
  onnx: (args, e) => emitPool('AveragePool', args, e),
};

export const lppool: OpDef<PoolAttrs> = {
  rule: 'FLOPs 2k per output element (k powers, k−1 adds and the root), k the window volume',
  infer: (i, a) => inferPool(i, a, 'lppool'),
  params: () => 0,
  madds: () => 0,
  flops: (a, _i, [y]) => 2 * numel(y) * volume(a.kernel),
  category: () => 'pooling',
  onnx: (args, e) =>
    e.node('LpPool', args.name, args.inputs, args.outputs, {
      kernel_shape: args.attrs.kernel,
      strides: args.attrs.stride,
      pads: onnxPads(args.attrs.padding, args.attrs.padEnd),
      p: args.attrs.p ?? 2,
    }),
};

export const gap: OpDef<NoAttrs> = {
  rule: 'FLOPs 1 per input element (H·W−1 adds and one scale per channel; D·H·W in 3-D)',
  infer(inputs) {
    if (inputs.length !== 1) throw new ShapeError(`gap takes one input, got ${inputs.length}`);
    const x = inputs[0];
    if (x.length < 3) throw new ShapeError(`gap expects an NxCx... input with a spatial axis, got [${x.join(', ')}]`);
    return [[x[0], x[1], ...x.slice(2).map(() => 1)]];
  },
  params: () => 0,
  madds: () => 0,
  flops: (_a, [x]) => numel(x),
  category: () => 'pooling',
  onnx: ({ name, inputs, outputs }, e) => e.node('GlobalAveragePool', name, inputs, outputs),
};
