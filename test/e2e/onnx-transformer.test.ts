/**
 * Transformer ops, each against its closed form and onnxruntime's shapes: LayerNormalization and
 * the decomposed pattern torch writes below opset 17 (costed the same), GELU's erf form and Gelu,
 * Einsum, batched and broadcast MatMul attention, onnxruntime's fused attention and normalization
 * ops, and shape arithmetic through ScatterND, Mod and Not.
 */
import { describe, expect, it } from 'vitest';
import { analyze, type CostReport, type LayerCost } from '../../src/cost/analyze.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { type NodeSpec, onnxModel, type TensorSpec } from '../onnx-models.ts';
import { shapeMismatches } from '../ort-shapes.ts';

const fill = (name: string, dims: number[], v = 0.5): TensorSpec => ({
  name,
  dims,
  floats: new Array(dims.reduce((a, b) => a * b, 1)).fill(v),
});
const scalar = (name: string, v: number): TensorSpec => ({ name, dims: [], floats: [v] });
const byName = (r: CostReport) => new Map(r.layers.map((l) => [l.name, l]));

async function read(bytes: Uint8Array, file: string): Promise<CostReport> {
  const r = importOnnx(bytes, { file });
  expect(r.warnings).toEqual([]);
  const shapes = await shapeMismatches(bytes, r);
  expect(shapes.wrong).toEqual([]);
  expect(shapes.checked).toBeGreaterThan(0);
  return analyze(r.graph);
}

/** x [2, 10, 16] -> layer norm over the last axis, as one node (opset 17) or torch's opset-13 pattern. */
function layerNormModel(fused: boolean): Uint8Array {
  const nodes: NodeSpec[] = fused
    ? [{ op: 'LayerNormalization', name: 'ln', inputs: ['x', 'g', 'b'], outputs: ['y'], attrs: { axis: -1 } }]
    : [
        { op: 'ReduceMean', inputs: ['x'], outputs: ['mu'], attrs: { axes: [-1] } },
        { op: 'Sub', inputs: ['x', 'mu'], outputs: ['d'] },
        { op: 'Pow', inputs: ['d', 'two'], outputs: ['d2'] },
        { op: 'ReduceMean', inputs: ['d2'], outputs: ['var'], attrs: { axes: [-1] } },
        { op: 'Add', inputs: ['var', 'eps'], outputs: ['ve'] },
        { op: 'Sqrt', inputs: ['ve'], outputs: ['sd'] },
        { op: 'Div', inputs: ['d', 'sd'], outputs: ['n'] },
        { op: 'Mul', inputs: ['n', 'g'], outputs: ['ng'] },
        { op: 'Add', name: 'ln', inputs: ['ng', 'b'], outputs: ['y'] },
      ];
  return onnxModel({
    opset: fused ? 17 : 13,
    inputs: [{ name: 'x', dims: [2, 10, 16] }],
    initializers: [fill('g', [16], 1), fill('b', [16], 0.1), scalar('two', 2), scalar('eps', 1e-5)],
    nodes,
    outputs: ['y'],
  });
}

describe('layer normalization', () => {
  it('LayerNormalization (opset 17) and the decomposed pattern (opset 13) cost the same: the closed form', async () => {
    const fused = await read(layerNormModel(true), 'ln17.onnx');
    const decomposed = await read(layerNormModel(false), 'ln13.onnx');
    for (const r of [fused, decomposed]) {
      expect(r.layers.map((l) => [l.name, l.op])).toEqual([['ln', 'layernorm']]);
      // params: scale and shift over the 16 features; FLOPs 7 per element + 2 per row (20 rows)
      expect(r.totals.params).toBe(32);
      expect(r.totals.flops).toBe(7 * 320 + 2 * 20);
      // MAC: the input, the scale and shift, the output
      expect(r.totals.memoryAccess).toBe(320 + 32 + 320);
      expect(r.layers[0].category).toBe('elementwise');
    }
    expect(decomposed.layers[0].fusedFrom).toHaveLength(9);
  });

  it('a pattern whose centred input is read elsewhere is left as it is', async () => {
    const bytes = onnxModel({
      opset: 13,
      inputs: [{ name: 'x', dims: [4, 8] }],
      initializers: [scalar('two', 2), scalar('eps', 1e-5)],
      nodes: [
        { op: 'ReduceMean', inputs: ['x'], outputs: ['mu'], attrs: { axes: [-1] } },
        { op: 'Sub', inputs: ['x', 'mu'], outputs: ['d'] },
        { op: 'Pow', inputs: ['d', 'two'], outputs: ['d2'] },
        { op: 'ReduceMean', inputs: ['d2'], outputs: ['var'], attrs: { axes: [-1] } },
        { op: 'Add', inputs: ['var', 'eps'], outputs: ['ve'] },
        { op: 'Sqrt', inputs: ['ve'], outputs: ['sd'] },
        { op: 'Div', inputs: ['d', 'sd'], outputs: ['y'] },
        { op: 'Relu', inputs: ['d'], outputs: ['z'] },
      ],
      outputs: ['y', 'z'],
    });
    const r = await read(bytes, 'open.onnx');
    expect(r.layers.some((l) => l.op === 'layernorm')).toBe(false);
    expect(r.layers).toHaveLength(8);
  });
});

