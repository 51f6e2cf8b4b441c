/**
 * Hostile input, round four (issue 32), messages: a hint is a command that works as printed.
 */
import { describe, expect, it } from 'vitest';
import { expectClean, hostileKit } from '../hostile-kit.ts';
import { onnxModel } from '../onnx-models.ts';

const { file, run } = hostileKit('messages');

describe('hints that work as printed', () => {
  it("a dimension named 'a=b': the hint --dim a=b=N is what sizes it", () => {
    const m = file(
      'eq-dim.onnx',
      onnxModel({
        inputs: [{ name: 'x', dims: ['a=b', 8] }],
        nodes: [{ op: 'Relu', name: 'r', inputs: ['x'], outputs: ['y'] }],
        outputs: ['y'],
      }),
    );
    expectClean(run(['report', m]), /--dim a=b=N \(dims\.a=b\)/);
    const r = run(['report', m, '--dim', 'a=b=4', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).layers[0].outputShape).toEqual([4, 8]);
  });
});
