/**
 * Audio, signal and the older normalisation ops, each against its closed form and onnxruntime's
 * shapes: a window, a spectrogram (STFT) and a mel filter bank, DFTs of a power-of-2 length and not,
 * Tile, InstanceNormalization, GroupNormalization, MeanVarianceNormalization and LRN.
 */
import { describe, expect, it } from 'vitest';
import type { LayerCost } from '../../src/cost/analyze.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { type AttrValue, onnxModel, type TensorSpec } from '../onnx-models.ts';
import { costedAgainstOrt } from '../ort-shapes.ts';

const int64 = (name: string, values: number[], dims: number[] = []): TensorSpec => ({
  name,
  dims,
  type: 'int64',
  values,
});
const floats = (name: string, dims: number[], v = 1): TensorSpec => ({
  name,
  dims,
  floats: new Array(dims.reduce((a, b) => a * b, 1)).fill(v),
});

/** One TfIdfVectorizer (opset 9) over integer tokens of `dims`, with these attributes, written to `y`. */
const tfidfModel = (dims: number[], type: 'int32' | 'int64', attrs: Record<string, AttrValue>) =>
  onnxModel({
    opset: 9,
    inputs: [{ name: 'tokens', dims, type }],
    nodes: [{ op: 'TfIdfVectorizer', name: 'tfidf', inputs: ['tokens'], outputs: ['y'], attrs }],
    outputs: ['y'],
  });

describe('audio front end (opset 17)', () => {
  it('Hann window, STFT of 16 kHz audio, DFTs: FFT counts for powers of 2, the direct sum otherwise', async () => {
    const bytes = onnxModel({
      opset: 17,
      inputs: [
        { name: 'audio', dims: [1, 1600, 1] },
        { name: 'x', dims: [2, 12, 1] },
      ],
      initializers: [int64('len', [400]), int64('step', [160]), int64('n', [512])],
      nodes: [
        { op: 'HannWindow', name: 'win', inputs: ['len'], outputs: ['w'] },
        { op: 'STFT', name: 'stft', inputs: ['audio', 'step', 'w'], outputs: ['spec'] },
        { op: 'DFT', name: 'dft12', inputs: ['x'], outputs: ['X'], attrs: { onesided: 1 } },
        { op: 'DFT', name: 'dft512', inputs: ['x', 'n'], outputs: ['Y'] },
      ],
      outputs: ['spec', 'X', 'Y'],
    });
    const { r, by } = await costedAgainstOrt(bytes);
    // frames: (1600 - 400) / 160 + 1 = 8; bins 400 / 2 + 1 = 201, real and imaginary
    expect(r.shapeOf('spec')).toEqual([1, 8, 201, 2]);
    expect((by.get('win') as LayerCost).flops).toBe(4 * 400);
    // 400 is no power of 2: per frame the window (400) and the direct sum, 8 per sample per bin
    expect((by.get('stft') as LayerCost).flops).toBe(8 * (400 + 8 * 400 * 201));
    // 12 samples, 7 bins, 2 transforms, direct; 512 (zero-padded): the FFT, 5·512·9 per transform
    expect((by.get('dft12') as LayerCost).flops).toBe(2 * 8 * 12 * 7);
    expect(r.shapeOf('Y')).toEqual([2, 512, 2]);
    expect((by.get('dft512') as LayerCost).flops).toBe(2 * 5 * 512 * 9);
  });

  it('MelWeightMatrix: [dft_length / 2 + 1, bins], 4 FLOPs per weight, no params', async () => {
    const bytes = onnxModel({
      opset: 17,
      inputs: [{ name: 'spec', dims: [8, 257] }],
      initializers: [
        int64('bins', [40]),
        int64('dft', [512]),
        int64('rate', [16000]),
        floats('lo', [], 20),
        floats('hi', [], 8000),
      ],
      nodes: [
        { op: 'MelWeightMatrix', name: 'mel', inputs: ['bins', 'dft', 'rate', 'lo', 'hi'], outputs: ['m'] },
        { op: 'MatMul', name: 'apply', inputs: ['spec', 'm'], outputs: ['y'] },
      ],
      outputs: ['y'],
    });
    const { r, by } = await costedAgainstOrt(bytes);
    expect(r.shapeOf('m')).toEqual([257, 40]);
    expect((by.get('mel') as LayerCost).flops).toBe(4 * 257 * 40);
    expect((by.get('mel') as LayerCost).params).toBe(0);
    expect((by.get('apply') as LayerCost).madds).toBe(8 * 257 * 40);
  });
});

