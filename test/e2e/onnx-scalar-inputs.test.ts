/**
 * Inputs as real files declare them (issue 29): a scalar input (shape []: a sample rate, a
 * threshold) is a scalar, not an unknown shape; the hint for an input of unknown size matches its rank.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/cost/analyze.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { expectClean, hostileKit } from '../hostile-kit.ts';
import { onnxModel } from '../onnx-models.ts';

const { file, run } = hostileKit('inputs');

describe('scalar inputs', () => {
  const bytes = onnxModel({
    inputs: [
      { name: 'x', dims: [1, 16000] },
      { name: 's', dims: [] },
    ],
    nodes: [{ op: 'Mul', name: 'scale', inputs: ['x', 's'], outputs: ['y'] }],
    outputs: ['y'],
  });
  it('read as shape [], its one element counted', () => {
    const r = importOnnx(bytes, { file: 's.onnx' });
    expect(r.inputs.map((i) => [i.name, i.shape])).toEqual([
      ['x', [1, 16000]],
      ['s', []],
    ]);
    // reads 16,000 + 1 elements, writes 16,000
    expect(analyze(r.graph).totals.memoryAccess).toBe(32001);
  });
  it('bench runs it (onnxruntime takes the scalar as given)', () => {
    const r = run(['bench', file('s.onnx', bytes), '--runs', '2', '--warmup', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/latency over 2 runs/);
  });
});

describe('the hint for an input of unknown size', () => {
  it.each([
    [['n'], 'a=N'],
    [['n', 80], 'a=Nx80'],
    [['n', 'c', 'l'], 'a=NxNxN'],
    [['n', 'c', 'h', 'w'], 'a=NxCxHxW'],
    [[1, 3, 'h', 'w'], 'a=NxCxHxW'],
  ])('rank %j: --input %s', (dims, hint) => {
    const m = file(
      `rank${dims.length}.onnx`,
      onnxModel({
        inputs: [
          { name: 'a', dims },
          { name: 'b', dims: [1] },
        ],
        nodes: [{ op: 'Add', name: 'add', inputs: ['a', 'b'], outputs: ['y'] }],
        outputs: ['y'],
      }),
    );
    expectClean(run(['report', m]), new RegExp(`give its shape with --input ${hint} \\(inputs\\.a\\)`));
  });
});
