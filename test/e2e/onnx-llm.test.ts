/**
 * The ops language-model exports carry, each against its closed form and onnxruntime's shapes: a
 * decoder step with a 4-bit embedding table (GatherBlockQuantized), 4-bit projections
 * (MatMulNBits), rotary embeddings and grouped-query attention over a key-value cache; ONNX's own
 * RotaryEmbedding and Attention (opset 23); BiasAdd and BiasSplitGelu (no CPU kernel: closed forms only).
 */
import { describe, expect, it } from 'vitest';
import { analyze, type CostReport, type LayerCost } from '../../src/cost/analyze.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { onnxModel, type TensorSpec } from '../onnx-models.ts';
import { shapeMismatches } from '../ort-shapes.ts';

const ms = 'com.microsoft';
const numel = (d: number[]) => d.reduce((a, b) => a * b, 1);
const floats = (name: string, dims: number[], v = 0.01): TensorSpec => ({
  name,
  dims,
  floats: new Array(numel(dims)).fill(v),
});
const bytes = (name: string, dims: number[]): TensorSpec => ({
  name,
  dims,
  type: 'uint8',
  values: Array.from({ length: numel(dims) }, (_, i) => (i * 37) % 256),
});
const ints = (name: string, dims: number[], values: number[], type: 'int32' | 'int64'): TensorSpec => ({
  name,
  dims,
  type,
  values,
});
const byName = (r: CostReport) => new Map(r.layers.map((l) => [l.name, l as LayerCost]));

/** A weight of K x N in 4 bits, blocks of 32 along K: B, scales, packed zero points. */
const nbits = (w: string, k: number, n: number): TensorSpec[] => [
  bytes(`${w}.B`, [n, k / 32, 16]),
  floats(`${w}.s`, [n * (k / 32)]),
  bytes(`${w}.zp`, [n, Math.ceil(((k / 32) * 4) / 8)]),
];
const matMulNBits = (name: string, x: string, w: string, k: number, n: number, bias = false) => ({
  op: 'MatMulNBits',
  domain: ms,
  name,
  inputs: [x, `${w}.B`, `${w}.s`, `${w}.zp`, ...(bias ? ['', `${w}.bias`] : [])],
  outputs: [name],
  attrs: { K: k, N: n, bits: 4, block_size: 32 },
});

/**
 * One decoder step: 3 new tokens after 5 cached, hidden 64, 4 query heads and 2 key-value heads
 * of 16, a vocabulary of 32 stored in 4 bits.
 */
function decoderStep(): Uint8Array {
  return onnxModel({
    opset: 17,
    opsets: { [ms]: 1 },
    inputs: [
      { name: 'ids', dims: [1, 3], type: 'int64' },
      { name: 'past_k', dims: [1, 2, 5, 16] },
      { name: 'past_v', dims: [1, 2, 5, 16] },
    ],
    initializers: [
      bytes('table', [32, 32]),
      floats('table.s', [32, 2]),
      ...nbits('wq', 64, 64),
      floats('wq.bias', [64]),
      ...nbits('wk', 64, 32),
      ...nbits('wv', 64, 32),
      floats('cos', [16, 8], 1),
      floats('sin', [16, 8], 0),
      ints('pos', [1, 3], [5, 6, 7], 'int64'),
      ints('seqlens', [1], [7], 'int32'),
      ints('total', [], [8], 'int32'),
    ],
    nodes: [
      {
        op: 'GatherBlockQuantized',
        domain: ms,
        name: 'embed',
        inputs: ['table', 'ids', 'table.s'],
        outputs: ['h'],
        attrs: { bits: 4, block_size: 32, gather_axis: 0, quantize_axis: 1 },
      },
      matMulNBits('q', 'h', 'wq', 64, 64, true),
      matMulNBits('k', 'h', 'wk', 64, 32),
      matMulNBits('v', 'h', 'wv', 64, 32),
      { op: 'RotaryEmbedding', domain: ms, name: 'rq', inputs: ['q', 'pos', 'cos', 'sin'], outputs: ['qr'] },
      { op: 'RotaryEmbedding', domain: ms, name: 'rk', inputs: ['k', 'pos', 'cos', 'sin'], outputs: ['kr'] },
      {
        op: 'GroupQueryAttention',
        domain: ms,
        name: 'gqa',
        inputs: ['qr', 'kr', 'v', 'past_k', 'past_v', 'seqlens', 'total'],
        outputs: ['y', 'present_k', 'present_v'],
        attrs: { num_heads: 4, kv_num_heads: 2 },
      },
    ],
    outputs: ['y', 'present_k', 'present_v'],
  });
}