describe('older normalisations and Tile', () => {
  it('InstanceNormalization: a scale and shift per channel; MVN over [0, 2, 3]; LRN 2·size + 4; Tile', async () => {
    const bytes = onnxModel({
      opset: 17,
      inputs: [{ name: 'x', dims: [2, 3, 4, 5] }],
      initializers: [floats('s', [3]), floats('b', [3], 0.5), int64('reps', [1, 2, 1, 3], [4])],
      nodes: [
        { op: 'InstanceNormalization', name: 'in', inputs: ['x', 's', 'b'], outputs: ['a'] },
        { op: 'MeanVarianceNormalization', name: 'mvn', inputs: ['a'], outputs: ['m'] },
        { op: 'LRN', name: 'lrn', inputs: ['m'], outputs: ['l'], attrs: { size: 3 } },
        { op: 'Tile', name: 'tile', inputs: ['l', 'reps'], outputs: ['y'] },
      ],
      outputs: ['y'],
    });
    const { r, by } = await costedAgainstOrt(bytes);
    const n = 2 * 3 * 4 * 5;
    expect((by.get('in') as LayerCost).params).toBe(6);
    // 7 per element and 2 per normalised row (2 samples x 3 channels)
    expect((by.get('in') as LayerCost).flops).toBe(7 * n + 2 * 6);
    // no scale or shift: 5 per element, rows = the 3 channels
    expect((by.get('mvn') as LayerCost).flops).toBe(5 * n + 2 * 3);
    expect((by.get('lrn') as LayerCost).flops).toBe((2 * 3 + 4) * n);
    expect(r.shapeOf('y')).toEqual([2, 6, 4, 15]);
    expect((by.get('tile') as LayerCost).memoryAccess).toBe(n + 6 * n);
  });

  it('GroupNormalization: scale and shift per group at opset 18, per channel at 21', async () => {
    const at = (opset: number, each: number) =>
      onnxModel({
        opset,
        inputs: [{ name: 'x', dims: [2, 6, 3, 4] }],
        initializers: [floats('s', [each]), floats('b', [each], 0.5)],
        nodes: [
          { op: 'GroupNormalization', name: 'gn', inputs: ['x', 's', 'b'], outputs: ['y'], attrs: { num_groups: 3 } },
        ],
        outputs: ['y'],
      });
    const n = 2 * 6 * 3 * 4;
    for (const [opset, each] of [
      [18, 3],
      [21, 6],
    ]) {
      const { r, by } = await costedAgainstOrt(at(opset, each));
      const gn = by.get('gn') as LayerCost;
      expect(gn.params, `opset ${opset}`).toBe(2 * each);
      // 7 per element, 2 per normalised row: 2 samples x 3 groups of 2 channels x 12 positions
      expect(gn.flops, `opset ${opset}`).toBe(7 * n + 2 * 6);
      expect(r.shapeOf('y')).toEqual([2, 6, 3, 4]);
    }
    // a group count that does not divide the channels: named, not a wrong count
    await expect(
      costedAgainstOrt(
        onnxModel({
          opset: 21,
          inputs: [{ name: 'x', dims: [2, 6, 3, 4] }],
          initializers: [floats('s', [6]), floats('b', [6])],
          nodes: [
            { op: 'GroupNormalization', name: 'gn', inputs: ['x', 's', 'b'], outputs: ['y'], attrs: { num_groups: 4 } },
          ],
          outputs: ['y'],
        }),
      ),
    ).rejects.toThrow(/num_groups 4 must be a whole number from 1 that divides the 6 channels/);
  });

  it('TfIdfVectorizer: n token compares per candidate n-gram of each row, skips counted by hand', async () => {
    const bytes = tfidfModel([2, 6], 'int32', {
      mode: 'TFIDF',
      min_gram_length: 1,
      max_gram_length: 2,
      max_skip_count: 2,
      ngram_counts: [0, 4],
      ngram_indexes: [0, 1, 2, 3, 4, 5, 6],
      pool_int64s: [2, 3, 5, 4, 5, 6, 7, 8, 6, 7],
      weights: { floats: [1, 1, 1, 1, 1, 1, 1] },
    });
    const { r, by } = await costedAgainstOrt(bytes, { tokens: [1, 1, 3, 3, 3, 7, 8, 6, 7, 5, 6, 8] });
    expect(r.shapeOf('y')).toEqual([2, 7]);
    const t = by.get('tfidf') as LayerCost;
    // a row of 6 tokens: 6 unigrams (1 compare each); bigrams 5 adjacent, 4 one apart, 3 two apart
    // (2 compares each): 6 + 24 = 30 per row; and 14 weighted counts written
    expect(t.flops).toBe(2 * 30 + 14);
    // reads 12 tokens, a pool of 10 and 7 weights, writes 14
    expect(t.memoryAccess).toBe(12 + 10 + 7 + 14);
    expect(t.params).toBe(0);
  });

  it('TfIdfVectorizer with 300,000 pooled n-grams reads (its widest index found without an argument list)', () => {
    const n = 300_000;
    const bytes = tfidfModel([4], 'int64', {
      mode: 'TF',
      min_gram_length: 1,
      max_gram_length: 1,
      max_skip_count: 0,
      ngram_counts: [0],
      ngram_indexes: Array.from({ length: n }, (_, i) => i),
      pool_int64s: Array.from({ length: n }, (_, i) => i),
    });
    const r = importOnnx(bytes, { file: 'big-pool.onnx' });
    expect(r.shapeOf('y')).toEqual([n]);
  });
});
