/** Transposed 2-D convolution: every input element scatters into a kernel window. */
import type { ConvTransposeAttrs } from '../graph/types.ts';
import { expectRank, numel, type OpDef, onnxPads, ShapeError } from './op.ts';

export const convtranspose: OpDef<ConvTransposeAttrs> = {
  rule:
    'params Cin·(Cout/g)·kh·kw (+Cout for a bias); MAdds N·Cin·H·W·(Cout/g)·kh·kw; ' +
    'FLOPs 2 per multiply-add, +1 per output element for a bias',
  infer(inputs, a) {
    const [n, c, h, w] = expectRank(inputs, 4, 'convtranspose');
    if (c % a.groups !== 0) throw new ShapeError(`input channels ${c} are not divisible by groups ${a.groups}`);
    const size = (x: number, i: 0 | 1) =>
      (x - 1) * a.stride[i] -
      a.padding[i] -
      (a.padEnd ?? a.padding)[i] +
      a.dilation[i] * (a.kernel[i] - 1) +
      a.outputPadding[i] +
      1;
    const ho = size(h, 0);
    const wo = size(w, 1);
    if (ho < 1 || wo < 1) throw new ShapeError(`output size ${ho}x${wo} is empty`);
    return [[n, a.outChannels, ho, wo]];
  },
  params: (a, [x]) => x[1] * (a.outChannels / a.groups) * a.kernel[0] * a.kernel[1] + (a.bias ? a.outChannels : 0),
  madds: (a, [x]) => numel(x) * (a.outChannels / a.groups) * a.kernel[0] * a.kernel[1],
  flops: (a, i, o) => 2 * convtranspose.madds(a, i, o) + (a.bias ? numel(o[0]) : 0),
  category: () => 'conv',
  onnx({ name, attrs: a, inputs, outputs, inputShapes }, e) {
    const cin = inputShapes[0][1];
    const w = e.weight(
      `${name}.weight`,
      [cin, a.outChannels / a.groups, a.kernel[0], a.kernel[1]],
      cin * a.kernel[0] * a.kernel[1],
    );
    const ins = [inputs[0], w, ...(a.bias ? [e.weight(`${name}.bias`, [a.outChannels], cin)] : [])];
    e.node('ConvTranspose', name, ins, outputs, {
      kernel_shape: a.kernel,
      strides: a.stride,
      dilations: a.dilation,
      group: a.groups,
      pads: onnxPads(a.padding, a.padEnd),
      output_padding: a.outputPadding,
    });
  },
};
