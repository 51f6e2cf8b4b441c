/**
 * Control flow: Loop (constant trips, trips known at run time, shapes that change from trip to
 * trip), If (a condition that folds, one known at run time) and Scan, each against its closed form
 * and run in onnxruntime with its shapes compared.
 */
import { describe, expect, it } from 'vitest';
import { analyze, type CostReport, type LayerCost } from '../../src/cost/analyze.ts';
import { type ImportOptions, importOnnx } from '../../src/onnx/import.ts';
import { type GraphSpec, onnxModel, type TensorSpec } from '../onnx-models.ts';
import { shapeMismatches } from '../ort-shapes.ts';

const w = (name: string, dims: number[]): TensorSpec => ({
  name,
  dims,
  floats: new Array(dims.reduce((a, b) => a * b, 1)).fill(0.01),
});
const i64 = (name: string, v: number[], dims = [v.length]): TensorSpec => ({ name, dims, ints: v });
const bool = (name: string, v: number): TensorSpec => ({ name, dims: [], type: 'bool', values: [v] });
/** MAdds of the body's conv: 4 -> 4 channels, 3x3, on 8x8 */
const CONV = 4 * 8 * 8 * 4 * 9;

async function read(bytes: Uint8Array, opts: Partial<ImportOptions> = {}): Promise<CostReport> {
  const r = importOnnx(bytes, { file: 'c.onnx', ...opts });
  expect(r.warnings).toEqual([]);
  expect((await shapeMismatches(bytes, r)).wrong).toEqual([]);
  return analyze(r.graph);
}

/** A body that convolves its carried value and also emits it per trip. */
const convBody: GraphSpec = {
  inputs: [{ name: 'i', type: 'int64', dims: [] }, { name: 'c', type: 'bool', dims: [] }, { name: 'h' }],
  initializers: [w('bw', [4, 4, 3, 3])],
  nodes: [
    { op: 'Conv', name: 'conv', inputs: ['h', 'bw'], outputs: ['h2'], attrs: { pads: [1, 1, 1, 1] } },
    { op: 'Identity', name: 'keep', inputs: ['c'], outputs: ['c2'] },
  ],
  outputs: [{ name: 'c2', type: 'bool' }, 'h2', 'h2'],
};

function loopModel(trips: TensorSpec | 'dynamic'): Uint8Array {
  const dynamic = trips === 'dynamic';
  return onnxModel({
    inputs: [{ name: 'x', dims: [1, 4, 8, 8] }],
    initializers: [...(dynamic ? [i64('axes', [0, 1, 2, 3])] : [trips]), bool('yes', 1)],
    nodes: [
      ...(dynamic
        ? [
            { op: 'ReduceMax', inputs: ['x'], outputs: ['mx'], attrs: { keepdims: 0 } },
            { op: 'Cast', inputs: ['mx'], outputs: ['M'], attrs: { to: 7 } },
          ]
        : []),
      {
        op: 'Loop',
        name: 'loop',
        inputs: [dynamic ? 'M' : trips.name, 'yes', 'x'],
        outputs: ['y', 'ys'],
        attrs: { body: { g: convBody } },
      },
      { op: 'Relu', name: 'relu', inputs: ['y'], outputs: ['out'] },
    ],
    outputs: ['out', 'ys'],
  });
}

