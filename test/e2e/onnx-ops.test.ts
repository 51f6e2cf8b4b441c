/**
 * Importer shape inference for ops the PaddleOCR models do not exercise, checked against
 * onnxruntime on a synthetic model (every intermediate tensor is a graph output).
 */
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/cost/analyze.ts';
import { Runner } from '../../src/measure/runner.ts';
import { importOnnx } from '../../src/onnx/import.ts';

const { onnx } = onnxProto;
const A = onnx.AttributeProto.AttributeType;
const ints = (name: string, v: number[]) => ({ name, type: A.INTS, ints: v });
const int = (name: string, v: number) => ({ name, type: A.INT, i: v });
const float = (name: string, v: number) => ({ name, type: A.FLOAT, f: v });
const str = (name: string, v: string) => ({ name, type: A.STRING, s: new TextEncoder().encode(v) });
const i64 = (name: string, v: number[]) => ({
  name,
  dims: [v.length],
  dataType: 7,
  rawData: new Uint8Array(BigInt64Array.from(v.map(BigInt)).buffer),
});
const f32 = (name: string, dims: number[]) => ({
  name,
  dims,
  dataType: 1,
  rawData: new Uint8Array(new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.1).buffer),
});
const node = (opType: string, inputs: string[], outputs: string[], attribute: object[] = []) => ({
  opType,
  name: outputs[0],
  input: inputs,
  output: outputs,
  attribute,
});

function model(): Uint8Array {
  const nodes = [
    node('Pad', ['x', 'pads'], ['padded'], [str('mode', 'constant')]),
    node('LeakyRelu', ['padded'], ['leaky'], [float('alpha', 0.1)]),
    node('Split', ['leaky', 'split'], ['part1', 'part2'], [int('axis', 1)]),
    node(
      'Conv',
      ['part2', 'w'],
      ['conv'],
      [ints('kernel_shape', [3, 3]), ints('strides', [2, 2]), str('auto_pad', 'SAME_UPPER')],
    ),
    node('ConvTranspose', ['conv', 'wt', 'bt'], ['up'], [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])]),
    node('Resize', ['up', '', '', 'sizes'], ['resized'], [str('mode', 'linear')]),
    node('ReduceMean', ['resized'], ['mean'], [ints('axes', [2, 3]), int('keepdims', 0)]),
    node('Unsqueeze', ['mean', 'axes0'], ['unsq']),
    node('Squeeze', ['unsq', 'axes0'], ['sq']),
    node('Gemm', ['sq', 'gw', 'gb'], ['gemm'], [int('transB', 0)]),
    node('Pow', ['gemm', 'two'], ['pow']),
    node('Sub', ['pow', 'bias'], ['sub']),
    node('Flatten', ['part1'], ['flat'], [int('axis', 2)]),
    node('Transpose', ['flat'], ['tr'], [ints('perm', [1, 0])]),
    node('Slice', ['tr', 'starts', 'ends', 'axes1', 'steps'], ['sliced']),
    node('Softmax', ['sliced'], ['soft'], [int('axis', -1)]),
    node('MatMul', ['soft', 'mw'], ['mm']),
    node('Gather', ['leaky', 'gidx'], ['gathered'], [int('axis', 1)]),
    node('Expand', ['mean', 'eshape'], ['expanded']),
    node('Where', ['cond', 'expanded', 'zero'], ['selected']),
    node('Concat', ['selected', 'row'], ['joined'], [int('axis', 0)]),
    node('Cast', ['joined'], ['cast'], [int('to', 1)]),
  ];
  const vi = (name: string) => ({ name, type: { tensorType: { elemType: 1 } } });
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      producerName: 'test',
      graph: {
        name: 'ops',
        node: nodes,
        initializer: [
          i64('pads', [0, 0, 1, 1, 0, 0, 1, 1]),
          i64('split', [1, 3]),
          f32('w', [5, 3, 3, 3]),
          f32('wt', [5, 2, 2, 2]),
          f32('bt', [2]),
          i64('sizes', [1, 2, 9, 9]),
          i64('axes0', [0]),
          f32('gw', [2, 7]),
          i64('gidx', [3, 0]),
          i64('eshape', [3, 1, 2]),
          { name: 'cond', dims: [2], dataType: 9, rawData: Uint8Array.from([1, 0]) },
          f32('zero', []),
          f32('row', [1, 1, 2]),
          f32('gb', [7]),
          f32('two', []),
          f32('bias', [7]),
          i64('starts', [-3]),
          i64('ends', [1000]),
          i64('axes1', [0]),
          i64('steps', [1]),
          f32('mw', [1, 4]),
        ],
        input: [
          {
            name: 'x',
            type: { tensorType: { elemType: 1, shape: { dim: [1, 4, 6, 6].map((d) => ({ dimValue: d })) } } },
          },
        ],
        output: [
          vi('mm'),
          vi('sub'),
          ...nodes
            .map((n) => n.output[0])
            .filter((o) => o !== 'mm' && o !== 'sub')
            .map(vi),
          vi('part2'),
        ],
      },
    }),
  ).finish();
}

