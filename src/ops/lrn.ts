/** Local response normalization (AlexNet, GoogLeNet): each element over a power of its neighbouring channels. */
import type { LrnAttrs } from '../graph/types.ts';
import { expectAnyRank, numel, type OpDef } from './op.ts';

export const lrn: OpDef<LrnAttrs> = {
  rule:
    'FLOPs per element 2·size + 4: a multiply and an add per neighbouring channel for the sum of squares, ' +
    'then scale, add the bias, the power and the divide',
  infer: (inputs) => [expectAnyRank(inputs, 'LRN')],
  params: () => 0,
  madds: () => 0,
  flops: (a, [x]) => (2 * a.size + 4) * numel(x),
  category: () => 'elementwise',
  onnx: ({ name, attrs: a, inputs, outputs }, e) => e.node('LRN', name, inputs, outputs, { size: a.size }),
};