describe('a decoder step of a 4-bit language model (com.microsoft)', () => {
  const model = decoderStep();
  // the token ids are fed at run time (onnxruntime gets small made-up ids, within the table)
  const r = importOnnx(model, { file: 'step.onnx' });
  const by = byName(analyze(r.graph));
  const at = (name: string) => by.get(name) as LayerCost;

  it("reads every node with onnxruntime's shapes, the cache grown by the step's tokens", async () => {
    expect(r.warnings).toEqual([]);
    expect(r.graph.layers.map((l) => l.op)).toEqual([
      'gather',
      'matmul',
      'matmul',
      'matmul',
      'rotary',
      'rotary',
      'attention',
    ]);
    const shapes = await shapeMismatches(model, r);
    expect(shapes.wrong).toEqual([]);
    // every tensor the nodes write: h, q, k, v, qr, kr, y and the two caches
    expect(shapes.checked).toBe(9);
    expect([r.shapeOf('h'), r.shapeOf('y'), r.shapeOf('present_k')]).toEqual([
      [1, 3, 64],
      [1, 3, 64],
      [1, 2, 8, 16],
    ]);
  });

  it('MatMulNBits: params the 4-bit values, scales and zero points as stored; bytes at 4 bits', () => {
    // 64 outputs x 2 blocks x 32 values, 128 scales, 64 x 1 bytes of zero points = 128 values, 64 bias
    expect(at('q').params).toBe(64 * 64 + 128 + 128 + 64);
    expect(at('q').madds).toBe(3 * 64 * 64);
    // 2 per multiply-add, 1 per output for the bias, 2 per stored weight to dequantize it
    expect(at('q').flops).toBe(2 * 3 * 64 * 64 + 3 * 64 + 2 * 64 * 64);
    // input and output in fp32; 4096 values at half a byte, 128 fp32 scales, 128 zero points, 64 fp32 bias
    expect(at('q').memoryAccessBytes).toBe(192 * 4 + 192 * 4 + 2048 + 512 + 64 + 256);
    expect(at('k').params).toBe(32 * 64 + 64 + 64);
  });

  it('GatherBlockQuantized: the table in 4 bits two to a byte; each token dequantized', () => {
    expect(at('embed').params).toBe(32 * 64 + 64);
    expect(at('embed').flops).toBe(2 * 3 * 64);
  });

  it('RotaryEmbedding: 3 FLOPs per rotated element; GroupQueryAttention: 3 queries over 5 cached + 3 keys', () => {
    expect(at('rq').flops).toBe(3 * 3 * 64);
    expect(at('rk').flops).toBe(3 * 3 * 32);
    // every query head attends to the 8 keys of its group: scores and weighted values, 64 wide each
    expect(at('gqa').madds).toBe(3 * 8 * (64 + 64));
    expect(at('gqa').params).toBe(0);
    // the cache written for the next step: present keys and values, 2 x [1, 2, 8, 16] in fp32
    expect(analyze(r.graph).summary.memory.cacheBytes).toBe(2 * 2 * 8 * 16 * 4);
  });

  it('the stored params: each tensor once, at its bit width', () => {
    const stored = analyze(r.graph).totals.params;
    expect(stored).toBe(32 * 64 + 64 + (64 * 64 + 256 + 64) + 2 * (32 * 64 + 128));
  });
});

describe("ONNX's RotaryEmbedding (opset 23)", () => {
  it('[B, N, S, H] with positions: the first rotary_embedding_dim of each head rotated', async () => {
    const model = onnxModel({
      opset: 23,
      inputs: [{ name: 'x', dims: [2, 4, 3, 16] }],
      initializers: [
        floats('cos', [10, 4], 1),
        floats('sin', [10, 4], 0),
        ints('pos', [2, 3], [0, 1, 2, 3, 4, 5], 'int64'),
      ],
      nodes: [
        {
          op: 'RotaryEmbedding',
          name: 'rope',
          inputs: ['x', 'cos', 'sin', 'pos'],
          outputs: ['y'],
          attrs: { rotary_embedding_dim: 8 },
        },
      ],
      outputs: ['y'],
    });
    const r = importOnnx(model, { file: 'rope.onnx' });
    expect(r.warnings).toEqual([]);
    expect((await shapeMismatches(model, r)).wrong).toEqual([]);
    const rope = r.graph.layers[0];
    expect(rope.outputShapes).toEqual([[2, 4, 3, 16]]);
    // 24 heads·tokens x 8 rotated of 16
    expect(analyze(r.graph).totals.flops).toBe(3 * 2 * 4 * 3 * 8);
  });
});