describe('GELU', () => {
  const gelu = (exact: boolean) =>
    onnxModel({
      opset: exact ? 17 : 20,
      inputs: [{ name: 'x', dims: [3, 64] }],
      initializers: [scalar('sqrt2', Math.SQRT2), scalar('one', 1), scalar('half', 0.5)],
      nodes: exact
        ? [
            { op: 'Div', inputs: ['x', 'sqrt2'], outputs: ['s'] },
            { op: 'Erf', inputs: ['s'], outputs: ['e'] },
            { op: 'Add', inputs: ['e', 'one'], outputs: ['e1'] },
            { op: 'Mul', inputs: ['x', 'e1'], outputs: ['xe'] },
            { op: 'Mul', name: 'gelu', inputs: ['xe', 'half'], outputs: ['y'] },
          ]
        : [{ op: 'Gelu', name: 'gelu', inputs: ['x'], outputs: ['y'] }],
      outputs: ['y'],
    });
  it('the erf form torch exports and Gelu (opset 20) are one gelu layer of 5 FLOPs per element', async () => {
    for (const r of [await read(gelu(true), 'erf.onnx'), await read(gelu(false), 'gelu.onnx')]) {
      expect(r.layers.map((l) => [l.name, l.op])).toEqual([['gelu', 'gelu']]);
      expect(r.totals.flops).toBe(5 * 192);
      expect(r.totals.memoryAccess).toBe(2 * 192);
    }
  });
});

describe('matrix products', () => {
  it('Einsum: multiply-adds from the equation (explicit, implicit output, ellipsis)', async () => {
    const bytes = onnxModel({
      opset: 17,
      inputs: [
        { name: 'q', dims: [2, 4, 6, 8] },
        { name: 'k', dims: [2, 4, 5, 8] },
      ],
      initializers: [fill('w', [8, 3])],
      nodes: [
        { op: 'Einsum', name: 'scores', inputs: ['q', 'k'], outputs: ['s'], attrs: { equation: 'bhnd,bhmd->bhnm' } },
        { op: 'Einsum', name: 'proj', inputs: ['q', 'w'], outputs: ['p'], attrs: { equation: '...ij,jk' } },
        { op: 'Einsum', name: 'sum', inputs: ['s'], outputs: ['t'], attrs: { equation: 'bhnm->bn' } },
      ],
      outputs: ['s', 'p', 't'],
    });
    const by = byName(await read(bytes, 'einsum.onnx'));
    const scores = by.get('scores') as LayerCost;
    expect(scores.outputShape).toEqual([2, 4, 6, 5]);
    expect(scores.madds).toBe(2 * 4 * 6 * 5 * 8);
    const proj = by.get('proj') as LayerCost;
    expect(proj.outputShape).toEqual([2, 4, 6, 3]);
    expect(proj.madds).toBe(2 * 4 * 6 * 8 * 3);
    // a learned constant operand is params
    expect(proj.params).toBe(24);
    const sum = by.get('sum') as LayerCost;
    expect(sum.madds).toBe(0);
    expect(sum.flops).toBe(2 * 4 * 6 * 5 - 2 * 6);
  });

  it('attention as torch exports it: batched, broadcast MatMul, Softmax over the last axis, MatMul', async () => {
    const bytes = onnxModel({
      opset: 17,
      inputs: [
        { name: 'q', dims: [2, 4, 16, 8] },
        { name: 'kt', dims: [1, 4, 8, 16] },
        { name: 'v', dims: [2, 4, 16, 8] },
      ],
      nodes: [
        { op: 'MatMul', name: 'scores', inputs: ['q', 'kt'], outputs: ['s'] },
        { op: 'Softmax', name: 'softmax', inputs: ['s'], outputs: ['p'], attrs: { axis: -1 } },
        { op: 'MatMul', name: 'context', inputs: ['p', 'v'], outputs: ['y'] },
      ],
      outputs: ['y'],
    });
    const by = byName(await read(bytes, 'attn.onnx'));
    // the key broadcasts over the batch: 2·4 products of [16, 8] x [8, 16]
    expect((by.get('scores') as LayerCost).madds).toBe(2 * 4 * 16 * 16 * 8);
    expect((by.get('softmax') as LayerCost).flops).toBe(5 * 2 * 4 * 16 * 16);
    expect((by.get('context') as LayerCost).madds).toBe(2 * 4 * 16 * 8 * 16);
  });
});

