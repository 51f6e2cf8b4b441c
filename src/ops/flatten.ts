/** Flatten [N, C, H, W] to [N, C·H·W]: a pure view (no arithmetic, no memory traffic). */
import type { NoAttrs } from '../graph/types.ts';
import { numel, type OpDef, ShapeError } from './op.ts';

export const flatten: OpDef<NoAttrs> = {
  infer(inputs) {
    if (inputs.length !== 1 || inputs[0].length < 2)
      throw new ShapeError('flatten expects one input of rank 2 or more');
    const [n, ...rest] = inputs[0];
    return [[n, numel(rest)]];
  },
  params: () => 0,
  madds: () => 0,
  flops: () => 0,
  view: true,
  category: () => 'view',
  onnx: ({ name, inputs, outputs }, e) => e.node('Flatten', name, inputs, outputs, { axis: 1 }),
};
