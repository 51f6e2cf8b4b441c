/**
 * The last standard ops netcost lacked (issue 29): LpNormalization, LpPool and GlobalLpPool,
 * MaxRoiPool, DeformConv (closed form only), the random ops with a shape attribute and Multinomial,
 * AffineGrid, Col2Im and CenterCropPad; and the ops it has no rule for say why. Each against
 * onnxruntime's shapes and its closed form.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, type LayerCost } from '../../src/cost/analyze.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { opCoverageMarkdown } from '../../src/onnx/op-coverage.ts';
import { cli } from '../helpers.ts';
import { type NodeSpec, onnxModel, type TensorSpec } from '../onnx-models.ts';
import { costedAgainstOrt } from '../ort-shapes.ts';

const int64 = (name: string, values: number[]): TensorSpec => ({ name, dims: [values.length], ints: values });

/** Nodes on one float input x, read as a user would, checked against onnxruntime; the layers by name. */
async function layers(
  x: number[],
  nodes: NodeSpec[],
  outputs: string[],
  opts: { opset?: number; inits?: TensorSpec[] } = {},
) {
  const bytes = onnxModel({
    inputs: [{ name: 'x', dims: x }],
    initializers: opts.inits ?? [],
    nodes,
    outputs,
    opset: opts.opset ?? 17,
  });
  const { r, by } = await costedAgainstOrt(bytes);
  return { r, at: (name: string) => by.get(name) as LayerCost };
}

describe('norms and Lp pooling', () => {
  it('LpNormalization: 3 FLOPs per element, +1 per row for the root of an L2 norm', async () => {
    const { at } = await layers(
      [2, 3, 4],
      [
        { op: 'LpNormalization', name: 'l2', inputs: ['x'], outputs: ['a'] },
        { op: 'LpNormalization', name: 'l1', inputs: ['a'], outputs: ['y'], attrs: { axis: 1, p: 1 } },
      ],
      ['y'],
    );
    // 24 elements; 6 rows of 4 along the last axis
    expect(at('l2').flops).toBe(3 * 24 + 6);
    expect(at('l1').flops).toBe(3 * 24);
  });

  it('LpPool: 2k FLOPs per output (k powers, k-1 adds, the root); GlobalLpPool as ReduceL2 and ReduceL1', async () => {
    const { r, at } = await layers(
      [1, 2, 5, 5],
      [
        { op: 'LpPool', name: 'lp', inputs: ['x'], outputs: ['a'], attrs: { kernel_shape: [3, 3], p: 2 } },
        { op: 'GlobalLpPool', name: 'g2', inputs: ['x'], outputs: ['b'] },
        { op: 'GlobalLpPool', name: 'g1', inputs: ['x'], outputs: ['c'], attrs: { p: 1 } },
      ],
      ['a', 'b', 'c'],
      { opset: 18 },
    );
    expect(r.shapeOf('a')).toEqual([1, 2, 3, 3]);
    expect(at('lp').flops).toBe(2 * 18 * 9);
    // square and add per element, a root per channel; L1: absolute value and add
    expect(at('g2').flops).toBe(2 * 50 + 2);
    expect(at('g1').flops).toBe(2 * 50);
    expect(r.shapeOf('b')).toEqual([1, 2, 1, 1]);
  });
});

describe('MaxRoiPool', () => {
  it('each bin the max of its values, counted for a box as large as the map', async () => {
    const bytes = onnxModel({
      inputs: [{ name: 'x', dims: [1, 4, 12, 10] }],
      initializers: [{ name: 'rois', dims: [3, 5], floats: [0, 0, 0, 9, 11, 0, 1, 1, 5, 5, 0, 2, 2, 8, 8] }],
      nodes: [
        { op: 'MaxRoiPool', name: 'pool', inputs: ['x', 'rois'], outputs: ['y'], attrs: { pooled_shape: [3, 2] } },
      ],
      outputs: ['y'],
    });
    const { r, by } = await costedAgainstOrt(bytes);
    expect(r.shapeOf('y')).toEqual([3, 4, 3, 2]);
    // bins of ceil(12/3) x ceil(10/2) = 4 x 5 values
    expect((by.get('pool') as LayerCost).flops).toBe(3 * 4 * 3 * 2 * 20);
  });
});

