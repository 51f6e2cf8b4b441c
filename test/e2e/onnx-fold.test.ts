/**
 * Constant folding evaluates through each op's own `evaluate`: every case here is one ONNX node on
 * constant inputs, and netcost's folded value must equal onnxruntime's output for the same node
 * (dims and every element). One case per assertion, so one failure does not hide the rest.
 */
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { Runner } from '../../src/measure/runner.ts';
import { importOnnx } from '../../src/onnx/import.ts';

const { onnx } = onnxProto;
const A = onnx.AttributeProto.AttributeType;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

type Data = { dims: number[]; type: 'float' | 'int64' | 'bool'; data: (number | bigint)[] };
const f = (dims: number[], data: number[]): Data => ({ dims, type: 'float', data });
const i = (dims: number[], data: (number | bigint)[]): Data => ({ dims, type: 'int64', data });
const b = (dims: number[], data: number[]): Data => ({ dims, type: 'bool', data });
const iota = (n: number, from = 0) => Array.from({ length: n }, (_, k) => k + from);

type Attr = number | number[] | string | { f: number } | { t: Data };
interface Case {
  op: string;
  inputs: (Data | null)[];
  attrs?: Record<string, Attr>;
  opset?: number;
  outputs?: number;
}

function tensorProto(name: string, d: Data) {
  const raw =
    d.type === 'float'
      ? new Uint8Array(Float32Array.from(d.data.map(Number)).buffer)
      : d.type === 'int64'
        ? new Uint8Array(BigInt64Array.from(d.data.map((v) => BigInt(v))).buffer)
        : Uint8Array.from(d.data.map(Number));
  return { name, dims: d.dims, dataType: { float: 1, int64: 7, bool: 9 }[d.type], rawData: raw };
}

function attribute(name: string, v: Attr) {
  if (typeof v === 'number') return { name, type: A.INT, i: v };
  if (typeof v === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: A.INTS, ints: v };
  if ('f' in v) return { name, type: A.FLOAT, f: v.f };
  return { name, type: A.TENSOR, t: tensorProto(name, v.t) };
}

/** x -> Relu -> y (so the graph has a layer), and the node under test on constant inputs -> z0, z1... */
function model(c: Case): Uint8Array {
  const ins = c.inputs.map((d, k) => (d ? `c${k}` : ''));
  const outs = iota(c.outputs ?? 1).map((k) => `z${k}`);
  const vi = (name: string) => ({ name });
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: c.opset ?? 17 }],
      graph: {
        name: c.op,
        node: [
          { opType: 'Relu', name: 'relu', input: ['x'], output: ['y'] },
          {
            opType: c.op,
            name: 'node',
            input: ins,
            output: outs,
            attribute: Object.entries(c.attrs ?? {}).map(([k, v]) => attribute(k, v)),
          },
        ],
        initializer: c.inputs.flatMap((d, k) => (d ? [tensorProto(`c${k}`, d)] : [])),
        input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }] } } } }],
        output: [vi('y'), ...outs.map(vi)],
      },
    }),
  ).finish();
}

