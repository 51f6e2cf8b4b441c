/**
 * Hostile input, round four (issue 32): weights counted as declared rather than as stored: every
 * element type, raw data too short for its dims. Each case ends in a correct result or one line
 * with exit 2 naming the file, node or field and the fix.
 */
import { describe, expect, it } from 'vitest';
import { expectClean, hostileKit } from '../hostile-kit.ts';
import { onnxModel, type TensorSpec } from '../onnx-models.ts';

const { file, run } = hostileKit('r4-stored');

describe('weights are counted as stored, not as declared', () => {
  const big = [2 ** 16, 2 ** 20];
  // an Identity of the weight, so that the tensor is read (its params counted) whatever its type
  const withWeight = (name: string, w: TensorSpec) =>
    file(
      name,
      onnxModel({
        inputs: [{ name: 'x', dims: [1, 4] }],
        initializers: [w],
        nodes: [
          { op: 'Relu', name: 'relu', inputs: ['x'], outputs: ['y'] },
          { op: 'Shape', name: 'shape', inputs: ['w'], outputs: ['s'] },
        ],
        outputs: ['y', 's'],
      }),
    );
  it.each([
    ['uint4', 21],
    ['int4', 22],
    ['float8e4m3fn', 17],
    ['float8e4m3fnuz', 18],
    ['float8e5m2', 19],
    ['float8e5m2fnuz', 20],
    ['float4e2m1', 23],
    ['complex64', 14],
  ])('%s: 1 byte of raw_data for dims [2^16, 2^20]', (_, code) => {
    const m = withWeight(`stored-${code}.onnx`, { name: 'w', dims: big, raw: new Uint8Array(1), code });
    expectClean(run(['report', m]), /tensor 'w' holds 1 bytes of data for dims \[65536, 1048576\] \(\d+ expected\)/);
  });
  it('string: raw_data is no place for strings', () => {
    const m = withWeight('stored-string.onnx', { name: 'w', dims: big, raw: new Uint8Array(1), code: 8 });
    expectClean(run(['report', m]), /tensor 'w' is a string tensor with raw_data; strings live in string_data/);
  });
  it.each([[0], [99]])('element type %i: no ONNX element type', (code) => {
    const m = withWeight(`stored-type${code}.onnx`, { name: 'w', dims: big, raw: new Uint8Array(1), code });
    expectClean(run(['report', m]), new RegExp(`tensor 'w' has element type ${code}, which is no ONNX element type`));
  });
  it('int4: 9 values need 5 bytes, 4 are refused', () => {
    const m = withWeight('int4-9.onnx', { name: 'w', dims: [9], raw: new Uint8Array(4), code: 22 });
    expectClean(run(['report', m]), /tensor 'w' holds 4 bytes of data for dims \[9\] \(5 expected\)/);
    const ok = withWeight('int4-9-ok.onnx', { name: 'w', dims: [9], raw: new Uint8Array(5), code: 22 });
    expect(run(['report', ok]).code).toBe(0);
  });
});
