/**
 * Standard ops that ONNX's conformance models hold and netcost once left at 0 (issue 29): the
 * trigonometric functions, the norm and log reductions, ArgMax/ArgMin, the two loss ops, Trilu,
 * CumSum, Hardmax, CastLike, Mean and BitShift. Each against onnxruntime's shapes and its closed form.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/cost/analyze.ts';
import { ort } from '../../src/measure/runner.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { type NodeSpec, onnxModel, type TensorSpec } from '../onnx-models.ts';
import { shapeMismatches } from '../ort-shapes.ts';

const X = [2, 5, 3, 4];
const N = X.reduce((a, b) => a * b, 1);

/** One node on x (and its extra inputs), read, its shapes checked against onnxruntime, its layer returned. */
async function one(
  node: NodeSpec,
  extra: {
    inputs?: { name: string; dims: number[]; type?: 'int64' | 'float' | 'int32' | 'uint8' }[];
    inits?: TensorSpec[];
    outputs?: string[];
    /** the op writes integers: a Cast back to float follows it */
    integer?: boolean;
  } = {},
) {
  // an integer output is cast back to float: the test graphs declare float outputs
  const cast = extra.integer ? [{ op: 'Cast', name: 'back', inputs: ['i'], outputs: ['y'], attrs: { to: 1 } }] : [];
  const bytes = onnxModel({
    inputs: [{ name: 'x', dims: X }, ...(extra.inputs ?? [])],
    initializers: extra.inits ?? [],
    nodes: [{ ...node, name: 'op', ...(extra.integer ? { outputs: ['i'] } : {}) }, ...cast],
    outputs: extra.outputs ?? ['y'],
    opset: 17,
  });
  const r = importOnnx(bytes, { file: 'm.onnx' });
  expect(r.warnings).toEqual([]);
  expect((await shapeMismatches(bytes, r)).wrong).toEqual([]);
  return analyze(r.graph).layers.find((l) => l.name === 'op');
}

describe('standard ops with a rule of their own', () => {
  it.each(['Sin', 'Cos', 'Tan', 'Atan', 'Sinh', 'Asinh'])('%s: 1 FLOP per element', async (op) => {
    const l = await one({ op, inputs: ['x'], outputs: ['y'] });
    expect([l?.flops, l?.memoryAccess]).toEqual([N, 2 * N]);
  });

  it('ReduceL2 over axis 1: 2 FLOPs per input element (square, add) and a square root per output', async () => {
    const l = await one({ op: 'ReduceL2', inputs: ['x'], outputs: ['y'], attrs: { axes: [1], keepdims: 0 } });
    expect(l?.outputShape).toEqual([2, 3, 4]);
    expect(l?.flops).toBe(2 * N + 24);
  });

  it('ReduceLogSumExp and ReduceSumSquare, ArgMax with its int64 indices', async () => {
    const lse = await one({ op: 'ReduceLogSumExp', inputs: ['x'], outputs: ['y'], attrs: { axes: [3] } });
    expect([lse?.outputShape, lse?.flops]).toEqual([[2, 5, 3, 1], 2 * N + 30]);
    const ss = await one({ op: 'ReduceSumSquare', inputs: ['x'], outputs: ['y'], attrs: { axes: [0, 2] } });
    expect([ss?.outputShape, ss?.flops]).toEqual([[1, 5, 1, 4], 2 * N]);
    const am = await one(
      { op: 'ArgMax', inputs: ['x'], outputs: ['y'], attrs: { axis: 2, keepdims: 0 } },
      { integer: true },
    );
    expect([am?.outputShape, am?.flops, am?.dtype]).toEqual([[2, 5, 4], N, 'fp32->int64']);
  });

  it('NegativeLogLikelihoodLoss: one loss per target (none), or one value; class weights cost a multiply', async () => {
    const target = { name: 't', dims: [2, 3, 4], type: 'int64' as const };
    const none = await one(
      { op: 'NegativeLogLikelihoodLoss', inputs: ['x', 't'], outputs: ['y'], attrs: { reduction: 'none' } },
      { inputs: [target] },
    );
    expect([none?.outputShape, none?.flops]).toEqual([[2, 3, 4], 24]);
    const mean = await one(
      { op: 'NegativeLogLikelihoodLoss', inputs: ['x', 't', 'w'], outputs: ['y'] },
      { inputs: [target], inits: [{ name: 'w', dims: [5], floats: [1, 2, 3, 4, 5] }] },
    );
    expect([mean?.outputShape, mean?.flops]).toEqual([[], 24 * 3]);
  });

  it('SoftmaxCrossEntropyLoss with its log-probabilities: a log-softmax (6 per score) before the loss', async () => {
    const l = await one(
      { op: 'SoftmaxCrossEntropyLoss', inputs: ['x', 't'], outputs: ['y', 'lp'], attrs: { reduction: 'sum' } },
      { inputs: [{ name: 't', dims: [2, 3, 4], type: 'int64' }], outputs: ['y', 'lp'] },
    );
    expect(l?.outputShapes ?? [l?.outputShape]).toEqual([[], X]);
    expect(l?.flops).toBe(6 * N + 24 * 2);
  });

  it('Trilu, CumSum, Hardmax keep the shape; CastLike takes its second input type; Mean and BitShift', async () => {
    const tri = await one({ op: 'Trilu', inputs: ['x'], outputs: ['y'], attrs: { upper: 0 } });
    expect([tri?.outputShape, tri?.flops]).toEqual([X, N]);
    const cum = await one(
      { op: 'CumSum', inputs: ['x', 'ax'], outputs: ['y'] },
      { inits: [{ name: 'ax', dims: [], ints: [1] }] },
    );
    expect([cum?.outputShape, cum?.flops]).toEqual([X, N]);
    const hm = await one({ op: 'Hardmax', inputs: ['x'], outputs: ['y'], attrs: { axis: -1 } });
    expect(hm?.flops).toBe(2 * N);
    const like = await one(
      { op: 'CastLike', inputs: ['x', 'like'], outputs: ['y'] },
      { inputs: [{ name: 'like', dims: [1], type: 'int32' }], integer: true },
    );
    expect(like?.dtype).toBe('fp32->int32');
    const mean = await one({ op: 'Mean', inputs: ['x', 'x', 'x'], outputs: ['y'] });
    expect(mean?.flops).toBe(2 * N);
    const shift = await one(
      { op: 'BitShift', inputs: ['u', 'u'], outputs: ['y'], attrs: { direction: 'LEFT' } },
      { inputs: [{ name: 'u', dims: [4, 3], type: 'uint8' }], integer: true },
    );
    expect([shift?.outputShape, shift?.flops]).toEqual([[4, 3], 12]);
  });
});

