/** ScatterND and ScatterElements: a copy of the data with some entries replaced (or combined) by updates. */
import type { ScatterAttrs, Shape } from '../graph/types.ts';
import { normAxis } from './concat.ts';
import { numel, type OpDef, ShapeError } from './op.ts';
import { offset, strides, tensor, unravel } from './tensor.ts';

const COMBINE: Record<ScatterAttrs['reduction'], (old: number, u: number) => number> = {
  none: (_o, u) => u,
  add: (o, u) => o + u,
  mul: (o, u) => o * u,
  max: (o, u) => Math.max(o, u),
  min: (o, u) => Math.min(o, u),
};

function check(inputs: Shape[], a: ScatterAttrs): Shape {
  if (inputs.length !== 3) throw new ShapeError(`scatter takes data, indices and updates, got ${inputs.length} inputs`);
  const [data, idx, upd] = inputs;
  if (a.elements) {
    normAxis(a.axis ?? 0, data.length);
    if (idx.join() !== upd.join()) throw new ShapeError(`indices [${idx.join(', ')}] and updates differ in shape`);
    return data;
  }
  const k = idx[idx.length - 1];
  if (idx.length < 1 || k > data.length) throw new ShapeError(`indices [${idx.join(', ')}] do not index the data`);
  const want = [...idx.slice(0, -1), ...data.slice(k)];
  if (want.join() !== upd.join()) {
    throw new ShapeError(`updates [${upd.join(', ')}] should be [${want.join(', ')}]`);
  }
  return data;
}

export const scatter: OpDef<ScatterAttrs> = {
  rule: 'no arithmetic (1 FLOP per update with a reduction); reads the data, indices and updates, writes the output',
  infer: (inputs, a) => [[...check(inputs, a)]],
  params: () => 0,
  madds: () => 0,
  flops: (a, i) => (a.reduction === 'none' ? 0 : numel(i[2])),
  category: () => 'data-movement',
  onnx: ({ name, attrs: a, inputs, outputs }, e) =>
    e.node(a.elements ? 'ScatterElements' : 'ScatterND', name, inputs, outputs, {
      reduction: a.reduction,
      ...(a.elements ? { axis: a.axis ?? 0 } : {}),
    }),
  evaluate([d, i, u], a, [out]) {
    const data = d.value();
    const idx = i.value();
    const upd = u.value();
    const values = [...data.data];
    const st = strides(data.dims);
    const at = (pos: number[]) => {
      for (const [ax, p] of pos.entries()) {
        if (p < -data.dims[ax] || p >= data.dims[ax]) throw new ShapeError(`scatter index ${p} is out of range`);
      }
      return offset(
        pos.map((p, ax) => (p < 0 ? p + data.dims[ax] : p)),
        st,
      );
    };
    const f = COMBINE[a.reduction];
    if (a.elements) {
      const axis = normAxis(a.axis ?? 0, data.dims.length);
      upd.data.forEach((v, flat) => {
        const pos = unravel(flat, upd.dims);
        pos[axis] = idx.data[flat];
        const o = at(pos);
        values[o] = f(values[o], v);
      });
    } else {
      const k = idx.dims[idx.dims.length - 1];
      const slice = numel(data.dims.slice(k));
      const rows = numel(idx.dims.slice(0, -1));
      for (let r = 0; r < rows; r++) {
        const base = at([...idx.data.slice(r * k, r * k + k), ...new Array<number>(data.dims.length - k).fill(0)]);
        for (let j = 0; j < slice; j++) values[base + j] = f(values[base + j], upd.data[r * slice + j]);
      }
    }
    return [tensor(out, data.type, values)];
  },
};
