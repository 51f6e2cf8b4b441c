/**
 * RoiAlign, MaxUnpool, ReverseSequence and Det, each against its closed form and onnxruntime's
 * shapes.
 */
import { describe, expect, it } from 'vitest';
import type { LayerCost } from '../../src/cost/analyze.ts';
import { onnxModel } from '../onnx-models.ts';
import { costedAgainstOrt } from '../ort-shapes.ts';

describe('box pooling, unpooling, reversal, determinants', () => {
  it('RoiAlign: 7x7 bins of 2x2 bilinear samples per box; 12 FLOPs a sample, 1 for the average', async () => {
    const bytes = onnxModel({
      opset: 16,
      inputs: [
        { name: 'x', dims: [1, 8, 32, 32] },
        { name: 'rois', dims: [5, 4] },
        { name: 'idx', dims: [5], type: 'int64' },
      ],
      nodes: [
        {
          op: 'RoiAlign',
          name: 'roi',
          inputs: ['x', 'rois', 'idx'],
          outputs: ['y'],
          attrs: { output_height: 7, output_width: 7, sampling_ratio: 2 },
        },
      ],
      outputs: ['y'],
    });
    // the box indices must name an image of the batch: 0
    const { r, by } = await costedAgainstOrt(bytes, { idx: [0, 0, 0, 0, 0] });
    expect(r.shapeOf('y')).toEqual([5, 8, 7, 7]);
    expect((by.get('roi') as LayerCost).flops).toBe(5 * 8 * 49 * (12 * 4 + 1));
  });

  it('MaxUnpool puts a 2x2 max pool back: the shape from kernel and strides; no arithmetic', async () => {
    const bytes = onnxModel({
      opset: 11,
      inputs: [{ name: 'x', dims: [1, 3, 8, 8] }],
      nodes: [
        {
          op: 'MaxPool',
          name: 'pool',
          inputs: ['x'],
          outputs: ['p', 'i'],
          attrs: { kernel_shape: [2, 2], strides: [2, 2] },
        },
        {
          op: 'MaxUnpool',
          name: 'unpool',
          inputs: ['p', 'i'],
          outputs: ['y'],
          attrs: { kernel_shape: [2, 2], strides: [2, 2] },
        },
      ],
      outputs: ['y'],
    });
    const { r, by } = await costedAgainstOrt(bytes);
    expect(r.shapeOf('y')).toEqual([1, 3, 8, 8]);
    const u = by.get('unpool') as LayerCost;
    expect(u.flops).toBe(0);
    // reads the 48 values and their 48 indices, writes the 192 elements of the output
    expect(u.memoryAccess).toBe(48 + 48 + 192);
  });

  it('ReverseSequence moves the input as it is; Det: 2/3·M³ + M per matrix', async () => {
    const bytes = onnxModel({
      opset: 11,
      inputs: [
        { name: 'x', dims: [6, 2, 5] },
        { name: 'lens', dims: [2], type: 'int64' },
        { name: 'm', dims: [3, 4, 4] },
      ],
      nodes: [
        {
          op: 'ReverseSequence',
          name: 'rev',
          inputs: ['x', 'lens'],
          outputs: ['y'],
          attrs: { batch_axis: 1, time_axis: 0 },
        },
        { op: 'Det', name: 'det', inputs: ['m'], outputs: ['d'] },
      ],
      outputs: ['y', 'd'],
    });
    const { r, by } = await costedAgainstOrt(bytes);
    expect(r.shapeOf('y')).toEqual([6, 2, 5]);
    expect((by.get('rev') as LayerCost).memoryAccess).toBe(60 + 2 + 60);
    expect(r.shapeOf('d')).toEqual([3]);
    // three 4x4 matrices: ceil(2·64/3) = 43, + 4
    expect((by.get('det') as LayerCost).flops).toBe(3 * (43 + 4));
  });
});

describe('bitwise ops (opset 18)', () => {
  it('BitwiseAnd, Or, Xor, Not: 1 FLOP per element; folded values exact (12 & 10 = 8, ~(-6) = 5)', async () => {
    const bytes = onnxModel({
      opset: 18,
      inputs: [
        { name: 'a', dims: [2, 8], type: 'int32' },
        { name: 'b', dims: [2, 8], type: 'int32' },
      ],
      initializers: [
        { name: 'twelve', dims: [1], type: 'int64', values: [12] },
        { name: 'ten', dims: [1], type: 'int64', values: [10] },
        { name: 'shape', dims: [1], type: 'int64', values: [-6] },
        { name: 'one', dims: [1], type: 'int64', values: [1] },
      ],
      nodes: [
        { op: 'BitwiseAnd', name: 'and', inputs: ['a', 'b'], outputs: ['c'] },
        { op: 'BitwiseOr', name: 'or', inputs: ['c', 'b'], outputs: ['d'] },
        { op: 'BitwiseXor', name: 'xor', inputs: ['d', 'a'], outputs: ['e'] },
        { op: 'BitwiseNot', name: 'not', inputs: ['e'], outputs: ['f'] },
        // 12 & 10 = 8 and ~(-6) = 5: a Reshape to [8 - 5 - 1, 8] computed from constants
        { op: 'BitwiseAnd', inputs: ['twelve', 'ten'], outputs: ['eight'] },
        { op: 'BitwiseNot', inputs: ['shape'], outputs: ['five'] },
        { op: 'Sub', inputs: ['eight', 'five'], outputs: ['three'] },
        { op: 'Sub', inputs: ['three', 'one'], outputs: ['two'] },
        { op: 'Concat', inputs: ['two', 'eight'], outputs: ['target'], attrs: { axis: 0 } },
        { op: 'Reshape', name: 'view', inputs: ['f', 'target'], outputs: ['g'] },
        // the test models declare float outputs
        { op: 'Cast', name: 'float', inputs: ['g'], outputs: ['h'], attrs: { to: 1 } },
      ],
      outputs: ['h'],
    });
    const { r, by } = await costedAgainstOrt(bytes);
    expect(r.shapeOf('g')).toEqual([2, 8]);
    for (const op of ['and', 'or', 'xor', 'not']) expect((by.get(op) as LayerCost).flops).toBe(16);
  });
});
