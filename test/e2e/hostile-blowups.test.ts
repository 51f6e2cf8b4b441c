/**
 * Hostile input, round four (issue 32): inputs under 64 KB that cost seconds and gigabytes:
 * SplitToSequence into a million parts, Scan output axes out of range, nested Loops whose carried
 * value grows each trip, a 64 KB chain of 3,550 Relus drawn as a chart. Each case ends in a correct
 * result or one line with exit 2 naming the file, node or field and the fix.
 */
import { describe, expect, it } from 'vitest';
import { bool, expectClean, hostileKit, i64, scanModel } from '../hostile-kit.ts';
import { type GraphSpec, onnxModel } from '../onnx-models.ts';

const { file, run } = hostileKit('r4-blowups');

describe('blowups end early', () => {
  it('SplitToSequence of x[1, 2^20] into parts of 1: refused at once, naming the bound', () => {
    const m = file(
      'split-many.onnx',
      onnxModel({
        inputs: [{ name: 'x', dims: [1, 2 ** 20] }],
        initializers: [i64('one', [1], [])],
        nodes: [
          { op: 'SplitToSequence', name: 'split', inputs: ['x', 'one'], outputs: ['parts'], attrs: { axis: 1 } },
          { op: 'ConcatFromSequence', name: 'join', inputs: ['parts'], outputs: ['y'], attrs: { axis: 1 } },
        ],
        outputs: ['y'],
      }),
    );
    const t0 = Date.now();
    expectClean(
      run(['report', m]),
      /node 'split' \(SplitToSequence\): splits into 1,048,576 tensors; netcost reads sequences of at most 4,096/,
    );
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('Scan scan_output_axes out of range (100, -100): refused', () => {
    for (const ax of [100, -100]) {
      expectClean(
        run(['report', scanModel(file, `scan-axis${ax}.onnx`, ['sf', 'y'], { scan_output_axes: [ax] })]),
        new RegExp(`scan_output_axes\\[0\\] ${ax} is out of range for a 2-D stacked output`),
      );
    }
  });
});

describe('nested Loops whose carried value grows each trip end early', () => {
  /** a body that runs a Loop of `depth - 1` levels on its carried value, then appends one column to it */
  const grow = (depth: number, trips: number): GraphSpec => ({
    inputs: [{ name: 'i', type: 'int64', dims: [] }, { name: 'c', type: 'bool', dims: [] }, { name: 'h' }],
    initializers: [
      { name: 'one', dims: [1, 1], floats: [1] },
      ...(depth > 1 ? [i64('M', [trips], []), bool('yes', 1)] : []),
    ],
    nodes: [
      depth > 1
        ? {
            op: 'Loop',
            name: `l${depth}`,
            inputs: ['M', 'yes', 'h'],
            outputs: ['hin'],
            attrs: { body: { g: grow(depth - 1, trips) } },
          }
        : { op: 'Identity', name: 'same', inputs: ['h'], outputs: ['hin'] },
      { op: 'Concat', name: 'cat', inputs: ['hin', 'one'], outputs: ['h2'], attrs: { axis: 1 } },
      { op: 'Identity', name: 'keep', inputs: ['c'], outputs: ['c2'] },
    ],
    outputs: [{ name: 'c2', type: 'bool' }, 'h2'],
  });
  it.each([
    [3, 40],
    [4, 16],
    [2, 256],
  ])('%i levels x %i trips: one line within seconds', (depth, trips) => {
    const m = file(
      `nested-${depth}x${trips}.onnx`,
      onnxModel({
        inputs: [{ name: 'x', dims: [1, 1] }],
        initializers: [i64('M', [trips], []), bool('yes', 1)],
        nodes: [
          {
            op: 'Loop',
            name: 'outer',
            inputs: ['M', 'yes', 'x'],
            outputs: ['y'],
            attrs: { body: { g: grow(depth, trips) } },
          },
        ],
        outputs: ['y'],
      }),
    );
    const t0 = Date.now();
    const r = run(['report', m]);
    expect(Date.now() - t0).toBeLessThan(8000);
    expectClean(r, /node 'outer[^']*' \(Loop\): its control flow reads more than 10,000 subgraph bodies/);
    expect(r.stderr).toMatch(/or makes more than 100,000 layers \(Loops unrolled trip by trip, nested\)/);
  });
});

describe('a chain of 3,550 Relus (a 64 KB file) draws in bounded time', () => {
  const nodes = Array.from({ length: 3550 }, (_, i) => ({
    op: 'Relu',
    name: `r${i}`,
    inputs: [i ? `t${i}` : 'x'],
    outputs: [`t${i + 1}`],
  }));
  const m = file('relu-chain.onnx', onnxModel({ inputs: [{ name: 'x', dims: [1, 8] }], nodes, outputs: ['t3550'] }));
  it.each([['svg'], ['html']])(
    '--format %s: the 400 largest rows drawn, the rest one bar, and it says so',
    (format) => {
      const t0 = Date.now();
      const r = run(['report', m, '--format', format]);
      expect(r.code, r.stderr).toBe(0);
      // it took 10 s and 1.2 GB before
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(r.stdout).toContain('the 400 largest of 3,550 rows');
      expect(r.stdout).toContain('the other 3,150 layers');
    },
  );
});