describe("ONNX's Attention (opset 23)", () => {
  it('per head, with a cache: scores and weighted values over past + given keys; the caches grow', async () => {
    const model = onnxModel({
      opset: 23,
      inputs: [
        { name: 'q', dims: [2, 4, 5, 8] },
        { name: 'k', dims: [2, 2, 7, 8] },
        { name: 'v', dims: [2, 2, 7, 6] },
        { name: 'pk', dims: [2, 2, 3, 8] },
        { name: 'pv', dims: [2, 2, 3, 6] },
      ],
      nodes: [{ op: 'Attention', name: 'att', inputs: ['q', 'k', 'v', '', 'pk', 'pv'], outputs: ['y', 'ck', 'cv'] }],
      outputs: ['y', 'ck', 'cv'],
    });
    const r = importOnnx(model, { file: 'att.onnx' });
    expect(r.warnings).toEqual([]);
    expect((await shapeMismatches(model, r)).wrong).toEqual([]);
    expect(r.shapeOf('y')).toEqual([2, 4, 5, 6]);
    expect(r.shapeOf('ck')).toEqual([2, 2, 10, 8]);
    expect(r.shapeOf('cv')).toEqual([2, 2, 10, 6]);
    const att = byName(analyze(r.graph)).get('att') as LayerCost;
    // B·qN·S·(P+L) scores = 2·4·5·10 = 400, each of head size 8 and weighting values of 6
    expect(att.madds).toBe(400 * (8 + 6));
    // 2 per multiply-add, 1 to scale and 5 for the softmax per score
    expect(att.flops).toBe(2 * 400 * 14 + 6 * 400);
    // the caches written for the next step: 2·2·10·(8 + 6) floats
    expect(analyze(r.graph).summary.memory.cacheBytes).toBe(4 * 2 * 2 * 10 * 14);
  });

  it('[B, S, N·H] with q_num_heads and kv_num_heads and a mask: +1 FLOP per score', async () => {
    const model = onnxModel({
      opset: 23,
      inputs: [
        { name: 'q', dims: [2, 5, 32] },
        { name: 'k', dims: [2, 7, 16] },
        { name: 'v', dims: [2, 7, 12] },
        { name: 'mask', dims: [5, 7] },
      ],
      nodes: [
        {
          op: 'Attention',
          name: 'att',
          inputs: ['q', 'k', 'v', 'mask'],
          outputs: ['y'],
          attrs: { q_num_heads: 4, kv_num_heads: 2 },
        },
      ],
      outputs: ['y'],
    });
    const r = importOnnx(model, { file: 'att3.onnx' });
    expect(r.warnings).toEqual([]);
    expect((await shapeMismatches(model, r)).wrong).toEqual([]);
    expect(r.shapeOf('y')).toEqual([2, 5, 24]);
    const att = byName(analyze(r.graph)).get('att') as LayerCost;
    // 2·4·5·7 = 280 scores, head size 8, value heads of 6
    expect(att.madds).toBe(280 * 14);
    expect(att.flops).toBe(2 * 280 * 14 + 7 * 280);
  });
});

describe('BiasAdd and BiasSplitGelu (com.microsoft, GPU kernels: closed forms)', () => {
  it('BiasAdd adds a bias and a skip; BiasSplitGelu halves the last axis', () => {
    const model = onnxModel({
      opset: 17,
      opsets: { [ms]: 1 },
      inputs: [
        { name: 'x', dims: [2, 16, 320] },
        { name: 'skip', dims: [2, 16, 320] },
      ],
      initializers: [floats('b', [320]), floats('b2', [320])],
      nodes: [
        { op: 'BiasAdd', domain: ms, name: 'badd', inputs: ['x', 'b', 'skip'], outputs: ['s'] },
        { op: 'BiasSplitGelu', domain: ms, name: 'bsg', inputs: ['s', 'b2'], outputs: ['y'] },
      ],
      outputs: ['y'],
    });
    const r = importOnnx(model, { file: 'unet.onnx' });
    const by = byName(analyze(r.graph));
    expect(r.shapeOf('y')).toEqual([2, 16, 160]);
    expect((by.get('badd') as LayerCost).flops).toBe(2 * 2 * 16 * 320);
    expect((by.get('badd') as LayerCost).params).toBe(320);
    // per output element: the two halves' bias adds, GELU's 5, the multiply
    expect((by.get('bsg') as LayerCost).flops).toBe((5 + 2 + 1) * 2 * 16 * 160);
  });
});