const CASES: [string, Case][] = [
  [
    'Slice: start, end, step',
    { op: 'Slice', inputs: [i([10], iota(10)), i([1], [2]), i([1], [8]), i([1], [0]), i([1], [2])] },
  ],
  [
    'Slice: negative step over INT64 extremes',
    { op: 'Slice', inputs: [i([4], iota(4, 1)), i([1], [INT64_MAX]), i([1], [INT64_MIN]), i([1], [0]), i([1], [-1])] },
  ],
  [
    'Slice: negative start, INT64_MIN end, step -1',
    { op: 'Slice', inputs: [i([5], iota(5)), i([1], [-1]), i([1], [INT64_MIN]), null, i([1], [-1])] },
  ],
  ['Slice: clamped start and end', { op: 'Slice', inputs: [i([5], iota(5)), i([1], [-100]), i([1], [100])] }],
  ['Slice: INT64_MAX end, default axes', { op: 'Slice', inputs: [i([6], iota(6)), i([1], [1]), i([1], [INT64_MAX])] }],
  ['Slice: empty result', { op: 'Slice', inputs: [i([5], iota(5)), i([1], [4]), i([1], [2])] }],
  [
    'Slice: 2-D, two axes, step -2',
    { op: 'Slice', inputs: [f([3, 4], iota(12)), i([2], [3, 1]), i([2], [0, 3]), i([2], [1, 0]), i([2], [-2, 1])] },
  ],
  [
    'Slice (opset 9): attributes',
    { op: 'Slice', opset: 9, inputs: [f([3, 4], iota(12))], attrs: { starts: [1, -3], ends: [3, 100], axes: [0, 1] } },
  ],
  ['Gather: scalar index of a shape', { op: 'Gather', inputs: [i([4], [1, 3, 224, 224]), i([], [1])] }],
  ['Gather: negative indices', { op: 'Gather', inputs: [i([4], [1, 3, 5, 7]), i([2], [-1, 0])] }],
  ['Gather: axis 1 of a matrix', { op: 'Gather', inputs: [f([2, 3], iota(6)), i([2], [2, 0])], attrs: { axis: 1 } }],
  ['Concat: shape pieces', { op: 'Concat', inputs: [i([1], [1]), i([2], [-1, 7]), i([1], [0])], attrs: { axis: 0 } }],
  [
    'Concat: matrices on axis 1',
    { op: 'Concat', inputs: [f([2, 1], [1, 2]), f([2, 2], [3, 4, 5, 6])], attrs: { axis: 1 } },
  ],
  [
    'Reshape: 0 copies a dimension, -1 takes the rest',
    { op: 'Reshape', inputs: [f([2, 3, 4], iota(24)), i([2], [0, -1])] },
  ],
  [
    'Reshape: allowzero keeps a literal 0',
    { op: 'Reshape', opset: 14, inputs: [f([0, 3], []), i([2], [3, 0])], attrs: { allowzero: 1 } },
  ],
  ['Squeeze (opset 13): axes input', { op: 'Squeeze', inputs: [i([1, 3, 1], [4, 5, 6]), i([1], [2])] }],
  ['Squeeze (opset 11): every axis of size 1', { op: 'Squeeze', opset: 11, inputs: [i([1, 3, 1], [4, 5, 6])] }],
  ['Unsqueeze (opset 13): negative axis', { op: 'Unsqueeze', inputs: [i([3], [4, 5, 6]), i([2], [0, -1])] }],
  [
    'Unsqueeze (opset 11): attribute',
    { op: 'Unsqueeze', opset: 11, inputs: [i([3], [4, 5, 6])], attrs: { axes: [1] } },
  ],
  ['Flatten: axis 0', { op: 'Flatten', inputs: [f([2, 3], iota(6))], attrs: { axis: 0 } }],
  ['Flatten: axis 2', { op: 'Flatten', inputs: [f([2, 3, 2], iota(12))], attrs: { axis: 2 } }],
  ['Transpose: perm', { op: 'Transpose', inputs: [i([2, 3, 4], iota(24))], attrs: { perm: [2, 0, 1] } }],
  ['Transpose: default perm reverses', { op: 'Transpose', inputs: [f([2, 3], iota(6))] }],
  ['Shape', { op: 'Shape', inputs: [f([2, 3, 4], iota(24))] }],
  [
    'Shape (opset 15): start and negative end',
    { op: 'Shape', inputs: [f([2, 3, 4, 5], iota(120))], attrs: { start: 1, end: -1 } },
  ],
  ['Size', { op: 'Size', inputs: [f([2, 3, 4], iota(24))] }],
  ['Cast: float to int64 truncates', { op: 'Cast', inputs: [f([4], [2.7, -2.7, 0.5, 3])], attrs: { to: 7 } }],
  ['Cast: int64 to float', { op: 'Cast', inputs: [i([2], [3, -4])], attrs: { to: 1 } }],
  ['Cast: float to bool', { op: 'Cast', inputs: [f([3], [0, 2, -1])], attrs: { to: 9 } }],
  ['Add: broadcasting', { op: 'Add', inputs: [i([2, 1], [1, 2]), i([3], [10, 20, 30])] }],
  ['Sub', { op: 'Sub', inputs: [f([3], [1, 2, 3]), f([], [0.5])] }],
  ['Mul', { op: 'Mul', inputs: [i([3], [1, 2, 3]), i([3], [4, 5, 6])] }],
  ['Div: int64 truncates toward zero', { op: 'Div', inputs: [i([4], [7, -7, 9, -9]), i([1], [2])] }],
  ['Div: float', { op: 'Div', inputs: [f([2], [7, -1]), f([1], [2])] }],
  ['Max', { op: 'Max', inputs: [i([3], [1, 5, 3]), i([3], [4, 2, 6])] }],
  ['Min', { op: 'Min', inputs: [f([3], [1, 5, 3]), f([1], [2])] }],
  ['Equal', { op: 'Equal', inputs: [i([4], [1, 2, 3, 4]), i([4], [1, 0, 3, 0])] }],
  ['Where: broadcasting', { op: 'Where', inputs: [b([3], [1, 0, 1]), i([2, 1], [10, 20]), i([3], [1, 2, 3])] }],
  ['Floor', { op: 'Floor', inputs: [f([3], [1.5, -1.5, 2])] }],
  ['Ceil', { op: 'Ceil', inputs: [f([3], [1.5, -1.5, 2])] }],
  ['Sqrt', { op: 'Sqrt', inputs: [f([3], [4, 2, 0])] }],
  ['Neg', { op: 'Neg', inputs: [i([2], [3, -4])] }],
  ['Range: int64', { op: 'Range', inputs: [i([], [0]), i([], [10]), i([], [3])] }],
  ['Range: float, negative delta', { op: 'Range', inputs: [f([], [1]), f([], [0]), f([], [-0.25])] }],
  [
    'ConstantOfShape: int64 value',
    { op: 'ConstantOfShape', inputs: [i([2], [2, 3])], attrs: { value: { t: i([1], [7]) } } },
  ],
  ['ConstantOfShape: default 0', { op: 'ConstantOfShape', inputs: [i([1], [4])] }],
  ['Expand: both ways', { op: 'Expand', inputs: [i([3, 1], [1, 2, 3]), i([3], [2, 1, 4])] }],
  ['ReduceProd: all axes', { op: 'ReduceProd', inputs: [i([3], [2, 3, 4])], attrs: { keepdims: 0 } }],
  [
    'ReduceProd (opset 13): one axis, keepdims',
    { op: 'ReduceProd', opset: 13, inputs: [f([2, 3], iota(6, 1))], attrs: { axes: [1] } },
  ],
  ['Split (opset 13): sizes input', { op: 'Split', inputs: [i([5], iota(5)), i([2], [2, 3])], outputs: 2 }],
  [
    'Split (opset 18): uneven num_outputs',
    { op: 'Split', opset: 18, inputs: [f([2, 5], iota(10))], attrs: { axis: 1, num_outputs: 2 }, outputs: 2 },
  ],
  [
    'Split (opset 11): equal parts, attribute axis',
    { op: 'Split', opset: 11, inputs: [i([2, 4], iota(8))], attrs: { axis: 1 }, outputs: 2 },
  ],
  ['Identity', { op: 'Identity', inputs: [i([2], [3, 4])] }],
];

