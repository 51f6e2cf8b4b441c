/** Reshape, Flatten, Squeeze, Unsqueeze: views. The importer resolves the target shape; no
 * arithmetic and no memory traffic. */
import type { ReshapeAttrs } from '../graph/types.ts';
import { numel, type OpDef, ShapeError } from './op.ts';

export const reshape: OpDef<ReshapeAttrs> = {
  infer(inputs, a) {
    if (numel(inputs[0]) !== numel(a.shape))
      throw new ShapeError(`cannot view [${inputs[0].join(', ')}] as [${a.shape.join(', ')}]: element counts differ`);
    return [[...a.shape]];
  },
  params: () => 0,
  madds: () => 0,
  flops: () => 0,
  view: true,
  category: () => 'view',
  onnx: ({ name, attrs, inputs, outputs }, e) =>
    e.node('Reshape', name, [inputs[0], e.int64s(`${name}#shape`, attrs.shape)], outputs),
};
