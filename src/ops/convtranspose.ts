/** Transposed convolution of spatial rank 1, 2 or 3: every input element scatters into a kernel window. */
import type { ConvTransposeAttrs } from '../graph/types.ts';
import { expectWindowInput, numel, type OpDef, onnxPads, ShapeError, volume } from './op.ts';

/** Output size along spatial axis i (ONNX and PyTorch rule). */
export const transposedSize = (a: ConvTransposeAttrs, size: number, i: number): number =>
  (size - 1) * a.stride[i] -
  a.padding[i] -
  (a.padEnd ?? a.padding)[i] +
  a.dilation[i] * (a.kernel[i] - 1) +
  a.outputPadding[i] +
  1;

export const convtranspose: OpDef<ConvTransposeAttrs> = {
  rule:
    'params Cin·(Cout/g)·k (+Cout for a bias), k the kernel volume (a weight the graph computes is read as an ' +
    'input instead); MAdds N·Cin·(input positions)·(Cout/g)·k; ' +
    'FLOPs 2 per multiply-add, +1 per output element for a bias',
  infer(inputs, a) {
    const x = expectWindowInput(inputs.slice(0, 1), a.kernel.length, 'convtranspose');
    if (x[1] % a.groups !== 0) throw new ShapeError(`input channels ${x[1]} are not divisible by groups ${a.groups}`);
    const sizes = x.slice(2).map((s, i) => transposedSize(a, s, i));
    if (sizes.some((s) => s < 1)) throw new ShapeError(`output size ${sizes.join('x')} is empty`);
    return [[x[0], a.outChannels, ...sizes]];
  },
  params: (a, [x]) =>
    (a.computed?.includes('weight') ? 0 : x[1] * (a.outChannels / a.groups) * volume(a.kernel)) +
    (a.bias && !a.computed?.includes('bias') ? a.outChannels : 0),
  madds: (a, [x]) => numel(x) * (a.outChannels / a.groups) * volume(a.kernel),
  flops: (a, i, o) => 2 * convtranspose.madds(a, i, o) + (a.bias ? numel(o[0]) : 0),
  category: () => 'conv',
  onnx({ name, attrs: a, inputs, outputs, inputShapes }, e) {
    const cin = inputShapes[0][1];
    const w = e.weight(`${name}.weight`, [cin, a.outChannels / a.groups, ...a.kernel], cin * volume(a.kernel));
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
