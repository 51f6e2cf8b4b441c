/** Gather: pick entries along an axis by index (an embedding lookup, or one dimension of a shape). */
import type { GatherAttrs, Shape } from '../graph/types.ts';
import { normAxis } from './concat.ts';
import { numel, type OpDef, ShapeError } from './op.ts';
import { offset, remap, strides } from './tensor.ts';

/** data and indices shapes: indices from the attrs when they are a constant, else the second input */
function operands(inputs: Shape[], a: GatherAttrs): [Shape, Shape] {
  const shapes = a.indicesShape ? [inputs[0], a.indicesShape] : inputs;
  if (shapes.length !== 2) throw new ShapeError(`gather takes data and indices, got ${shapes.length} operands`);
  return [shapes[0], shapes[1]];
}

export const gather: OpDef<GatherAttrs> = {
  rule:
    'no arithmetic; reads the indices and the elements it picks, writes them; a learned table (an embedding) is ' +
    'params, and the rows picked are the weights read',
  infer(inputs, a) {
    const [data, idx] = operands(inputs, a);
    if (data.length < 1) throw new ShapeError('gather needs data of rank 1 or more');
    const axis = normAxis(a.axis, data.length);
    return [[...data.slice(0, axis), ...idx, ...data.slice(axis + 1)]];
  },
  params: (a, [data]) => (a.table ? numel(data) : 0),
  weightsRead: (a, _i, [y]) => (a.table ? numel(y) : 0),
  madds: () => 0,
  flops: () => 0,
  // constant indices are read with the data they pick
  inputsRead: (a, inputs, [y]) =>
    a.indicesShape ? [numel(y) + numel(a.indicesShape)] : [a.table ? 0 : numel(y), numel(inputs[1])],
  category: () => 'data-movement',
  onnx: ({ name, attrs: a, inputs, outputs }, e) => e.node('Gather', name, inputs, outputs, { axis: a.axis }),
  evaluate([data, indices], a, [out]) {
    const axis = normAxis(a.axis, data.shape.length);
    const d = data.shape[axis];
    const idx = indices.value();
    const ist = strides(idx.dims);
    const r = idx.dims.length;
    return [
      remap(data.value(), out, (o) => {
        let k = idx.data[offset(o.slice(axis, axis + r), ist)];
        if (k < -d || k >= d) throw new ShapeError(`gather index ${k} is out of range for an axis of ${d}`);
        if (k < 0) k += d;
        return [...o.slice(0, axis), k, ...o.slice(axis + r)];
      }),
    ];
  },
};
