/** 2-D convolution (grouped, depthwise, dilated). */
import { helperName, ROLE } from '../graph/names.ts';
import type { ConvAttrs } from '../graph/types.ts';
import { ACTIVATIONS, emitActivation } from './activation.ts';
import { expectRank, numel, type OpDef, onnxPads, ShapeError, windowOut } from './op.ts';

export const conv: OpDef<ConvAttrs> = {
  rule:
    'params Cout·(Cin/g)·kh·kw (+Cout for a bias); MAdds N·Cout·Ho·Wo·(Cin/g)·kh·kw; FLOPs 2 per multiply-add, ' +
    "+1 per output element for a bias, plus a fused activation's FLOPs (deploy view)",
  infer(inputs, a) {
    const [n, c, h, w] = expectRank(inputs, 4, 'conv');
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
    const ho = windowOut(h, a.kernel[0], a.stride[0], a.padding[0], a.dilation[0], false, a.padEnd?.[0]);
    const wo = windowOut(w, a.kernel[1], a.stride[1], a.padding[1], a.dilation[1], false, a.padEnd?.[1]);
    if (ho < 1 || wo < 1)
      throw new ShapeError(
        `a ${a.kernel.join('x')} kernel does not fit a ${h}x${w} input; use a larger input or a smaller kernel`,
      );
    return [[n, out, ho, wo]];
  },
  params: (a, [x]) => a.outChannels * (x[1] / a.groups) * a.kernel[0] * a.kernel[1] + (a.bias ? a.outChannels : 0),
  madds: (a, [x], [y]) => numel(y) * (x[1] / a.groups) * a.kernel[0] * a.kernel[1],
  flops(a, i, o) {
    const out = numel(o[0]);
    return 2 * conv.madds(a, i, o) + (a.bias ? out : 0) + (a.act ? ACTIVATIONS[a.act].flops * out : 0);
  },
  category(a, [x]) {
    if (a.groups === x[1] && a.groups > 1) return 'depthwise-conv';
    if (a.kernel[0] === 1 && a.kernel[1] === 1) return 'pointwise-conv';
    return 'conv';
  },
  onnx({ name, attrs: a, inputs, outputs, inputShapes }, e) {
    const cin = inputShapes[0][1] / a.groups;
    const fanIn = cin * a.kernel[0] * a.kernel[1];
    const w = e.weight(`${name}.weight`, [a.outChannels, cin, a.kernel[0], a.kernel[1]], fanIn);
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