describe('Loop', () => {
  it('a 1,000-trip Loop around a Conv costs 1,000 Convs, and stacks its scan output', async () => {
    const r = await read(loopModel(i64('M', [1000], [])));
    const conv = r.layers.find((l) => l.name === 'loop/conv') as LayerCost;
    expect(conv.runs).toBe(1000);
    expect(conv.madds).toBe(1000 * CONV);
    // the weights are stored once, whatever the trips
    expect(conv.params).toBe(4 * 4 * 9);
    expect(r.totals.madds).toBe(1000 * CONV);
    expect(conv.path).toEqual(['loop']);
    const stack = r.layers.find((l) => l.op === 'control') as LayerCost;
    expect(stack.outputShape).toEqual([1000, 1, 4, 8, 8]);
    // the stacked output is read and written once
    expect(stack.memoryAccess).toBe(2 * 1000 * 256);
    expect(r.notes?.[0]).toMatch(/Loop 'loop': 1,000 trips: its body is counted 1,000 times/);
  });

  it('a trip count known only at run time is an error naming the node, unless --loop-trips gives it', async () => {
    const bytes = loopModel('dynamic');
    expect(() => importOnnx(bytes, { file: 'd.onnx' })).toThrow(
      /d\.onnx: node 'loop' \(Loop\): its trip count is known only at run time; give the trips to cost it with --loop/,
    );
    const r = analyze(importOnnx(bytes, { file: 'd.onnx', loopTrips: 7 }).graph);
    expect(r.totals.madds).toBe(7 * CONV);
    expect(r.notes?.[0]).toMatch(/7 trips \(--loop-trips\)/);
  });

  it('a body whose shapes change from trip to trip is unrolled (a list of slices: tensor_split)', async () => {
    // trip i takes rows bounds[i]..bounds[i+1] of x and inserts them into a sequence
    const body: GraphSpec = {
      inputs: [
        { name: 'i', type: 'int64', dims: [] },
        { name: 'c', type: 'bool', dims: [] },
        { name: 'seq', sequence: true },
      ],
      initializers: [i64('bounds', [0, 1, 4]), i64('one', [1], []), i64('ax', [0])],
      nodes: [
        { op: 'Gather', inputs: ['bounds', 'i'], outputs: ['lo'] },
        { op: 'Add', inputs: ['i', 'one'], outputs: ['i1'] },
        { op: 'Gather', inputs: ['bounds', 'i1'], outputs: ['hi'] },
        { op: 'Unsqueeze', inputs: ['lo', 'ax'], outputs: ['lo1'] },
        { op: 'Unsqueeze', inputs: ['hi', 'ax'], outputs: ['hi1'] },
        { op: 'Slice', name: 'slice', inputs: ['x', 'lo1', 'hi1', 'ax'], outputs: ['part'] },
        { op: 'Relu', name: 'relu', inputs: ['part'], outputs: ['r'] },
        { op: 'SequenceInsert', inputs: ['seq', 'r'], outputs: ['seq2'] },
        { op: 'Identity', inputs: ['c'], outputs: ['c2'] },
      ],
      outputs: [
        { name: 'c2', type: 'bool' },
        { name: 'seq2', sequence: true },
      ],
    };
    const bytes = onnxModel({
      inputs: [{ name: 'x', dims: [4, 6] }],
      initializers: [i64('M', [2], []), bool('yes', 1)],
      nodes: [
        { op: 'SequenceEmpty', inputs: [], outputs: ['empty'], attrs: { dtype: 1 } },
        { op: 'Loop', name: 'split', inputs: ['M', 'yes', 'empty'], outputs: ['parts'], attrs: { body: { g: body } } },
        { op: 'ConcatFromSequence', name: 'join', inputs: ['parts'], outputs: ['y'], attrs: { axis: 0 } },
      ],
      outputs: ['y'],
    });
    const r = await read(bytes);
    const relus = r.layers.filter((l) => l.op === 'relu');
    // trip 0 takes row 0, trip 1 rows 1-3
    expect(relus.map((l) => l.outputShape)).toEqual([
      [1, 6],
      [3, 6],
    ]);
    expect(relus.map((l) => l.path)).toEqual([
      ['split', 'split/0'],
      ['split', 'split/1'],
    ]);
    expect(r.layers.find((l) => l.name === 'join')?.outputShape).toEqual([4, 6]);
    expect(r.notes?.[0]).toMatch(/unrolled/);
  });
});

