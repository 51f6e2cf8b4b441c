/**
 * Hostile input, round four (issue 32), opsets: an op of the default domain used at an opset that
 * does not have it yet is refused in one line naming the node, the opset it needs and the fix,
 * where it used to be read as if the model imported that opset.
 */
import { describe, expect, it } from 'vitest';
import { expectClean, hostileKit } from '../hostile-kit.ts';
import { onnxModel } from '../onnx-models.ts';

const { file, run } = hostileKit('opsets');

function oneNode(name: string, op: string, opset: number, domain?: string): string {
  return file(
    name,
    onnxModel({
      inputs: [{ name: 'x', dims: [1, 8] }],
      nodes: [{ op, name: 'n', inputs: ['x'], outputs: ['y'], ...(domain ? { domain } : {}) }],
      outputs: ['y'],
      opset,
      ...(domain ? { opsets: { [domain]: 1 } } : {}),
    }),
  );
}

describe('ops used before their opset', () => {
  it('ONNX Gelu at opset 17 is refused, with the opset it needs and the contrib domain as the other fix', () => {
    expectClean(
      run(['report', oneNode('gelu17.onnx', 'Gelu', 17)]),
      new RegExp(
        "gelu17\\.onnx: node 'n' \\(Gelu\\): Gelu is in ONNX from opset 20, and the model imports opset 17; " +
          "import opset 20 or put the node in domain 'com\\.microsoft'",
      ),
    );
  });

  it('the same Gelu reads at opset 20, and in com.microsoft at any opset', () => {
    expect(run(['report', oneNode('gelu20.onnx', 'Gelu', 20)]).code).toBe(0);
    expect(run(['report', oneNode('gelu-ms.onnx', 'Gelu', 17, 'com.microsoft')]).code).toBe(0);
  });
});
