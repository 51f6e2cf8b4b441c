/**
 * Ops that take or place elements by index, without arithmetic: GatherElements (the output has the
 * indices' shape), GatherND (slices addressed by the indices' last axis) and OneHot (a depth axis
 * of off values with one on value per index). Each reads the indices and writes its output; the
 * gathers read only the elements they copy.
 */
import type { Shape, TakeAttrs } from '../graph/types.ts';
import { normAxis } from './concat.ts';
import { numel, type OpDef, ShapeError } from './op.ts';

/** Each kind's ONNX op: its name in tables too */
export const TAKE_OPS: Record<TakeAttrs['kind'], string> = {
  elements: 'GatherElements',
  nd: 'GatherND',
  onehot: 'OneHot',
};

function shapes([data, indices]: Shape[], a: TakeAttrs): Shape {
  if (!data || !indices) throw new ShapeError('the op takes the data and the indices');
  if (a.kind === 'elements') {
    if (indices.length !== data.length)
      throw new ShapeError(`indices [${indices.join(', ')}] must have the data's rank ${data.length}`);
    normAxis(a.axis, data.length);
    return [...indices];
  }
  if (a.kind === 'nd') {
    const b = a.batchDims;
    const depth = indices[indices.length - 1];
    if (indices.length < 1 || depth === undefined || b + depth > data.length)
      throw new ShapeError(
        `indices [${indices.join(', ')}] address ${depth} axes past ${b} batch axes of data [${data.join(', ')}]`,
      );
    return [...indices.slice(0, -1), ...data.slice(b + depth)];
  }
  // OneHot: the first input holds the indices
  const out = [...data];
  const axis = a.axis < 0 ? out.length + 1 + a.axis : a.axis;
  if (axis < 0 || axis > out.length)
    throw new ShapeError(`axis ${a.axis} is outside the output's ${out.length + 1} axes`);
  out.splice(axis, 0, a.depth);
  return out;
}

export const take: OpDef<TakeAttrs> = {
  rule:
    'no arithmetic: GatherElements and GatherND read the indices and the elements they copy, OneHot reads ' +
    'its indices and writes every element of its output',
  infer: (inputs, a) => [shapes(inputs, a)],
  params: () => 0,
  madds: () => 0,
  flops: () => 0,
  inputsRead: (a, inputs, [y]) =>
    a.kind === 'onehot' ? [numel(inputs[0]), ...inputs.slice(1).map(numel)] : [numel(y), numel(inputs[1])],
  category: () => 'data-movement',
  onnx: ({ name, inputs, outputs, attrs: a }, e) => e.node(TAKE_OPS[a.kind], name, inputs, outputs),
};
