/** Transpose: no arithmetic; reads and writes every element. */
import type { TransposeAttrs } from '../graph/types.ts';
import { type OpDef, ShapeError } from './op.ts';

export const transpose: OpDef<TransposeAttrs> = {
  infer(inputs, a) {
    const x = inputs[0];
    const perm = a.perm.length ? a.perm : x.map((_, i) => x.length - 1 - i);
    if (inputs.length !== 1 || perm.length !== x.length || [...perm].sort((p, q) => p - q).some((p, i) => p !== i)) {
      throw new ShapeError(`perm [${a.perm.join(', ')}] is not a permutation of the ${x.length} axes`);
    }
    return [perm.map((p) => x[p])];
  },
  params: () => 0,
  madds: () => 0,
  flops: () => 0,
  category: () => 'data-movement',
  onnx: ({ name, attrs, inputs, outputs }, e) =>
    e.node('Transpose', name, inputs, outputs, attrs.perm.length ? { perm: attrs.perm } : {}),
};