describe('random tensors', () => {
  it('RandomNormal and RandomUniform of a shape: 4 and 2 FLOPs per element; Multinomial draws per row', async () => {
    const { r, at } = await layers(
      [2, 10],
      [
        { op: 'RandomNormal', name: 'rn', inputs: [], outputs: ['n'], attrs: { shape: [2, 10] } },
        { op: 'RandomUniform', name: 'ru', inputs: [], outputs: ['u'], attrs: { shape: [2, 10] } },
        { op: 'Add', name: 'add', inputs: ['x', 'n'], outputs: ['s'] },
        { op: 'Add', name: 'add2', inputs: ['s', 'u'], outputs: ['y'] },
        { op: 'Multinomial', name: 'mn', inputs: ['y'], outputs: ['i'], attrs: { sample_size: 3 } },
        { op: 'Cast', name: 'back', inputs: ['i'], outputs: ['z'], attrs: { to: 1 } },
      ],
      ['z'],
    );
    expect(at('rn').flops).toBe(4 * 20);
    expect(at('ru').flops).toBe(2 * 20);
    expect(r.shapeOf('i')).toEqual([2, 3]);
    // per row 10 exponentials and 10 adds; per sample a draw and ceil(log2 10) = 4 compares
    expect(at('mn').flops).toBe(2 * 2 * 10 + 6 * (1 + 4));
  });
});

describe('image geometry (opsets 18 and 20)', () => {
  it('AffineGrid: an affine map per grid point, 2·3 multiply-adds in 2-D', async () => {
    const { r, at } = await layers(
      [2, 2, 3],
      [{ op: 'AffineGrid', name: 'grid', inputs: ['x', 'size'], outputs: ['y'] }],
      ['y'],
      { opset: 20, inits: [int64('size', [2, 3, 4, 5])] },
    );
    expect(r.shapeOf('y')).toEqual([2, 4, 5, 2]);
    expect(at('grid').madds).toBe(2 * 4 * 5 * 2 * 3);
    expect(at('grid').flops).toBe(2 * 240);
  });

  it('Col2Im: 2x2 blocks of 5 channels summed back into a 5x5 image, 1 FLOP per input element', async () => {
    const { r, at } = await layers(
      [1, 20, 16],
      [{ op: 'Col2Im', name: 'fold', inputs: ['x', 'image', 'block'], outputs: ['y'] }],
      ['y'],
      { opset: 18, inits: [int64('image', [5, 5]), int64('block', [2, 2])] },
    );
    expect(r.shapeOf('y')).toEqual([1, 5, 5, 5]);
    expect(at('fold').flops).toBe(20 * 16);
  });

  it('CenterCropPad: axes cropped and padded to the target, a copy', async () => {
    const { r, at } = await layers(
      [3, 10, 8],
      [{ op: 'CenterCropPad', name: 'ccp', inputs: ['x', 'shape'], outputs: ['y'], attrs: { axes: [1, 2] } }],
      ['y'],
      { opset: 18, inits: [int64('shape', [6, 12])] },
    );
    expect(r.shapeOf('y')).toEqual([3, 6, 12]);
    expect([at('ccp').flops, at('ccp').memoryAccess]).toEqual([0, 3 * 10 * 8 + 3 * 6 * 12]);
  });

  it('Col2Im whose blocks do not tile the image: the numbers, not a wrong count', () => {
    const bytes = onnxModel({
      inputs: [{ name: 'x', dims: [1, 20, 15] }],
      initializers: [int64('image', [5, 5]), int64('block', [2, 2])],
      nodes: [{ op: 'Col2Im', name: 'fold', inputs: ['x', 'image', 'block'], outputs: ['y'] }],
      outputs: ['y'],
      opset: 18,
    });
    expect(() => importOnnx(bytes, { file: 'm.onnx' })).toThrow(/must be \[N, C·4, 16\]/);
  });
});