describe('importer shapes against onnxruntime', () => {
  it(
    'Pad, LeakyRelu, Split, Conv (SAME_UPPER), ConvTranspose, Resize, ReduceMean, Unsqueeze, Squeeze, Gemm, Pow, ' +
      'Sub, Flatten, Transpose, Slice, Softmax, MatMul, Gather, Expand, Where, Concat with a constant, Cast',
    async () => {
      const bytes = model();
      const r = importOnnx(bytes, { file: 'ops.onnx' });
      expect(r.warnings).toEqual([]);
      const run = await Runner.open(bytes, r.inputs, { threads: 1, optLevel: 'disabled' }, 'ops');
      try {
        const out = await run.outputs();
        for (const l of r.graph.layers)
          for (const [i, t] of l.outputs.entries()) expect(l.outputShapes[i], `${l.name}`).toEqual(out[t].dims);
      } finally {
        await run.close();
      }
      const by = Object.fromEntries(analyze(r.graph).layers.map((l) => [l.name, l]));
      expect(by.padded.outputShape).toEqual([1, 4, 8, 8]);
      // gather reads the 2 indices and the 2·64 elements it picks, writes them
      expect(by.gathered.outputShape).toEqual([1, 2, 8, 8]);
      expect(by.gathered.memoryAccess).toBe(2 + 2 * 128);
      // a select per output element; the constant operands (cond, zero) are read
      expect(by.selected.flops).toBe(6);
      expect(by.selected.memoryAccess).toBe(6 + 2 + 1 + 6);
      // a constant concatenated with a tensor is read like any input
      expect(by.joined.outputShape).toEqual([4, 1, 2]);
      expect(by.joined.memoryAccess).toBe(6 + 2 + 8);
      expect(by.conv.outputShape).toEqual([1, 5, 4, 4]);
      // conv: out 5·4·4 · (3·3·3); convtranspose: in 5·4·4 · 2·2·2; gemm 2·7; matmul [3,1] x [1,4]
      expect(by.conv.madds).toBe(80 * 27);
      expect(by.up.madds).toBe(80 * 2 * 4);
      expect(by.up.params).toBe(5 * 2 * 4 + 2);
      expect(by.gemm.params).toBe(2 * 7 + 7);
      expect(by.gemm.madds).toBe(1 * 2 * 7);
      // a learned vector is a parameter, a scalar constant is not
      expect(by.sub.params).toBe(7);
      expect(by.pow.params).toBe(0);
      expect(by.leaky.flops).toBe(2 * 4 * 8 * 8);
      expect(by.resized.flops).toBe(7 * 2 * 9 * 9);
      // a slice reads what it copies
      expect(by.sliced.memoryAccess).toBe(2 * by.sliced.outputShape.reduce((a: number, b: number) => a * b, 1));
      expect(by.unsq.memoryAccess).toBe(0);
      expect(by.mm.outputShape).toEqual([3, 4]);
      expect(by.mm.madds).toBe(3 * 1 * 4);
      expect(by.mm.params).toBe(4);
    },
  );
});
