/** Constant-producing ops: ConstantOfShape (fill) and Range. Both fold away: they cost nothing at run time. */
import { helperName, ROLE } from '../graph/names.ts';
import type { FillAttrs, RangeAttrs } from '../graph/types.ts';
import { COSTS_NOTHING, type OpDef, ShapeError } from './op.ts';
import { generate } from './tensor.ts';

const constantOnly = {
  ...COSTS_NOTHING,
  rule: 'a constant: computed when the model loads, no cost at run time',
} as const;

export const fill: OpDef<FillAttrs> = {
  ...constantOnly,
  infer(_inputs, a) {
    if (a.shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new ShapeError(`cannot fill a tensor of shape [${a.shape.join(', ')}]`);
    }
    return [[...a.shape]];
  },
  onnx: ({ name, attrs: a, outputs }, e) =>
    e.node('ConstantOfShape', name, [e.int64s(helperName(name, ROLE.shape), a.shape)], outputs),
  evaluate: (_inputs, a, [out]) => [generate(out, a.type, () => a.value)],
};

/** Range's element count: ceil((limit - start) / delta), at least 0. */
export function rangeLength(a: RangeAttrs): number {
  if (a.delta === 0 || !Number.isFinite(a.delta))
    throw new ShapeError('range delta is 0; it would never reach its limit');
  return Math.max(0, Math.ceil((a.limit - a.start) / a.delta));
}

export const range: OpDef<RangeAttrs> = {
  ...constantOnly,
  infer: (_inputs, a) => [[rangeLength(a)]],
  onnx({ name, attrs: a, outputs }, e) {
    const scalar = (role: string, v: number) => e.int64s(helperName(name, role), [v]);
    e.node(
      'Range',
      name,
      [scalar(ROLE.starts, a.start), scalar(ROLE.ends, a.limit), scalar(ROLE.steps, a.delta)],
      outputs,
    );
  },
  evaluate: (_inputs, a, [out]) => [generate(out, a.type, (i) => a.start + i * a.delta)],
};
