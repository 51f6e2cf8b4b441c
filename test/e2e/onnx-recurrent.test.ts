/**
 * LSTM, GRU and RNN read from a file: output shapes against onnxruntime's on the same model, and
 * the counts against the closed forms (PyTorch's nn.LSTM(10, 20) holds 4·20·(10 + 20) + 2·4·20 =
 * 2,560 parameters; ONNX keeps the two biases in one B of 2·G·H per direction).
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/cost/analyze.ts';
import { ort } from '../../src/measure/runner.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { planKernels } from '../../src/predict/plan.ts';
import { onnxModel, type TensorSpec } from '../onnx-models.ts';

const [S, B, I, H] = [7, 3, 10, 20];
const GATES = { LSTM: 4, GRU: 3, RNN: 1 } as const;

function model(op: keyof typeof GATES, o: { directions?: 1 | 2; outputs?: string[]; states?: boolean } = {}) {
  const d = o.directions ?? 1;
  const g = GATES[op] * H;
  const w = (name: string, dims: number[]): TensorSpec => ({
    name,
    dims,
    floats: Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i) / 10),
  });
  const states = o.states ? ['h0', ...(op === 'LSTM' ? ['c0'] : [])] : [];
  const outputs = o.outputs ?? ['y', 'yh', ...(op === 'LSTM' ? ['yc'] : [])];
  return onnxModel({
    inputs: [{ name: 'x', dims: [S, B, I] }, ...states.map((name) => ({ name, dims: [d, B, H] }))],
    initializers: [w('W', [d, g, I]), w('R', [d, g, H]), w('B', [d, 2 * g])],
    nodes: [
      {
        op,
        name: 'rnn',
        inputs: ['x', 'W', 'R', 'B', '', ...states],
        outputs,
        attrs: { hidden_size: H, direction: d === 2 ? 'bidirectional' : 'forward' },
      },
    ],
    outputs: outputs.filter(Boolean),
    opset: 14,
  });
}

async function theirShapes(bytes: Uint8Array, states: string[]): Promise<Record<string, readonly number[]>> {
  const rt = await ort();
  const session = await rt.InferenceSession.create(bytes);
  const feeds: Record<string, InstanceType<typeof rt.Tensor>> = {
    x: new rt.Tensor('float32', new Float32Array(S * B * I).fill(0.5), [S, B, I]),
  };
  for (const s of states) feeds[s] = new rt.Tensor('float32', new Float32Array(2 * B * H), [2, B, H]);
  const out = await session.run(feeds);
  await session.release();
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.dims]));
}

describe('recurrent layers', () => {
  for (const op of ['LSTM', 'GRU', 'RNN'] as const)
    it(`${op}, both directions, initial states given: shapes as onnxruntime's, counts in closed form`, async () => {
      const bytes = model(op, { directions: 2, states: true });
      const r = importOnnx(bytes, { file: `${op}.onnx` });
      expect(r.warnings).toEqual([]);
      const layer = r.graph.layers.find((l) => l.name === 'rnn');
      const states = op === 'LSTM' ? ['h0', 'c0'] : ['h0'];
      const theirs = await theirShapes(bytes, states);
      expect(Object.fromEntries(layer!.outputs.map((o, k) => [o, layer!.outputShapes[k]]))).toEqual(
        Object.fromEntries(Object.entries(theirs).map(([k, v]) => [k, [...v]])),
      );
      const cost = analyze(r.graph).layers.find((l) => l.name === 'rnn')!;
      const g = GATES[op] * H;
      expect(cost.params).toBe(2 * (g * (I + H) + 2 * g));
      expect(cost.madds).toBe(S * B * 2 * g * (I + H));
    });

  it("PyTorch's nn.LSTM(10, 20) parameter count: 2,560", () => {
    const r = importOnnx(model('LSTM'), { file: 'lstm.onnx' });
    expect(analyze(r.graph).totals.params).toBe(2560);
  });

  it('the latency model prices an LSTM as its GEMM steps and flags it: no calibration chain holds one', () => {
    const bytes = model('LSTM', { directions: 2 });
    const planned = planKernels(importOnnx(bytes, { file: 'lstm.onnx' }), {
      onnxruntime: '1.30.0',
      level: 'all',
      block: 16,
    });
    expect(planned.map((k) => [k.op, k.uncertain, k.cls, k.work.gemm])).toEqual([
      ['LSTM', true, 'gemm', { m: B, k: I + H, n: 4 * H, batch: 2 * S }],
    ]);
  });

  it('an unnamed Y leaves Y_h in its own slot', async () => {
    const bytes = model('GRU', { outputs: ['', 'yh'] });
    const r = importOnnx(bytes, { file: 'gru.onnx' });
    expect(r.graph.layers.find((l) => l.name === 'rnn')!.outputShapes).toEqual([[1, B, H]]);
    expect(await theirShapes(bytes, [])).toEqual({ yh: [1, B, H] });
  });

  it('weights of the wrong size are refused with the size they must have', () => {
    const wrong = onnxModel({
      inputs: [{ name: 'x', dims: [S, B, I + 1] }],
      initializers: [
        { name: 'W', dims: [1, H, I] },
        { name: 'R', dims: [1, H, H] },
      ],
      nodes: [{ op: 'RNN', name: 'rnn', inputs: ['x', 'W', 'R'], outputs: ['y'], attrs: { hidden_size: H } }],
      outputs: ['y'],
      opset: 14,
    });
    expect(() => importOnnx(wrong, { file: 'rnn.onnx' })).toThrow(
      /W is \[1, 20, 10\]; with the node's sizes it must be \[1, 20, 11\]/,
    );
  });
});

describe('recurrent weights the graph computes (a hypernetwork, ONNX node tests)', () => {
  it('W given at run time: read as an input, not a param; R and B stay params', async () => {
    const g = 4 * H;
    const bytes = onnxModel({
      inputs: [
        { name: 'x', dims: [S, B, I] },
        { name: 'W', dims: [1, g, I] },
      ],
      initializers: [
        { name: 'R', dims: [1, g, H], floats: new Array(g * H).fill(0.01) },
        { name: 'B', dims: [1, 2 * g], floats: new Array(2 * g).fill(0) },
      ],
      nodes: [{ op: 'LSTM', name: 'rnn', inputs: ['x', 'W', 'R', 'B'], outputs: ['y'], attrs: { hidden_size: H } }],
      outputs: ['y'],
      opset: 14,
    });
    const r = importOnnx(bytes, { file: 'hyper.onnx' });
    expect(r.graph.layers[0].outputShapes).toEqual([[S, 1, B, H]]);
    const [l] = analyze(r.graph).layers;
    // R and B: 4·20·20 + 2·4·20; the multiply-adds do not change with where W comes from
    expect(l.params).toBe(g * H + 2 * g);
    expect(l.madds).toBe(S * B * g * (I + H));
    // W is read as an input (its 800 elements) beside X; the output written
    expect(l.memoryAccess).toBe(S * B * I + g * I + (g * H + 2 * g) + S * B * H);
  });
});
