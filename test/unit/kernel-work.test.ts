/**
 * What the engine's planned kernels carry for pricing, against shapes worked out by hand: a Gemm
 * fused with its ReLU (FusedGemm) keeps its product's shape, a transpose carries the contiguous
 * block it copies (the trailing axes its permutation leaves in place), a plain convolution the
 * row runs its im2col copies, and every kernel the work of the kernel that wrote its input.
 */
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../../src/onnx/import.ts';
import { withNodeNames } from '../../src/onnx/node-names.ts';
import { im2colRuns } from '../../src/predict/classes.ts';
import { planKernels } from '../../src/predict/plan.ts';
import { Builder, type SweepModel } from '../../src/predict/sweep-builder.ts';

const RULES = { onnxruntime: '1.30.0', level: 'all', block: 16 } as const;

function plan(m: SweepModel) {
  const bytes = withNodeNames(m.bytes, [m.input]);
  return planKernels(importOnnx(bytes, { file: m.name }), RULES);
}

describe('kernel work', () => {
  it('a Gemm with its ReLU fused (FusedGemm) keeps the GEMM shape: M 8, N 32, K 64', () => {
    const b = new Builder('fc-relu', [8, 64]);
    const y = b.op('Gemm', [b.input.name, b.weight([64, 32], 64), b.weight([32], 1)], [8, 32]);
    const [k] = plan(b.build(b.unary('Relu', y))).filter((k) => k.op === 'FusedGemm');
    expect(k?.cls).toBe('gemm');
    expect(k?.work.gemm).toEqual({ m: 8, n: 32, k: 64, batch: 1 });
    expect(k?.work.activation).toBe('Relu');
  });

  it.each([
    // a channel shuffle of [1, 2, 8, 5, 6]: blocks of 5 x 6
    [[1, 2, 8, 5, 6], [0, 2, 1, 3, 4], 30],
    // heads out of tokens, [1, 16, 4, 8] -> [1, 4, 16, 8]: blocks of a head's 8
    [[1, 16, 4, 8], [0, 2, 1, 3], 8],
    // the key transpose, [1, 16, 4, 8] -> [1, 4, 8, 16]: single elements
    [[1, 16, 4, 8], [0, 2, 3, 1], 1],
  ])('a transpose of %j by %j copies blocks of %i elements', (shape, perm, run) => {
    const b = new Builder('t', shape);
    const t = b.transpose(b.unary('Relu', b.input), perm);
    const [k] = plan(b.build(b.unary('Sigmoid', t))).filter((k) => k.op === 'Transpose');
    expect(k?.cls).toBe('transpose');
    expect(k?.work.run).toBe(run);
  });

  it.each([
    // 21 channels (no whole block: plain), 7x7 depthwise at stride 1 on 15x15, batch 2: per channel
    // 49 window elements x 2 x 15 output rows
    [[2, 21, 15, 15], 7, 1, 21, 'conv-plain-depthwise', 21 * 49 * 2 * 15],
    // stride 2 on 15x15: 8 output rows
    [[1, 21, 15, 15], 5, 2, 21, 'conv-plain-depthwise', 21 * 25 * 8],
    // dense 3x3, 21 -> 10 channels (plain): 9 x 21 input channels x 15 rows, in one group
    [[1, 21, 15, 15], 3, 1, 1, 'conv-plain', 9 * 21 * 15],
    // a 1x1 window at stride 1 multiplies the input in place: no im2col
    [[1, 21, 15, 15], 1, 1, 1, 'conv-plain', 0],
  ])(
    'a plain convolution of %j, window %i, stride %i, groups %i (%s): %i im2col row runs',
    (shape, k, s, g, cls, runs) => {
      const b = new Builder('c', shape);
      const y = b.conv(b.unary('Abs', b.input), g === 1 ? 10 : shape[1], k, { stride: s, groups: g });
      const [c] = plan(b.build(b.unary('Sigmoid', y))).filter((x) => x.op.endsWith('Conv'));
      expect(c?.cls).toBe(cls);
      expect(im2colRuns(c.work)).toBe(runs);
    },
  );
});

describe("a kernel's producer", () => {
  it('is the kernel that wrote its input, through reshapes (a shuffle after a blocked convolution)', () => {
    // [1, 8, 6, 6] -> Abs -> conv 3x3 (blocked, then ReorderOutput) -> reshape -> transpose -> reshape -> sigmoid
    const b = new Builder('shuffle', [1, 8, 6, 6]);
    const y = b.conv(b.unary('Abs', b.input), 8, 3);
    const t = b.transpose(b.reshape(y, [1, 2, 4, 6, 6]), [0, 2, 1, 3, 4]);
    const ks = plan(b.build(b.unary('Sigmoid', b.reshape(t, [1, 8, 6, 6]))));
    const by = (op: string) => ks.find((k) => k.op === op);
    const made = (op: string) => ({ bytes: by(op)?.work.bytes, flops: by(op)?.work.flops });
    expect(by('Transpose')?.producer).toEqual(made('ReorderOutput'));
    expect(by('ReorderOutput')?.producer).toEqual(made('Conv'));
    // the Sigmoid reads the second reshape, which reads the transpose
    expect(by('Sigmoid')?.producer).toEqual(made('Transpose'));
    // the first kernel reads the model's input
    expect(by('Abs')?.producer).toBeUndefined();
  });
});
