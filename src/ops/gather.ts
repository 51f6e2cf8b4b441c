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
    'params, and the rows picked are the weights read; a block-quantized table (GatherBlockQuantized): its values ' +
    '(4-bit ones two to a stored byte), scales and zero points are params, read at their bit width, with 2 FLOPs ' +
    'per element picked to dequantize it',
  infer(inputs, a) {
    const [data, idx] = operands(inputs, a);
    if (data.length < 1) throw new ShapeError('gather needs data of rank 1 or more');
    const axis = normAxis(a.axis, data.length);
    const last = data.length - 1;
    const unpacked = a.quantized ? data.map((d, k) => (k === last ? d * (a.quantized?.per ?? 1) : d)) : data;
    return [[...unpacked.slice(0, axis), ...idx, ...unpacked.slice(axis + 1)]];
  },
  params: (a, [data]) => (a.table ? numel(data) * (a.quantized?.per ?? 1) + (a.quantized?.scales ?? 0) : 0),
  // the rows picked, with their share of the scales and zero points
  weightsRead: (a, i, [y]) =>
    a.table ? Math.round((numel(y) * gather.params(a, i, [y])) / (numel(i[0]) * (a.quantized?.per ?? 1))) : 0,
  madds: () => 0,
  flops: (a, _i, [y]) => (a.quantized ? 2 * numel(y) : 0),
  // constant indices are read with the data they pick
  inputsRead: (a, inputs, [y]) =>
    a.indicesShape ? [numel(y) + numel(a.indicesShape)] : [a.table ? 0 : numel(y), numel(inputs[1])],
  category: () => 'data-movement',
  onnx({ name, attrs: a, inputs, outputs }, e) {
    if (a.quantized)
      throw new ShapeError('GatherBlockQuantized is read from onnxruntime graphs; netcost does not write it');
    e.node('Gather', name, inputs, outputs, { axis: a.axis });
  },
  evaluate([data, indices], a, [out]) {
    if (a.quantized) throw new ShapeError('a block-quantized table is looked up at run time, not folded');
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
