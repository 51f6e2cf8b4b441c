/** Flatten [N, C, H, W] to [N, C·H·W] (the spec primitive; other axes become a reshape). */
import type { NoAttrs } from '../graph/types.ts';
import { COSTS_NOTHING, type OpDef, ShapeError } from './op.ts';
import { flattenShape } from './reshape.ts';

export const flatten: OpDef<NoAttrs> = {
  rule: 'a view: no arithmetic and no memory traffic',
  infer(inputs) {
    if (inputs.length !== 1 || inputs[0].length < 2)
      throw new ShapeError('flatten expects one input of rank 2 or more');
    return [flattenShape(inputs[0], 1)];
  },
  ...COSTS_NOTHING,
  onnx: ({ name, inputs, outputs }, e) => e.node('Flatten', name, inputs, outputs, { axis: 1 }),
  sameData: () => true,
  evaluate: ([x], _a, [out]) => [{ ...x.value(), dims: out }],
};
