/** Slice: copies the selected elements: reads and writes each output element once. */
import type { SliceAttrs } from '../graph/types.ts';
import { normAxis } from './concat.ts';
import { numel, type OpDef, ShapeError } from './op.ts';

/** The ONNX rule: clamp starts and ends per axis, count the steps. */
export function sliceShape(x: number[], a: SliceAttrs): number[] {
  const out = [...x];
  a.axes.forEach((ax0, i) => {
    const ax = normAxis(ax0, x.length);
    const d = x[ax];
    const step = a.steps[i] ?? 1;
    if (step === 0) throw new ShapeError('slice step 0');
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    let s = a.starts[i] < 0 ? a.starts[i] + d : a.starts[i];
    let e = a.ends[i] < 0 ? a.ends[i] + d : a.ends[i];
    if (step > 0) {
      s = clamp(s, 0, d);
      e = clamp(e, 0, d);
      out[ax] = Math.max(0, Math.ceil((e - s) / step));
    } else {
      s = clamp(s, -1, d - 1);
      e = clamp(e, -1, d - 1);
      out[ax] = Math.max(0, Math.ceil((s - e) / -step));
    }
  });
  return out;
}

export const slice: OpDef<SliceAttrs> = {
  infer: (inputs, a) => [sliceShape(inputs[0], a)],
  params: () => 0,
  madds: () => 0,
  flops: () => 0,
  inputsRead: (_a, _i, [y]) => numel(y),
  category: () => 'data-movement',
  onnx: ({ name, attrs: a, inputs, outputs }, e) =>
    e.node(
      'Slice',
      name,
      [
        inputs[0],
        e.int64s(`${name}#starts`, a.starts),
        e.int64s(`${name}#ends`, a.ends),
        e.int64s(`${name}#axes`, a.axes),
        e.int64s(`${name}#steps`, a.steps),
      ],
      outputs,
    ),
};
