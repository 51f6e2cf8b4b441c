/** Batch normalization (inference). Params: 2 per channel (scale, shift). FLOPs: 2 per element
 * (the folded form y = a·x + b). Weights read: the 2 folded values per channel. */
import type { NoAttrs } from '../graph/types.ts';
import { ShapeError, numel, type OpDef } from './op.ts';

export const batchnorm: OpDef<NoAttrs> = {
  infer(inputs) {
    if (inputs.length !== 1 || inputs[0].length < 2) throw new ShapeError('bn expects one input of rank 2 or more');
    return [[...inputs[0]]];
  },
  params: (_a, [x]) => 2 * x[1],
  madds: () => 0,
  flops: (_a, _i, [out]) => 2 * numel(out),
  category: () => 'elementwise',
};