describe('DeformConv (opset 19)', () => {
  it("the convolution's multiply-adds, and per sampled value the offset, a bilinear sample and the mask", async () => {
    // X [1, 4, 6, 6], a 3x3 kernel to 8 channels in 2 groups, padding 1: a 6x6 output; offsets and a mask
    const bytes = onnxModel({
      inputs: [
        { name: 'x', dims: [1, 4, 6, 6] },
        { name: 'off', dims: [1, 18, 6, 6] },
        { name: 'mask', dims: [1, 9, 6, 6] },
      ],
      initializers: [
        { name: 'w', dims: [8, 2, 3, 3], floats: new Array(144).fill(0.1) },
        { name: 'b', dims: [8], floats: new Array(8).fill(0) },
      ],
      nodes: [
        {
          op: 'DeformConv',
          name: 'dc',
          inputs: ['x', 'w', 'off', 'b', 'mask'],
          outputs: ['y'],
          attrs: { group: 2, pads: [1, 1, 1, 1] },
        },
      ],
      outputs: ['y'],
      opset: 19,
    });
    const r = importOnnx(bytes, { file: 'dc.onnx' });
    expect(r.warnings).toEqual([]);
    expect(r.shapeOf('y')).toEqual([1, 8, 6, 6]);
    const dc = analyze(r.graph).layers.find((l) => l.name === 'dc') as LayerCost;
    expect(dc.params).toBe(144 + 8);
    const madds = 8 * 36 * 2 * 9;
    expect(dc.madds).toBe(madds);
    // 4 channels x 36 positions x 9 taps sampled, each 2 + 12 + 1
    expect(dc.flops).toBe(2 * madds + 8 * 36 + 4 * 36 * 9 * 15);
    // an offset of the wrong size is named with the size it must have
    const bad = onnxModel({
      inputs: [
        { name: 'x', dims: [1, 4, 6, 6] },
        { name: 'off', dims: [1, 9, 6, 6] },
      ],
      initializers: [{ name: 'w', dims: [8, 4, 3, 3], floats: new Array(288).fill(0.1) }],
      nodes: [
        { op: 'DeformConv', name: 'dc', inputs: ['x', 'w', 'off'], outputs: ['y'], attrs: { pads: [1, 1, 1, 1] } },
      ],
      outputs: ['y'],
      opset: 19,
    });
    expect(() => importOnnx(bad, { file: 'dc.onnx' })).toThrow(/the offset \[1, 9, 6, 6\] must be \[1, 18, 6, 6\]/);
  });
});

describe('ops without a rule say why', () => {
  it('StringNormalizer counted as 0 says why; README lists every op without a rule with its reason', () => {
    const bytes = onnxModel({
      inputs: [{ name: 'x', dims: [2, 6], type: 'int64' }],
      nodes: [
        { op: 'StringNormalizer', name: 'norm', inputs: ['x'], outputs: ['y'], attrs: { case_change_action: 'LOWER' } },
      ],
      outputs: ['y'],
      outputShapes: { y: [2, 6] },
      opset: 17,
    });
    const r = importOnnx(bytes, { file: 'm.onnx' });
    expect(r.warnings.join('\n')).toMatch(
      /no cost rule for StringNormalizer x1: counted as 0 .*; StringNormalizer: text processing on string tensors/,
    );
    const table = opCoverageMarkdown();
    for (const op of ['SequenceMap', 'StringSplit', 'ImageDecoder', 'Optional']) expect(table).toContain(op);
    expect(table).toContain('| default-domain ops without a rule | why |');
    // the sequence ops are read, by the graph reader itself
    expect(table).toMatch(/read by the graph reader \| 12 \| .*SequenceAt/);
  });
});

