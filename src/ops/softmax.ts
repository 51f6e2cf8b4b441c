/** Softmax (and LogSoftmax) along an axis. */
import type { SoftmaxAttrs } from '../graph/types.ts';
import { normAxis } from './concat.ts';
import { numel, type OpDef, ShapeError } from './op.ts';

export const softmax: OpDef<SoftmaxAttrs> = {
  rule: 'FLOPs 5 per element (max, subtract, exp, sum, divide)',
  infer(inputs, a) {
    if (inputs.length !== 1) throw new ShapeError('softmax takes one input');
    normAxis(a.axis, inputs[0].length);
    return [[...inputs[0]]];
  },
  params: () => 0,
  madds: () => 0,
  flops: (_a, _i, [y]) => 5 * numel(y),
  category: () => 'elementwise',
  onnx: ({ name, attrs, inputs, outputs }, e) => e.node('Softmax', name, inputs, outputs, { axis: attrs.axis }),
};