describe('If', () => {
  const branch = (name: string): GraphSpec => ({
    inputs: [],
    initializers: name === 'big' ? [w('bw', [4, 4, 3, 3])] : [],
    nodes:
      name === 'big'
        ? [{ op: 'Conv', name, inputs: ['x', 'bw'], outputs: [`${name}.y`], attrs: { pads: [1, 1, 1, 1] } }]
        : [{ op: 'Relu', name, inputs: ['x'], outputs: [`${name}.y`] }],
    outputs: [`${name}.y`],
  });
  /** An If on a condition that folds or not; its branches `big` and `small` in the order `taken` says, or given. */
  const ifModel = (
    cond: 'folds' | 'runtime',
    taken: 'big' | 'small' = 'big',
    given?: { then: GraphSpec; else: GraphSpec },
  ) =>
    onnxModel({
      inputs: [{ name: 'x', dims: [1, 4, 8, 8] }],
      initializers: [i64('four', [4], []), i64('one', [1], []), { name: 'zero', dims: [], floats: [0] }],
      nodes: [
        ...(cond === 'folds'
          ? [
              // the input's channel count is 4: the condition is a constant true
              { op: 'Shape', inputs: ['x'], outputs: ['sh'] },
              { op: 'Gather', inputs: ['sh', 'one'], outputs: ['c'] },
              { op: 'Equal', inputs: ['c', 'four'], outputs: ['cond'] },
            ]
          : [
              { op: 'ReduceMax', inputs: ['x'], outputs: ['mx'], attrs: { keepdims: 0 } },
              { op: 'Greater', inputs: ['mx', 'zero'], outputs: ['cond'] },
            ]),
        {
          op: 'If',
          name: 'choose',
          inputs: ['cond'],
          outputs: ['y'],
          attrs: {
            then_branch: { g: given?.then ?? branch(taken) },
            else_branch: { g: given?.else ?? branch(taken === 'big' ? 'small' : 'big') },
          },
        },
      ],
      outputs: ['y'],
    });

  it('a condition that folds costs its taken branch only', async () => {
    const r = await read(ifModel('folds'));
    expect(r.layers.map((l) => [l.name, l.op, l.path])).toEqual([
      ['choose/then/big', 'conv', ['choose', 'choose/then']],
    ]);
    expect(r.totals.madds).toBe(CONV);
    expect(r.notes).toEqual(["If 'choose': its condition is a constant (true): costed as its then branch"]);
  });

  it('a condition known only at run time: both branches reported, the larger counted, with a note', async () => {
    for (const taken of ['big', 'small'] as const) {
      const r = await read(ifModel('runtime', taken));
      const conv = r.layers.find((l) => l.op === 'conv') as LayerCost;
      const relu = r.layers.find((l) => l.op === 'relu') as LayerCost;
      expect(conv.runs).toBeUndefined();
      expect(relu.runs).toBe(0);
      expect(relu.flops).toBe(0);
      expect(r.totals.madds).toBe(CONV);
      // the condition's own layers, then the counted branch
      const condition = r.layers.filter((l) => l.path.length === 0).reduce((a, l) => a + l.flops, 0);
      expect(r.totals.flops).toBe(condition + conv.flops);
      expect(r.notes?.[0]).toMatch(
        new RegExp(
          `both branches are reported and the larger, ${taken === 'big' ? 'then' : 'else'} ` +
            '\\(9,216 MAdds\\), is counted',
        ),
      );
    }
  });

  it('a branch that cannot run at the given shapes is left out, and the note says why', async () => {
    // the else branch's convolution takes 8 channels; the input has 4 (an 8 kHz branch given a 16 kHz chunk)
    const broken: GraphSpec = {
      inputs: [],
      initializers: [w('ew', [4, 8, 3, 3])],
      nodes: [{ op: 'Conv', name: 'eight', inputs: ['x', 'ew'], outputs: ['e.y'], attrs: { pads: [1, 1, 1, 1] } }],
      outputs: ['e.y'],
    };
    const model = (then: GraphSpec) => ifModel('runtime', 'big', { then, else: broken });
    const r = await read(model(branch('small')));
    expect(r.layers.filter((l) => l.path.length > 0).map((l) => [l.name, l.runs])).toEqual([
      ['choose/then/small', undefined],
    ]);
    expect(r.totals.madds).toBe(0);
    expect(r.notes?.[0]).toBe(
      "If 'choose': its else branch cannot run at these shapes (node 'choose/else/eight' (Conv): the weight " +
        '[4, 8, 3, 3] with group 1 takes 8 input channels; the input has 4): costed as its then branch',
    );
    // neither branch can run: the first one's error, naming its node
    expect(() => importOnnx(model(broken), { file: 'both.onnx' })).toThrow(
      /both\.onnx: node 'choose\/then\/eight' \(Conv\)/,
    );
  });
});

