/** Det: the determinant of each square matrix in the last two axes, by LU decomposition. */
import type { NoAttrs } from '../graph/types.ts';
import { numel, type OpDef, ShapeError } from './op.ts';

/** FLOPs of one M x M determinant: LU elimination (2/3·M³, rounded up) and the product of the diagonal. */
export const detFlops = (m: number): number => Math.ceil((2 * m ** 3) / 3) + m;

export const det: OpDef<NoAttrs> = {
  rule: 'FLOPs per matrix 2/3·M³ for the LU elimination (rounded up) + M for the product of its diagonal',
  infer([x]) {
    const m = x[x.length - 1];
    if (x.length < 2 || x[x.length - 2] !== m) throw new ShapeError(`Det needs square matrices, got [${x.join(', ')}]`);
    return [x.slice(0, -2)];
  },
  params: () => 0,
  madds: () => 0,
  flops: (_a, [x]) => (numel(x) / (x[x.length - 1] * x[x.length - 1])) * detFlops(x[x.length - 1]),
  category: () => 'linear',
  onnx: () => {
    throw new ShapeError('Det is read from ONNX files; netcost does not write it');
  },
};
