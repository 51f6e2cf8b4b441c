/**
 * `--value`: an input that steers the graph (silero VAD's sample rate, which an If branches on; a
 * shape given as an input) read as a constant, and fed as given when the model is timed.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseValueFlags } from '../../src/cli/options.ts';
import { analyze } from '../../src/cost/analyze.ts';
import { bench } from '../../src/measure/bench.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { cli } from '../helpers.ts';
import { type GraphSpec, onnxModel, type TensorSpec } from '../onnx-models.ts';

const w = (name: string, dims: number[]) => ({
  name,
  dims,
  floats: Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.cos(i) / 10),
});

/** An If on sr == 16000 over x (`dims`), its two branches given. */
const rateModel = (dims: (number | string)[], then: GraphSpec, otherwise: GraphSpec, more: TensorSpec[] = []) =>
  onnxModel({
    inputs: [
      { name: 'x', dims },
      { name: 'sr', dims: [], type: 'int64' },
    ],
    initializers: [{ name: 'k16', dims: [], type: 'int64', values: [16000] }, ...more],
    nodes: [
      { op: 'Equal', name: 'is16', inputs: ['sr', 'k16'], outputs: ['c'] },
      {
        op: 'If',
        name: 'rate',
        inputs: ['c'],
        outputs: ['y'],
        attrs: { then_branch: { g: then }, else_branch: { g: otherwise } },
      },
    ],
    outputs: ['y'],
    opset: 13,
  });

const relu: GraphSpec = {
  inputs: [],
  nodes: [{ op: 'Relu', name: 'relu', inputs: ['x'], outputs: ['ry'] }],
  outputs: ['ry'],
};

/** 16 kHz: a 3x3 convolution (9,216 MAdds); otherwise a ReLU. */
const byRate = rateModel(
  [1, 4, 8, 8],
  {
    inputs: [],
    initializers: [w('cw', [4, 4, 3, 3])],
    nodes: [{ op: 'Conv', name: 'conv', inputs: ['x', 'cw'], outputs: ['cy'], attrs: { pads: [1, 1, 1, 1] } }],
    outputs: ['cy'],
  },
  relu,
);

/** x [16] reshaped to the shape an input gives. */
const reshaped = onnxModel({
  inputs: [
    { name: 'x', dims: [16] },
    { name: 'shape', dims: [2], type: 'int64' },
  ],
  nodes: [
    { op: 'Reshape', name: 'view', inputs: ['x', 'shape'], outputs: ['v'] },
    { op: 'Relu', name: 'act', inputs: ['v'], outputs: ['y'] },
  ],
  outputs: ['y'],
  opset: 13,
});

describe('--value', () => {
  it('picks the branch an If takes on an input: 16 kHz the convolution, 8 kHz the ReLU', () => {
    const at = (sr?: number) =>
      importOnnx(byRate, { file: 'vad.onnx', ...(sr === undefined ? {} : { values: { sr: [sr] } }) });
    const counted = (sr?: number) => analyze(at(sr).graph).totals.madds;
    expect([counted(16000), counted(8000)]).toEqual([4 * 4 * 9 * 64, 0]);
    expect(at(16000).notes).toContain(
      "input 'sr' is taken as 16000 (--value): what depends on it is costed for that value",
    );
    expect(at(8000).notes.join('\n')).toMatch(/If 'rate': its condition is a constant \(false\): costed as its else/);
    // without it, both branches are reported and the larger counted
    expect(at().notes.join('\n')).toMatch(/known only at run time: both branches are reported/);
  });

  it('sizes what an input shapes, and bench feeds the value to onnxruntime', async () => {
    const r = importOnnx(reshaped, { file: 'r.onnx', values: { shape: [2, 8] } });
    expect(r.graph.layers.find((l) => l.name === 'act')?.outputShapes[0]).toEqual([2, 8]);
    const timed = await bench(
      { kind: 'onnx', file: 'r.onnx', bytes: reshaped, values: { shape: [2, 8] } },
      { runs: 3, warmup: 1 },
    );
    expect(timed.latency.medianMs).toBeGreaterThan(0);
    // fed made-up values, onnxruntime cannot reshape 16 values
    expect(() => importOnnx(reshaped, { file: 'r.onnx' })).toThrow(/r\.onnx: node 'view' \(Reshape\)/);
  });

  it('bench runs a model whose untaken branch cannot run at the given shapes (onnxruntime infers both)', async () => {
    // x is [n, 4, 8, 8]: at n = 1 the else branch's concatenation with a [2, 4, 8, 8] tensor cannot run
    const wide: GraphSpec = {
      inputs: [],
      nodes: [{ op: 'Concat', name: 'wide', inputs: ['x', 'pair'], outputs: ['wy'], attrs: { axis: 1 } }],
      outputs: ['wy'],
    };
    const model = rateModel(['n', 4, 8, 8], relu, wide, [{ name: 'pair', dims: [2, 4, 8, 8] }]);
    const timed = await bench(
      { kind: 'onnx', file: 'vad.onnx', bytes: model, inputs: { x: [1, 4, 8, 8] }, values: { sr: [16000] } },
      { runs: 3, warmup: 1 },
    );
    expect(timed.latency.medianMs).toBeGreaterThan(0);
  });

  it('refuses, naming the input and the fix: no such input, too many values, a fraction for an integer', () => {
    const at = (values: Record<string, number[]>) => () => importOnnx(byRate, { file: 'vad.onnx', values });
    expect(at({ rate: [16000] })).toThrow(
      /--value rate=\.\.\. \(values\.rate\): the model has no input 'rate'; its inputs: 'x', 'sr'/,
    );
    expect(at({ sr: [8000, 16000] })).toThrow(/--value sr=8000,16000: input 'sr' is \[\]; give one value/);
    expect(at({ sr: [16000.5] })).toThrow(/--value sr=16000.5: input 'sr' is int64; give whole numbers/);
    const big = onnxModel({
      inputs: [{ name: 'x', dims: [2048] }],
      nodes: [{ op: 'Relu', name: 'act', inputs: ['x'], outputs: ['y'] }],
      outputs: ['y'],
    });
    expect(() => importOnnx(big, { file: 'big.onnx', values: { x: [1] } })).toThrow(
      /--value x=1: input 'x' holds 2,048 values \(\[2048\]\); --value is for inputs of up to 1,024 values/,
    );
    expect(() => parseValueFlags(['sr=16k'])).toThrow(/--value: 'sr=16k' is not name=number\[,number\.\.\.\]/);
    expect(parseValueFlags(['sr=16000', 'a=b=1,-2.5,3e2'])).toEqual({ sr: [16000], 'a=b': [1, -2.5, 300] });
  });

  it('the CLI: report takes --value; a spec refuses it', () => {
    const file = join(tmpdir(), `netcost-value-${process.pid}.onnx`);
    writeFileSync(file, byRate);
    const r = cli(['report', file, '--value', 'sr=16000', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).totals.madds).toBe(9216);
    const spec = cli(['report', 'shufflenet-v2-1.0x', '--value', 'sr=16000']);
    expect(spec.code).toBe(2);
    expect(spec.stderr).toMatch(
      /--value sr=\.\.\. \(values\.sr\): shufflenet-v2-1\.0x is a spec, and input values apply to ONNX files/,
    );
  });
});
