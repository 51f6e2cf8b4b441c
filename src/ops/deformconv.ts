/**
 * DeformConv (opset 19): a convolution whose every tap reads the input at its place moved by a
 * learned offset (an input, per output position), bilinearly sampled, optionally weighted by a mask.
 * The multiply-adds are the convolution's; the sampling is counted as RoiAlign counts a bilinear sample.
 */
import type { DeformConvAttrs } from '../graph/types.ts';
import { conv } from './conv.ts';
import { numel, type OpDef, ShapeError, volume } from './op.ts';
import { SAMPLE_FLOPS } from './roialign.ts';

/** Sampled values: one per input channel, output position and tap. */
const sampled = (a: DeformConvAttrs, x: number[], y: number[]) => x[0] * x[1] * numel(y.slice(2)) * volume(a.kernel);

export const deformconv: OpDef<DeformConvAttrs> = {
  rule:
    "MAdds the convolution's (N·Cout·Hout·Wout·(Cin/g)·kh·kw); FLOPs 2 per multiply-add, 1 per output for the bias, " +
    `and per sampled value (Cin x output positions x taps) 2 to move the tap by its offset, ${SAMPLE_FLOPS} for the ` +
    'bilinear sample (as RoiAlign), +1 for the mask; params the weight and the bias',
  infer(inputs, a) {
    const [x, offset, mask] = inputs;
    // the convolution's own output, then the offsets and mask it takes per output position
    const [y] = conv.infer([x], a);
    const out = y.slice(2);
    const taps = volume(a.kernel);
    const want = (per: number) => [x[0], a.offsetGroups * per * taps, ...out].join(', ');
    if (offset?.join(', ') !== want(a.kernel.length))
      throw new ShapeError(`the offset [${(offset ?? []).join(', ')}] must be [${want(a.kernel.length)}]`);
    if (a.mask && mask?.join(', ') !== want(1))
      throw new ShapeError(`the mask [${(mask ?? []).join(', ')}] must be [${want(1)}]`);
    return [y];
  },
  params: conv.params,
  madds: conv.madds,
  flops: (a, inputs, outputs) =>
    conv.flops(a, inputs, outputs) + sampled(a, inputs[0], outputs[0]) * (2 + SAMPLE_FLOPS + (a.mask ? 1 : 0)),
  category: () => 'conv',
  onnx: () => {
    throw new ShapeError('DeformConv is read from ONNX files; netcost does not write it');
  },
};
