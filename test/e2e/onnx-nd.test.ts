/**
 * Convolutions and pooling of spatial rank 1, 2 and 3 (a video network's Conv3d, an audio
 * network's Conv1d), each against its closed form and against onnxruntime's shapes.
 */
import { describe, expect, it } from 'vitest';
import { analyze, type LayerCost } from '../../src/cost/analyze.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { onnxModel } from '../onnx-models.ts';
import { shapeMismatches } from '../ort-shapes.ts';

const byName = (layers: LayerCost[]) => new Map(layers.map((l) => [l.name, l]));
const zeros = (name: string, dims: number[]) => ({ name, dims });

describe('spatial rank 1, 2 and 3', () => {
  it('a video block: Conv3d (strided, padded), BN, ReLU, MaxPool3d, ConvTranspose3d, AvgPool3d, GAP', async () => {
    // input 1x3x8x16x16; conv 3->8, kernel 3x3x3, stride (1,2,2), pad 1: out 1x8x8x8x8
    const bytes = onnxModel({
      inputs: [{ name: 'x', dims: [1, 3, 8, 16, 16] }],
      initializers: [
        zeros('w', [8, 3, 3, 3, 3]),
        zeros('b', [8]),
        ...['s', 'sh', 'm', 'v'].map((n) => zeros(n, [8])),
        zeros('wt', [8, 4, 2, 2, 2]),
      ],
      nodes: [
        {
          op: 'Conv',
          name: 'conv',
          inputs: ['x', 'w', 'b'],
          outputs: ['c'],
          attrs: { kernel_shape: [3, 3, 3], strides: [1, 2, 2], pads: [1, 1, 1, 1, 1, 1] },
        },
        { op: 'BatchNormalization', name: 'bn', inputs: ['c', 's', 'sh', 'm', 'v'], outputs: ['n'] },
        { op: 'Relu', name: 'relu', inputs: ['n'], outputs: ['r'] },
        {
          op: 'MaxPool',
          name: 'pool',
          inputs: ['r'],
          outputs: ['p'],
          attrs: { kernel_shape: [1, 2, 2], strides: [1, 2, 2] },
        },
        // transposed 3-D conv 8->4, kernel 2, stride 2: 1x8x8x4x4 -> 1x4x16x8x8
        { op: 'ConvTranspose', name: 'up', inputs: ['p', 'wt'], outputs: ['u'], attrs: { strides: [2, 2, 2] } },
        {
          op: 'AveragePool',
          name: 'avg',
          inputs: ['u'],
          outputs: ['a'],
          attrs: { kernel_shape: [2, 2, 2], strides: [2, 2, 2] },
        },
        { op: 'GlobalAveragePool', name: 'gap', inputs: ['a'], outputs: ['y'] },
      ],
      outputs: ['y'],
    });
    const r = importOnnx(bytes, { file: 'video.onnx' });
    expect(r.warnings).toEqual([]);
    expect((await shapeMismatches(bytes, r)).wrong).toEqual([]);
    const by = byName(analyze(r.graph).layers);
    const conv = by.get('conv') as LayerCost;
    expect(conv.outputShape).toEqual([1, 8, 8, 8, 8]);
    // MAdds: 8·8·8·8 outputs · 3 input channels · 27 kernel positions; params 8·3·27 + 8
    expect(conv.madds).toBe(8 * 8 * 8 * 8 * 3 * 27);
    expect(conv.params).toBe(8 * 3 * 27 + 8);
    // MAC: input 3·8·16·16 + weights and bias + output 8·8·8·8
    expect(conv.memoryAccess).toBe(3 * 8 * 16 * 16 + (8 * 3 * 27 + 8) + 8 * 8 * 8 * 8);
    expect(conv.category).toBe('conv');
    const pool = by.get('pool') as LayerCost;
    expect(pool.outputShape).toEqual([1, 8, 8, 4, 4]);
    // a 1x2x2 window: 3 comparisons per output element
    expect(pool.flops).toBe(8 * 8 * 4 * 4 * 3);
    const up = by.get('up') as LayerCost;
    expect(up.outputShape).toEqual([1, 4, 16, 8, 8]);
    // every input element scatters into 4 channels · 8 positions
    expect(up.madds).toBe(8 * 8 * 4 * 4 * 4 * 8);
    expect((by.get('avg') as LayerCost).flops).toBe(4 * 8 * 4 * 4 * 8);
    const gap = by.get('gap') as LayerCost;
    expect(gap.outputShape).toEqual([1, 4, 1, 1, 1]);
    expect(gap.flops).toBe(4 * 8 * 4 * 4);
  });

  it('an audio block: Conv1d (dilated, grouped), MaxPool1d, depthwise Conv1d (SAME_UPPER)', async () => {
    const bytes = onnxModel({
      inputs: [{ name: 'x', dims: [2, 4, 100] }],
      initializers: [zeros('w', [8, 2, 5]), zeros('dw', [8, 1, 3])],
      nodes: [
        {
          op: 'Conv',
          name: 'conv',
          inputs: ['x', 'w'],
          outputs: ['c'],
          attrs: { group: 2, dilations: [2], pads: [4, 4], strides: [3] },
        },
        { op: 'MaxPool', name: 'pool', inputs: ['c'], outputs: ['p'], attrs: { kernel_shape: [3], pads: [1, 1] } },
        { op: 'Conv', name: 'dw', inputs: ['p', 'dw'], outputs: ['y'], attrs: { group: 8, auto_pad: 'SAME_UPPER' } },
      ],
      outputs: ['y'],
    });
    const r = importOnnx(bytes, { file: 'audio.onnx' });
    expect((await shapeMismatches(bytes, r)).wrong).toEqual([]);
    const by = byName(analyze(r.graph).layers);
    const conv = by.get('conv') as LayerCost;
    // dilation 2 spans 9 positions: (100 + 8 - 9) / 3 + 1 = 34
    expect(conv.outputShape).toEqual([2, 8, 34]);
    expect(conv.madds).toBe(2 * 8 * 34 * 2 * 5);
    expect((by.get('pool') as LayerCost).flops).toBe(2 * 8 * 34 * 2);
    const dw = by.get('dw') as LayerCost;
    expect(dw.category).toBe('depthwise-conv');
    expect(dw.madds).toBe(2 * 8 * 34 * 3);
  });

  it('a kernel_shape that disagrees with the weight, and an unknown auto_pad, are errors naming the node', () => {
    const conv = (attrs: Record<string, string | number[]>) =>
      onnxModel({
        inputs: [{ name: 'x', dims: [1, 3, 8, 8] }],
        initializers: [zeros('w', [4, 3, 3, 3])],
        nodes: [{ op: 'Conv', name: 'c', inputs: ['x', 'w'], outputs: ['y'], attrs }],
        outputs: ['y'],
      });
    expect(() => importOnnx(conv({ kernel_shape: [5, 5] }), { file: 'k.onnx' })).toThrow(
      /node 'c' \(Conv\): kernel_shape \[5, 5\] disagrees with the weight's kernel \[3, 3\]/,
    );
    expect(() => importOnnx(conv({ auto_pad: 'EVIL' }), { file: 'a.onnx' })).toThrow(
      /node 'c' \(Conv\): auto_pad 'EVIL' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID/,
    );
    expect(() => importOnnx(conv({ strides: [1, 1, 1] }), { file: 's.onnx' })).toThrow(
      /strides \[1, 1, 1\] has 3 values; this 2-D window needs 2/,
    );
  });
});

