/**
 * Ops that place elements by index without arithmetic: ReverseSequence (each sequence reversed up
 * to its length) and MaxUnpool (each value written back where its max came from, zeros elsewhere).
 */
import type { NoAttrs, UnpoolAttrs } from '../graph/types.ts';
import { numel, type OpDef, ShapeError } from './op.ts';

export const reverse: OpDef<NoAttrs> = {
  rule: 'no arithmetic; reads the input and the lengths, writes the output (as large as the input)',
  infer: ([x]) => [[...x]],
  params: () => 0,
  madds: () => 0,
  flops: () => 0,
  category: () => 'data-movement',
  onnx: () => {
    throw new ShapeError('ReverseSequence is read from ONNX files; netcost does not write it');
  },
};

export const unpool: OpDef<UnpoolAttrs> = {
  rule: 'no arithmetic; reads the values and their indices, writes the whole output (zeros and the values)',
  infer([x, i], a) {
    if (i && i.join() !== x.join())
      throw new ShapeError(`the indices [${i.join(', ')}] must match X [${x.join(', ')}]`);
    if (a.shape.length !== x.length) throw new ShapeError(`the output shape must have rank ${x.length}`);
    return [[...a.shape]];
  },
  params: () => 0,
  madds: () => 0,
  flops: () => 0,
  inputsRead: (_a, inputs) => inputs.map(numel),
  category: () => 'data-movement',
  onnx: () => {
    throw new ShapeError('MaxUnpool is read from ONNX files; netcost does not write it');
  },
};
