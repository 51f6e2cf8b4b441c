/**
 * Shape and Size: a tensor's dimensions, or its element count, as a small int64 tensor. They read
 * no data (only metadata), so they cost nothing, and their value depends on the input's shape
 * alone: they fold away whether or not the input is a constant.
 */
import type { NoAttrs, ShapeAttrs } from '../graph/types.ts';
import { COSTS_NOTHING, numel, type OpDef, ShapeError } from './op.ts';
import { tensor } from './tensor.ts';

const range = (rank: number, a: ShapeAttrs): [number, number] => {
  const at = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
  return [at(a.start ?? 0), at(a.end ?? rank)];
};

const metadataOnly = {
  ...COSTS_NOTHING,
  rule: 'reads metadata only: no arithmetic and no memory traffic',
  shapeOnly: true,
} as const;

export const shape: OpDef<ShapeAttrs> = {
  ...metadataOnly,
  infer(inputs, a) {
    if (inputs.length !== 1) throw new ShapeError('shape takes one input');
    const [s, e] = range(inputs[0].length, a);
    return [[Math.max(0, e - s)]];
  },
  onnx: ({ name, attrs: a, inputs, outputs }, e) =>
    e.node('Shape', name, inputs, outputs, {
      ...(a.start !== undefined ? { start: a.start } : {}),
      ...(a.end !== undefined ? { end: a.end } : {}),
    }),
  evaluate([x], a, [out]) {
    const [s, e] = range(x.shape.length, a);
    return [tensor(out, 'int', x.shape.slice(s, Math.max(s, e)))];
  },
};

export const size: OpDef<NoAttrs> = {
  ...metadataOnly,
  infer(inputs) {
    if (inputs.length !== 1) throw new ShapeError('size takes one input');
    return [[]];
  },
  onnx: ({ name, inputs, outputs }, e) => e.node('Size', name, inputs, outputs),
  evaluate: ([x]) => [tensor([], 'int', [numel(x.shape)])],
};