describe('models the reader once refused', () => {
  it('an output that folds entirely from given values: reported with a note, counts 0, the CLI prints it', () => {
    const bytes = onnxModel({
      inputs: [{ name: 'shape', dims: [2], type: 'int64' }],
      nodes: [{ op: 'ConstantOfShape', name: 'fill', inputs: ['shape'], outputs: ['y'] }],
      outputs: ['y'],
    });
    const r = importOnnx(bytes, { file: 'fill.onnx', values: { shape: [4, 3] } });
    expect(r.shapeOf('y')).toEqual([4, 3]);
    expect(r.notes.join(' ')).toMatch(/graph output 'y' is a constant .* cost nothing here/);
    expect(analyze(r.graph).totals.flops).toBe(0);
    const file = join(mkdtempSync(join(tmpdir(), 'netcost-fold-')), 'fill.onnx');
    writeFileSync(file, bytes);
    const out = cli(['report', file, '--value', 'shape=4,3']);
    expect([out.code, out.stderr]).toEqual([0, '']);
    expect(out.stdout).toMatch(/is a constant/);
  });

  it('ConvTranspose with an output_shape past the kernels: the rest is output padding', async () => {
    // ONNX's test_convtranspose_output_shape: [1, 1, 3, 3] by 3x3 kernels, strides 3 and 2, to 10x8
    const { r, at } = await layers(
      [1, 1, 3, 3],
      [
        {
          op: 'ConvTranspose',
          name: 'up',
          inputs: ['x', 'w'],
          outputs: ['y'],
          attrs: { strides: [3, 2], output_shape: [10, 8] },
        },
      ],
      ['y'],
      { inits: [{ name: 'w', dims: [1, 2, 3, 3], floats: new Array(18).fill(1) }] },
    );
    expect(r.shapeOf('y')).toEqual([1, 2, 10, 8]);
    // the multiply-adds do not depend on the output's size: 9 inputs x 2 channels x 9 taps
    expect(at('up').madds).toBe(9 * 2 * 9);
  });

  it('BatchNormalization in training mode: batch statistics, the running mean and variance as outputs', async () => {
    const c = (name: string) => ({ name, dims: [3], floats: [0.5, 1, 2] });
    const { r, at } = await layers(
      [2, 3, 4, 5],
      [
        {
          op: 'BatchNormalization',
          name: 'bn',
          inputs: ['x', 's', 'b', 'm', 'v'],
          outputs: ['y', 'mean', 'var'],
          attrs: { training_mode: 1 },
        },
      ],
      ['y', 'mean', 'var'],
      { opset: 15, inits: ['s', 'b', 'm', 'v'].map(c) },
    );
    expect([r.shapeOf('y'), r.shapeOf('mean'), r.shapeOf('var')]).toEqual([[2, 3, 4, 5], [3], [3]]);
    // 120 elements: 6 FLOPs each (mean; variance's subtract, square, add; y = a·x + b), 10 per channel
    expect(at('bn').flops).toBe(6 * 120 + 10 * 3);
    expect(at('bn').params).toBe(6);
  });

  it('Range over inputs: refused with the values to give, then read for the values given', () => {
    const scalar = (name: string) => ({ name, dims: [] });
    const bytes = onnxModel({
      inputs: ['start', 'limit', 'delta'].map(scalar),
      initializers: [],
      nodes: [{ op: 'Range', name: 'r', inputs: ['start', 'limit', 'delta'], outputs: ['y'] }],
      outputs: ['y'],
      opset: 11,
    });
    expect(() => importOnnx(bytes, { file: 'range.onnx' })).toThrow(
      /start \(input 0\) must be a constant; give its value with --value/,
    );
    // ONNX's test_range_float_type_positive_delta: 1 to 5 by 2 is [1, 3]
    const r = importOnnx(bytes, { file: 'range.onnx', values: { start: [1], limit: [5], delta: [2] } });
    expect(r.shapeOf('y')).toEqual([2]);
  });
});