describe("onnxruntime's transformer ops (com.microsoft)", () => {
  it('Attention, MultiHeadAttention, SkipLayerNormalization, BiasGelu, FastGelu, QuickGelu', async () => {
    const ms = 'com.microsoft';
    const bytes = onnxModel({
      opset: 17,
      opsets: { [ms]: 1 },
      inputs: [
        { name: 'x', dims: [2, 5, 16] },
        { name: 'kv', dims: [2, 7, 16] },
      ],
      initializers: [fill('w', [16, 48]), fill('b', [48]), fill('g', [16], 1), fill('be', [16]), fill('bb', [16])],
      nodes: [
        { op: 'Attention', domain: ms, name: 'attn', inputs: ['x', 'w', 'b'], outputs: ['a'], attrs: { num_heads: 4 } },
        {
          op: 'MultiHeadAttention',
          domain: ms,
          name: 'mha',
          inputs: ['a', 'kv', 'kv'],
          outputs: ['m'],
          attrs: { num_heads: 4 },
        },
        { op: 'SkipLayerNormalization', domain: ms, name: 'sln', inputs: ['m', 'x', 'g', 'be', 'bb'], outputs: ['n'] },
        { op: 'BiasGelu', domain: ms, name: 'bgelu', inputs: ['n', 'bb'], outputs: ['h'] },
        { op: 'FastGelu', domain: ms, name: 'fgelu', inputs: ['h'], outputs: ['f'] },
        { op: 'QuickGelu', domain: ms, name: 'qgelu', inputs: ['f'], outputs: ['y'], attrs: { alpha: { f: 1.702 } } },
      ],
      outputs: ['y'],
    });
    const by = byName(await read(bytes, 'ms.onnx'));
    const attn = by.get('attn') as LayerCost;
    // projection 2·5·16·48, scores 2·5·5·16, weighted values 2·5·5·16
    expect(attn.madds).toBe(2 * 5 * 16 * 48 + 2 * 5 * 5 * 16 * 2);
    expect(attn.params).toBe(16 * 48 + 48);
    const mha = by.get('mha') as LayerCost;
    // 5 queries over 7 keys, 16 wide
    expect(mha.madds).toBe(2 * 5 * 7 * 16 * 2);
    const sln = by.get('sln') as LayerCost;
    // gamma, beta and the residual's bias; 7 + 2 per element, 2 per row
    expect(sln.params).toBe(48);
    expect(sln.flops).toBe(9 * 160 + 2 * 10);
    expect((by.get('bgelu') as LayerCost).flops).toBe(6 * 160);
    expect((by.get('bgelu') as LayerCost).params).toBe(16);
    expect((by.get('fgelu') as LayerCost).flops).toBe(8 * 160);
    expect((by.get('qgelu') as LayerCost).flops).toBe(6 * 160);
  });
});

describe('a decoder step with a key-value cache (com.microsoft)', () => {
  it('Attention with past and present, MultiHeadAttention with past_key/value and present_key/value', async () => {
    const ms = 'com.microsoft';
    // 3 new tokens after 6 cached: 4 heads of 4
    const bytes = onnxModel({
      opset: 17,
      opsets: { [ms]: 1 },
      inputs: [
        { name: 'x', dims: [2, 3, 16] },
        { name: 'past', dims: [2, 2, 4, 6, 4] },
        { name: 'pk', dims: [2, 4, 6, 4] },
        { name: 'pv', dims: [2, 4, 6, 4] },
      ],
      initializers: [fill('w', [16, 48]), fill('b', [48])],
      nodes: [
        {
          op: 'Attention',
          domain: ms,
          name: 'attn',
          inputs: ['x', 'w', 'b', '', 'past'],
          outputs: ['a', 'present'],
          attrs: { num_heads: 4, unidirectional: 1 },
        },
        {
          op: 'MultiHeadAttention',
          domain: ms,
          name: 'mha',
          inputs: ['a', 'a', 'a', '', '', '', 'pk', 'pv'],
          outputs: ['y', 'presk', 'presv'],
          attrs: { num_heads: 4 },
        },
      ],
      outputs: ['y', 'present', 'presk', 'presv'],
    });
    const r = importOnnx(bytes, { file: 'step.onnx' });
    // the cache for the next step: past and current keys (and values), 6 + 3
    expect([r.shapeOf('present'), r.shapeOf('presk'), r.shapeOf('presv')]).toEqual([
      [2, 2, 4, 9, 4],
      [2, 4, 9, 4],
      [2, 4, 9, 4],
    ]);
    expect((await shapeMismatches(bytes, r)).wrong).toEqual([]);
    const by = byName(analyze(r.graph));
    // 3 queries over 6 cached + 3 new keys, 16 wide: scores and weighted values
    expect((by.get('mha') as LayerCost).madds).toBe(2 * 3 * 9 * 16 * 2);
  });
});