describe('a ConvTranspose whose weight the graph computes (ONNX node tests)', () => {
  it('reads the weight as an input, not a param; shapes and multiply-adds as with a stored weight', async () => {
    const bytes = onnxModel({
      opset: 13,
      inputs: [
        { name: 'x', dims: [1, 4, 5, 5] },
        { name: 'w', dims: [4, 2, 3, 3] },
      ],
      initializers: [{ name: 'b', dims: [2], floats: [0.1, 0.2] }],
      nodes: [{ op: 'ConvTranspose', name: 'up', inputs: ['x', 'w', 'b'], outputs: ['y'], attrs: { strides: [2, 2] } }],
      outputs: ['y'],
    });
    const r = importOnnx(bytes, { file: 'up.onnx' });
    expect((await shapeMismatches(bytes, r)).wrong).toEqual([]);
    expect(r.shapeOf('y')).toEqual([1, 2, 11, 11]);
    const [l] = analyze(r.graph).layers;
    // the stored bias only; 100 inputs x 2 outputs x 9 taps
    expect(l.params).toBe(2);
    expect(l.madds).toBe(100 * 2 * 9);
    // reads x (100) and the weight as an input (72), the bias (2); writes 242
    expect(l.memoryAccess).toBe(100 + 72 + 2 + 242);
  });
});
