/**
 * Hostile input, round four (issue 32), Einsum: equations that are not valid ONNX Einsum end in
 * one line naming the file, the node and what is wrong with the equation, where they used to be
 * counted as if they meant something.
 */
import { describe, expect, it } from 'vitest';
import { expectClean, hostileKit } from '../hostile-kit.ts';
import { onnxModel } from '../onnx-models.ts';

const { file, run } = hostileKit('einsum');

/** A one-Einsum model over inputs of the given shapes. */
function einsumModel(name: string, equation: string, shapes: number[][], out: number[]): string {
  const inputs = shapes.map((dims, i) => ({ name: `x${i}`, dims }));
  return file(
    name,
    onnxModel({
      inputs,
      nodes: [{ op: 'Einsum', name: 'ein', inputs: inputs.map((x) => x.name), outputs: ['y'], attrs: { equation } }],
      outputs: ['y'],
      outputShapes: { y: out },
    }),
  );
}

describe('hostile Einsum equations', () => {
  it.each([
    ['out-twice.onnx', 'ij->ii', [[4, 4]], [4, 4], /output index 'i' appears twice; name each once/],
    ['diag-sizes.onnx', 'ii->i', [[1, 4]], [4], /repeats index 'i' over axes of 1 and 4; a diagonal needs equal sizes/],
    ['lone-dot.onnx', 'i.j->ij', [[2, 3, 4]], [2, 4], /an ellipsis is three dots \('\.\.\.'\); a lone '\.' is not/],
  ])('%s (%s) is refused', (name, equation, shapes, out, message) => {
    const r = run(['report', einsumModel(name, equation, shapes, out)]);
    expectClean(r, new RegExp(`${name.replace('.', '\\.')}: node 'ein' \\(Einsum\\).*${message.source}`));
  });

  it('a valid diagonal (ii->i on [4, 4]) and an ellipsis (...ij,...jk->...ik, a batched product) still read', () => {
    expect(run(['report', einsumModel('diag.onnx', 'ii->i', [[4, 4]], [4])]).code).toBe(0);
    const r = run([
      'report',
      einsumModel(
        'batched.onnx',
        '...ij,...jk->...ik',
        [
          [2, 3, 4],
          [2, 4, 5],
        ],
        [2, 3, 5],
      ),
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    // a matrix product per batch: 2 x 3 x 4 x 5 multiply-adds
    expect(JSON.parse(r.stdout).totals.madds).toBe(120);
  });
});
