/** Convolution of spatial rank 1, 2 or 3 (grouped, depthwise, dilated). */
import { helperName, ROLE } from '../graph/names.ts';
import type { ConvAttrs } from '../graph/types.ts';
import { ACTIVATIONS, emitActivation } from './activation.ts';
import { REQUANTIZE_FLOPS } from './matmul.ts';
import { expectWindowInput, numel, type OpDef, onnxPads, ShapeError, volume, windowSizes } from './op.ts';

export const conv: OpDef<ConvAttrs> = {
  rule:
    'params Cout·(Cin/g)·k (+Cout for a bias), k the kernel volume (kh·kw; kd·kh·kw in 3-D, k in 1-D); ' +
    'MAdds N·Cout·(output positions)·(Cin/g)·k; FLOPs 2 per multiply-add, ' +
    "+1 per output element for a bias and for a fused residual, plus a fused activation's FLOPs (deploy view, " +
    "onnxruntime's FusedConv), +3 per output element to requantize an int8 convolution (QLinearConv)",
  infer(inputs, a) {
    const x = expectWindowInput(a.sum ? inputs.slice(0, 1) : inputs, a.kernel.length, 'conv');
    const [n, c] = x;
    if (c % a.groups !== 0)
      throw new ShapeError(
        `input channels ${c} are not divisible by groups ${a.groups}; choose a group count that divides both ` +
          `channel counts, or change the channels`,
      );
    const out = a.outChannels;
    if (out % a.groups !== 0)
      throw new ShapeError(
        `output channels ${out} are not divisible by groups ${a.groups}; make out a multiple of ${a.groups}`,
      );
    const sizes = windowSizes(x, a, false);
    if (sizes.some((s) => s < 1))
      throw new ShapeError(
        `a ${a.kernel.join('x')} kernel does not fit a ${x.slice(2).join('x')} input; use a larger input or a ` +
          'smaller kernel',
      );
    const y = [n, out, ...sizes];
    if (a.sum && inputs[1]?.join() !== y.join()) {
      throw new ShapeError(`the residual [${(inputs[1] ?? []).join(', ')}] differs from the output [${y.join(', ')}]`);
    }
    return [y];
  },
  params: (a, [x]) => a.outChannels * (x[1] / a.groups) * volume(a.kernel) + (a.bias ? a.outChannels : 0),
  madds: (a, [x], [y]) => numel(y) * (x[1] / a.groups) * volume(a.kernel),
  flops(a, i, o) {
    const out = numel(o[0]);
    const perOutput =
      (a.bias ? 1 : 0) +
      (a.sum ? 1 : 0) +
      (a.act ? ACTIVATIONS[a.act].flops : 0) +
      (a.fusedAct?.flops ?? 0) +
      (a.quantized === 'requantize' ? REQUANTIZE_FLOPS : 0);
    return 2 * conv.madds(a, i, o) + perOutput * out;
  },
  category(a, [x]) {
    if (a.groups === x[1] && a.groups > 1) return 'depthwise-conv';
    if (a.kernel.every((k) => k === 1)) return 'pointwise-conv';
    return 'conv';
  },
  onnx({ name, attrs: a, inputs, outputs, inputShapes }, e) {
    const cin = inputShapes[0][1] / a.groups;
    const fanIn = cin * volume(a.kernel);
    const w = e.weight(`${name}.weight`, [a.outChannels, cin, ...a.kernel], fanIn);
    const ins = [inputs[0], w, ...(a.bias ? [e.weight(`${name}.bias`, [a.outChannels], fanIn)] : [])];
    const out = a.act ? helperName(name, ROLE.convOutput) : outputs[0];
    e.node('Conv', name, ins, [out], {
      kernel_shape: a.kernel,
      strides: a.stride,
      dilations: a.dilation,
      group: a.groups,
      pads: onnxPads(a.padding, a.padEnd),
    });
    if (a.act) emitActivation(a.act, helperName(name, a.act), out, outputs[0], e);
  },
};
