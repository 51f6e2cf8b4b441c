/** Fully connected layer on [N, F] (ONNX Gemm with a constant B). */
import type { LinearAttrs } from '../graph/types.ts';
import { REQUANTIZE_FLOPS } from './matmul.ts';
import { expectRank, numel, type OpDef } from './op.ts';

export const linear: OpDef<LinearAttrs> = {
  rule: 'params F·out (+out for a bias); MAdds N·F·out; FLOPs 2 per multiply-add, +1 per output element for a bias',
  infer(inputs, a) {
    const [n] = expectRank(inputs, 2, 'linear (flatten first)');
    return [[n, a.outFeatures]];
  },
  params: (a, [x]) => x[1] * a.outFeatures + (a.bias ? a.outFeatures : 0),
  madds: (a, [x]) => x[0] * x[1] * a.outFeatures,
  flops: (a, i, [y]) =>
    2 * linear.madds(a, i, [y]) + (a.bias ? numel(y) : 0) + (a.quantized ? REQUANTIZE_FLOPS * numel(y) : 0),
  category: () => 'linear',
  onnx({ name, attrs: a, inputs, outputs, inputShapes }, e) {
    const f = inputShapes[0][1];
    const ins = [
      inputs[0],
      e.weight(`${name}.weight`, [a.outFeatures, f], f),
      ...(a.bias ? [e.weight(`${name}.bias`, [a.outFeatures], f)] : []),
    ];
    e.node('Gemm', name, ins, outputs, { transB: 1 });
  },
};
