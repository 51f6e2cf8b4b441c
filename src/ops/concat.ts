/** Concatenation along an axis (channels by default). */
import type { ConcatAttrs } from '../graph/types.ts';
import { type OpDef, ShapeError } from './op.ts';
import { generate, offset, strides, unravel } from './tensor.ts';

export const concat: OpDef<ConcatAttrs> = {
  rule: 'no arithmetic; reads every input, writes the output; a learned constant input (a class token) is params',
  infer(given, a) {
    if (given.length < 1) throw new ShapeError('concat needs at least one input');
    // stacking: each input gains an axis of 1 at `axis`, then they concatenate along it
    const inputs = a.newAxis
      ? given.map((s) => {
          const at = normAxis(a.axis ?? 1, s.length + 1);
          return [...s.slice(0, at), 1, ...s.slice(at)];
        })
      : given;
    const [first] = inputs;
    const axis = normAxis(a.axis ?? 1, first.length);
    for (const s of inputs) {
      if (s.length !== first.length || s.some((v, i) => i !== axis && v !== first[i])) {
        throw new ShapeError(
          `cannot concatenate [${first.join(', ')}] and [${s.join(', ')}]: all but axis ${axis} must match`,
        );
      }
    }
    const out = [...first];
    out[axis] = inputs.reduce((c, s) => c + s[axis], 0);
    return [out];
  },
  params: (a) => a.learned ?? 0,
  weightsRead: () => 0,
  madds: () => 0,
  flops: () => 0,
  category: () => 'data-movement',
  onnx: ({ name, attrs, inputs, outputs }, e) => e.node('Concat', name, inputs, outputs, { axis: attrs.axis ?? 1 }),
  evaluate(inputs, a, [out]) {
    const axis = normAxis(a.axis ?? 1, out.length);
    const parts = inputs.map((x) => x.value());
    // which input each position along the axis comes from, and where in it
    const from: [number, number][] = parts.flatMap((p, k) => Array.from({ length: p.dims[axis] }, (_, j) => [k, j]));
    const st = parts.map((p) => strides(p.dims));
    return [
      generate(out, parts[0].type, (flat) => {
        const idx = unravel(flat, out);
        const [k, j] = from[idx[axis]];
        idx[axis] = j;
        return parts[k].data[offset(idx, st[k])];
      }),
    ];
  },
};

/** A possibly negative axis as an index into a rank-r shape. */
export function normAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new ShapeError(`axis ${axis} is out of range for a rank-${rank} tensor`);
  }
  return a;
}
