/** Transpose: permute the axes. */
import type { TransposeAttrs } from '../graph/types.ts';
import { type OpDef, ShapeError } from './op.ts';
import { remap } from './tensor.ts';

const permOf = (a: TransposeAttrs, rank: number) =>
  a.perm.length ? a.perm : Array.from({ length: rank }, (_, i) => rank - 1 - i);

export const transpose: OpDef<TransposeAttrs> = {
  rule: 'no arithmetic; reads and writes every element',
  infer(inputs, a) {
    const x = inputs[0];
    const perm = permOf(a, x.length);
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
  sameData: () => true,
  evaluate([x], a, [out]) {
    const perm = permOf(a, out.length);
    return [
      remap(x.value(), out, (idx) => {
        const src = new Array<number>(idx.length);
        perm.forEach((p, i) => {
          src[p] = idx[i];
        });
        return src;
      }),
    ];
  },
};