async function runtime(bytes: Uint8Array, outputs: number) {
  const run = await Runner.open(bytes, [{ name: 'x', shape: [1] }], { threads: 1, optLevel: 'disabled' }, 'case');
  try {
    const out = await run.outputs();
    return iota(outputs).map((k) => {
      const t = out[`z${k}`];
      return { dims: [...t.dims].map(Number), data: Array.from(t.data as ArrayLike<number | bigint>, Number) };
    });
  } finally {
    await run.close();
  }
}

describe("folded values equal onnxruntime's, op by op", () => {
  it.each(CASES)('%s', async (_, c) => {
    const bytes = model(c);
    const expected = await runtime(bytes, c.outputs ?? 1);
    const r = importOnnx(bytes, { file: 'case.onnx' });
    for (const [k, e] of expected.entries()) {
      const got = r.constant(`z${k}`);
      expect(got, `z${k} is folded`).toBeDefined();
      expect(got?.dims).toEqual(e.dims);
      expect(got?.data.length).toBe(e.data.length);
      for (const [j, v] of e.data.entries()) expect(got?.data[j]).toBeCloseTo(v, 5);
    }
  });
});

describe('shape subgraphs fold through the same ops: the reshaped shape equals onnxruntime', () => {
  const chain = (starts: bigint, ends: bigint, steps: bigint) => {
    const t = (name: string, v: bigint) => tensorProto(name, i([1], [v]));
    return onnx.ModelProto.encode(
      onnx.ModelProto.create({
        irVersion: 8,
        opsetImport: [{ domain: '', version: 13 }],
        graph: {
          name: 'chain',
          node: [
            { opType: 'Shape', name: 'shape', input: ['x'], output: ['s'] },
            { opType: 'Slice', name: 'slice', input: ['s', 'starts', 'ends', 'axes', 'steps'], output: ['r'] },
            { opType: 'Reshape', name: 'reshape', input: ['x', 'r'], output: ['y'] },
            { opType: 'Relu', name: 'relu', input: ['y'], output: ['z'] },
          ],
          initializer: [t('starts', starts), t('ends', ends), t('axes', 0n), t('steps', steps)],
          input: [
            {
              name: 'x',
              type: { tensorType: { elemType: 1, shape: { dim: [1, 3, 4, 5].map((d) => ({ dimValue: d })) } } },
            },
          ],
          output: [{ name: 'z' }],
        },
      }),
    ).finish();
  };
  it.each([
    ['Shape -> Slice(INT64_MAX, INT64_MIN, -1) -> Reshape', INT64_MAX, INT64_MIN, -1n],
    ['Shape -> Slice(-1, INT64_MIN, -1) -> Reshape', -1n, INT64_MIN, -1n],
    ['Shape -> Slice(0, INT64_MAX, 1) -> Reshape', 0n, INT64_MAX, 1n],
  ])('%s', async (_, s, e, st) => {
    const bytes = chain(s, e, st);
    const r = importOnnx(bytes, { file: 'chain.onnx' });
    const run = await Runner.open(bytes, r.inputs, { threads: 1, optLevel: 'disabled' }, 'chain');
    try {
      const out = await run.outputs();
      expect(r.graph.output.shape).toEqual([...out.z.dims].map(Number));
    } finally {
      await run.close();
    }
  });
});