describe('Scan', () => {
  it('the trips are the scan input length: a MatMul per step, its outputs stacked', async () => {
    const body: GraphSpec = {
      inputs: [{ name: 'acc' }, { name: 'row' }],
      initializers: [w('sw', [6, 6])],
      nodes: [
        { op: 'MatMul', name: 'mm', inputs: ['row', 'sw'], outputs: ['p'] },
        { op: 'Add', name: 'sum', inputs: ['acc', 'p'], outputs: ['acc2'] },
        { op: 'Identity', inputs: ['p'], outputs: ['p2'] },
      ],
      outputs: ['acc2', 'p2'],
    };
    const bytes = onnxModel({
      inputs: [
        { name: 'init', dims: [1, 6] },
        { name: 'seq', dims: [10, 1, 6] },
      ],
      nodes: [
        {
          op: 'Scan',
          name: 'scan',
          inputs: ['init', 'seq'],
          outputs: ['final', 'steps'],
          attrs: { body: { g: body }, num_scan_inputs: 1 },
        },
      ],
      outputs: ['final', 'steps'],
    });
    const r = await read(bytes);
    const mm = r.layers.find((l) => l.name === 'scan/mm') as LayerCost;
    expect(mm.runs).toBe(10);
    expect(mm.madds).toBe(10 * 6 * 6);
    expect(r.layers.find((l) => l.op === 'control')?.outputShape).toEqual([10, 1, 6]);
  });

  it('before opset 9: sequence lengths first, a batch axis on every input and output, the body per item', async () => {
    // ONNX's test_scan_sum at a batch of 2: a running sum of [2, 3, 2] rows from [2, 2]
    const body: GraphSpec = {
      inputs: [{ name: 'acc' }, { name: 'row' }],
      initializers: [w('sw', [2, 2])],
      nodes: [
        { op: 'MatMul', name: 'mm', inputs: ['row', 'sw'], outputs: ['p'] },
        { op: 'Add', name: 'sum', inputs: ['acc', 'p'], outputs: ['acc2'] },
        { op: 'Identity', inputs: ['acc2'], outputs: ['out'] },
      ],
      outputs: ['acc2', 'out'],
    };
    const bytes = onnxModel({
      inputs: [
        { name: 'init', dims: [2, 2] },
        { name: 'seq', dims: [2, 3, 2] },
      ],
      nodes: [
        {
          op: 'Scan',
          name: 'scan',
          inputs: ['', 'init', 'seq'],
          outputs: ['final', 'steps'],
          attrs: { body: { g: body }, num_scan_inputs: 1 },
        },
      ],
      outputs: ['final', 'steps'],
      opset: 8,
    });
    const r = await read(bytes);
    const mm = r.layers.find((l) => l.name === 'scan/mm') as LayerCost;
    // 2 items x 3 steps, a [2] row by a [2, 2] matrix each
    expect(mm.runs).toBe(6);
    expect(mm.madds).toBe(6 * 2 * 2);
    expect(r.layers.find((l) => l.op === 'control')?.outputShape).toEqual([2, 3, 2]);
  });
});