describe('EmbedLayerNormalization (com.microsoft), the first node of an optimised BERT', () => {
  it('gathers three tables per token, adds, normalizes; params every table, one row read per token', async () => {
    const ms = 'com.microsoft';
    const bytes = onnxModel({
      opset: 17,
      opsets: { [ms]: 1 },
      inputs: [
        { name: 'ids', dims: [2, 7], type: 'int32' },
        { name: 'seg', dims: [2, 7], type: 'int32' },
        { name: 'mask', dims: [2, 7], type: 'int32' },
      ],
      initializers: [
        fill('word', [50, 16]),
        fill('pos', [32, 16]),
        fill('segw', [2, 16]),
        fill('g', [16], 1),
        fill('b', [16]),
      ],
      nodes: [
        {
          op: 'EmbedLayerNormalization',
          domain: ms,
          name: 'emb',
          inputs: ['ids', 'seg', 'word', 'pos', 'segw', 'g', 'b', 'mask'],
          outputs: ['y', 'mi', 'sum'],
        },
        { op: 'Cast', name: 'back', inputs: ['mi'], outputs: ['mf'], attrs: { to: 1 } },
      ],
      outputs: ['y', 'mf', 'sum'],
    });
    // token ids within the tables, fed to onnxruntime as given
    const zeros = new Array(14).fill(0);
    const values = { ids: zeros, seg: zeros, mask: new Array(14).fill(1) };
    const r = importOnnx(bytes, { file: 'bert.onnx', values });
    expect(r.warnings).toEqual([]);
    expect((await shapeMismatches(bytes, r)).wrong).toEqual([]);
    const emb = byName(analyze(r.graph)).get('emb') as LayerCost;
    expect(emb.params).toBe(16 * (50 + 32 + 2) + 2 * 16);
    // 14 tokens: 2 adds and 7 for the norm per element, 2 per token
    expect(emb.flops).toBe(14 * (16 * 9 + 2));
    // ids, segments, mask (3·14) + a row of each table per token and gamma, beta (3·14·16 + 32) + the outputs
    expect(emb.memoryAccess).toBe(3 * 14 + (3 * 14 * 16 + 32) + (14 * 16 + 2 + 14 * 16));
  });
});

describe('shape arithmetic folds through the ops that compute it', () => {
  it('ScatterND, Mod, Not, Equal, Cast and Where fold into a Reshape target', async () => {
    const bytes = onnxModel({
      opset: 17,
      inputs: [{ name: 'x', dims: [2, 3, 4] }],
      initializers: [
        { name: 'four', dims: [3], ints: [4, 4, 4] },
        { name: 'idx', dims: [1, 1], ints: [2] },
        { name: 'upd', dims: [1], ints: [4] },
      ],
      nodes: [
        { op: 'Shape', inputs: ['x'], outputs: ['sh'] },
        { op: 'Mod', inputs: ['sh', 'four'], outputs: ['md'] },
        { op: 'ScatterND', inputs: ['md', 'idx', 'upd'], outputs: ['sc'] },
        { op: 'Equal', inputs: ['sc', 'sh'], outputs: ['eq'] },
        { op: 'Not', inputs: ['eq'], outputs: ['ne'] },
        { op: 'Where', inputs: ['ne', 'four', 'sc'], outputs: ['tgt'] },
        { op: 'Reshape', name: 'view', inputs: ['x', 'tgt'], outputs: ['v'] },
        { op: 'Relu', name: 'relu', inputs: ['v'], outputs: ['y'] },
      ],
      outputs: ['y'],
    });
    const r = importOnnx(bytes, { file: 'fold.onnx' });
    expect(r.graph.layers.map((l) => l.name)).toEqual(['view', 'relu']);
    expect(r.folded).toBe(6);
    expect(r.graph.layers[1].outputShapes).toEqual([[2, 3, 4]]);
    expect((await shapeMismatches(bytes, r)).wrong).toEqual([]);
  });
});
