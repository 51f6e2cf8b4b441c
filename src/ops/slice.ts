/** Slice: copies the selected elements. Shape and values come from one clamping rule. */
import { helperName, ROLE } from '../graph/names.ts';
import type { Shape, SliceAttrs } from '../graph/types.ts';
import { normAxis } from './concat.ts';
import { numel, type OpDef, ShapeError } from './op.ts';
import { remap } from './tensor.ts';

interface AxisRange {
  /** first index read */
  start: number;
  step: number;
  /** elements selected */
  count: number;
}

/**
 * ONNX's rule per axis: negative starts and ends count from the back; then clamp to [0, d] for a
 * positive step and to [-1, d-1] for a negative one (INT64 extremes included), and count the steps.
 */
export function sliceRanges(x: Shape, a: SliceAttrs): AxisRange[] {
  const ranges: AxisRange[] = x.map((d) => ({ start: 0, step: 1, count: d }));
  if (a.starts.length !== a.ends.length || a.axes.length !== a.starts.length) {
    throw new ShapeError(`slice has ${a.starts.length} starts, ${a.ends.length} ends and ${a.axes.length} axes`);
  }
  const seen = new Set<number>();
  a.axes.forEach((ax0, i) => {
    const ax = normAxis(ax0, x.length);
    if (seen.has(ax)) throw new ShapeError(`slice names axis ${ax} twice`);
    seen.add(ax);
    const d = x[ax];
    const step = a.steps[i] ?? 1;
    if (step === 0 || !Number.isFinite(step))
      throw new ShapeError(`slice step ${step} along axis ${ax}; a step is not 0`);
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    let s = a.starts[i] < 0 ? a.starts[i] + d : a.starts[i];
    let e = a.ends[i] < 0 ? a.ends[i] + d : a.ends[i];
    if (step > 0) {
      s = clamp(s, 0, d);
      e = clamp(e, 0, d);
      ranges[ax] = { start: s, step, count: Math.max(0, Math.ceil((e - s) / step)) };
    } else {
      s = clamp(s, -1, d - 1);
      e = clamp(e, -1, d - 1);
      ranges[ax] = { start: s, step, count: Math.max(0, Math.ceil((s - e) / -step)) };
    }
  });
  return ranges;
}

export const sliceShape = (x: Shape, a: SliceAttrs): number[] => sliceRanges(x, a).map((r) => r.count);

export const slice: OpDef<SliceAttrs> = {
  rule: 'no arithmetic; reads only the elements it copies and writes them',
  infer: (inputs, a) => [sliceShape(inputs[0], a)],
  params: () => 0,
  madds: () => 0,
  flops: () => 0,
  inputsRead: (_a, _i, [y]) => [numel(y)],
  category: () => 'data-movement',
  onnx: ({ name, attrs: a, inputs, outputs }, e) =>
    e.node(
      'Slice',
      name,
      [
        inputs[0],
        e.int64s(helperName(name, ROLE.starts), a.starts),
        e.int64s(helperName(name, ROLE.ends), a.ends),
        e.int64s(helperName(name, ROLE.axes), a.axes),
        e.int64s(helperName(name, ROLE.steps), a.steps),
      ],
      outputs,
    ),
  evaluate([x], a, [out]) {
    const r = sliceRanges(x.shape, a);
    return [remap(x.value(), out, (idx) => idx.map((v, i) => r[i].start + v * r[i].step))];
  },
};
