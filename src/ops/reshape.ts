/**
 * Reshape, Squeeze, Unsqueeze and Flatten of any axis: a view to a target shape. The target rules
 * of all four ONNX ops live here; readers only decode their inputs.
 */
import { helperName, ROLE } from '../graph/names.ts';
import type { ReshapeAttrs, Shape } from '../graph/types.ts';
import { normAxis } from './concat.ts';
import { COSTS_NOTHING, numel, type OpDef, ShapeError } from './op.ts';

export const reshape: OpDef<ReshapeAttrs> = {
  rule: 'a view: no arithmetic and no memory traffic',
  infer(inputs, a) {
    if (numel(inputs[0]) !== numel(a.shape)) {
      throw new ShapeError(`cannot view [${inputs[0].join(', ')}] as [${a.shape.join(', ')}]: element counts differ`);
    }
    return [[...a.shape]];
  },
  ...COSTS_NOTHING,
  onnx: ({ name, attrs, inputs, outputs }, e) =>
    e.node('Reshape', name, [inputs[0], e.int64s(helperName(name, ROLE.shape), attrs.shape)], outputs),
  sameData: () => true,
  evaluate: ([x], a) => [{ ...x.value(), dims: [...a.shape] }],
};

/** ONNX Reshape: 0 copies the input's dimension (unless `allowZero`), one -1 takes what is left. */
export function reshapeTarget(x: Shape, target: number[], allowZero: boolean): number[] {
  const out = target.map((d, i) => (d === 0 && !allowZero ? x[i] : d));
  const bad = () => new ShapeError(`cannot reshape [${x.join(', ')}] (${numel(x)} elements) to [${target.join(', ')}]`);
  if (out.some((d) => !Number.isInteger(d) || d < -1) || out.filter((d) => d === -1).length > 1) throw bad();
  const minus = out.indexOf(-1);
  if (minus >= 0) {
    const rest = numel(out.filter((_, i) => i !== minus));
    if (rest === 0 || numel(x) % rest !== 0) throw bad();
    out[minus] = numel(x) / rest;
  }
  if (out.some((d) => d === undefined) || numel(out) !== numel(x)) throw bad();
  return out;
}

/** ONNX Squeeze: drop the given axes (each of size 1), or every axis of size 1. */
export function squeezeShape(x: Shape, axes: number[]): number[] {
  const ax = new Set(axes.map((a) => normAxis(a, x.length)));
  for (const a of ax)
    if (x[a] !== 1) throw new ShapeError(`cannot squeeze axis ${a} of [${x.join(', ')}]: it is not 1`);
  return axes.length ? x.filter((_, i) => !ax.has(i)) : x.filter((d) => d !== 1);
}

/** ONNX Unsqueeze: insert axes of size 1 at the given positions of the output. */
export function unsqueezeShape(x: Shape, axes: number[]): number[] {
  const rank = x.length + axes.length;
  const ax = new Set(axes.map((a) => normAxis(a, rank)));
  if (ax.size !== axes.length) throw new ShapeError(`unsqueeze axes [${axes.join(', ')}] repeat an axis`);
  const out: number[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) out.push(ax.has(i) ? 1 : x[k++]);
  return out;
}

/** ONNX Flatten: a 2-D view [d0·...·d(axis-1), d(axis)·...]. */
export function flattenShape(x: Shape, axis: number): number[] {
  const ax = axis < 0 ? axis + x.length : axis;
  if (!Number.isInteger(ax) || ax < 0 || ax > x.length) {
    throw new ShapeError(`flatten axis ${axis} is out of range for a rank-${x.length} tensor`);
  }
  return [numel(x.slice(0, ax)), numel(x.slice(ax))];
}