describe('ops that select or take by index', () => {
  const read = (bytes: Uint8Array) => {
    const r = importOnnx(bytes, { file: 'm.onnx' });
    expect(r.warnings).toEqual([]);
    return { r, layer: analyze(r.graph).layers[0] };
  };

  it('NonMaxSuppression: at most every box of every class, a sort and pairwise IoU', async () => {
    // 2 batches, 6 boxes, 3 classes, at most 4 per class: 2·3·4 rows of (batch, class, box)
    const bytes = onnxModel({
      inputs: [
        { name: 'boxes', dims: [2, 6, 4] },
        { name: 'scores', dims: [2, 3, 6] },
      ],
      initializers: [{ name: 'k', dims: [1], ints: [4] }],
      nodes: [
        { op: 'NonMaxSuppression', name: 'nms', inputs: ['boxes', 'scores', 'k'], outputs: ['sel'] },
        // the test graphs declare float outputs
        { op: 'Cast', name: 'back', inputs: ['sel'], outputs: ['out'], attrs: { to: 1 } },
      ],
      outputs: ['out'],
    });
    const { r, layer } = read(bytes);
    expect(r.shapeOf('sel')).toEqual([24, 3]);
    expect(r.notes).toContain(
      "'nms' writes as many elements as its data selects: counted at its upper bound, [24, 3] (every box of " +
        'every class kept); a run writes at most that',
    );
    expect(layer.flops).toBe(2 * 3 * (6 * 3 + 12 * 6 * 4));
    const rt = await ort();
    const s = await rt.InferenceSession.create(bytes);
    const boxes = Float32Array.from({ length: 48 }, (_, i) => (i % 4 < 2 ? (i >> 2) * 0.1 : (i >> 2) * 0.1 + 1));
    const scores = Float32Array.from({ length: 36 }, (_, i) => ((i * 7) % 11) / 11);
    const out = await s.run({
      boxes: new rt.Tensor('float32', boxes, [2, 6, 4]),
      scores: new rt.Tensor('float32', scores, [2, 3, 6]),
    });
    expect(out.out.dims[0]).toBeLessThanOrEqual(24);
    await s.release();
  });

  it('TopK, GatherElements, GatherND and OneHot: onnxruntime shapes', async () => {
    const bytes = onnxModel({
      inputs: [{ name: 'x', dims: [3, 8, 5] }],
      initializers: [
        { name: 'k', dims: [1], ints: [2] },
        { name: 'ie', dims: [3, 2, 5], ints: Array.from({ length: 30 }, (_, i) => i % 8) },
        { name: 'ind', dims: [4, 2], ints: [0, 1, 2, 7, 1, 3, 0, 0] },
        { name: 'depth', dims: [], ints: [6] },
        { name: 'onoff', dims: [2], floats: [0, 1] },
        { name: 'cls', dims: [3, 4], ints: [0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5] },
      ],
      nodes: [
        { op: 'TopK', name: 'top', inputs: ['x', 'k'], outputs: ['v', 'i'], attrs: { axis: 1 } },
        { op: 'GatherElements', name: 'ge', inputs: ['x', 'ie'], outputs: ['g'], attrs: { axis: 1 } },
        { op: 'GatherND', name: 'gn', inputs: ['x', 'ind'], outputs: ['n'] },
        { op: 'OneHot', name: 'oh', inputs: ['cls', 'depth', 'onoff'], outputs: ['o'], attrs: { axis: 1 } },
      ],
      outputs: ['v', 'g', 'n', 'o'],
    });
    const r = importOnnx(bytes, { file: 'm.onnx' });
    expect(r.warnings).toEqual([]);
    expect([r.shapeOf('v'), r.shapeOf('g'), r.shapeOf('n'), r.shapeOf('o')]).toEqual([
      [3, 2, 5],
      [3, 2, 5],
      [4, 5],
      [3, 6, 4],
    ]);
    expect((await shapeMismatches(bytes, r)).wrong).toEqual([]);
  });

  it("GridSample: an interpolation at the grid's points, 7 FLOPs per output element bilinear", async () => {
    const l = await one(
      { op: 'GridSample', inputs: ['x', 'grid'], outputs: ['y'], attrs: { align_corners: 0 } },
      { inputs: [{ name: 'grid', dims: [2, 6, 7, 2] }] },
    );
    expect([l?.outputShape, l?.flops]).toEqual([[2, 5, 6, 7], 7 * 2 * 5 * 6 * 7]);
  });
});
