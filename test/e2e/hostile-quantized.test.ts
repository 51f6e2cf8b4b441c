/**
 * Hostile input, round four (issue 32), quantized ops: zero points of a type ONNX does not allow or
 * of another type than their tensor, and QLinearConv scales and bias of the wrong size or type, end
 * in one line naming the node and the fix, where they used to be counted as if they were right.
 */
import { describe, expect, it } from 'vitest';
import { expectClean, hostileKit } from '../hostile-kit.ts';
import { onnxModel, type TensorSpec, type TypeName } from '../onnx-models.ts';

const { file, run } = hostileKit('quantized');
const scalar = (name: string, type: TypeName = 'float', v = 1): TensorSpec => ({ name, dims: [], type, values: [v] });

/** x [1, 8] float -> QuantizeLinear(scale, zero point) -> DequantizeLinear(scale, zero point of `dqType`). */
function qdq(name: string, qType: TypeName, dqType: TypeName): string {
  return file(
    name,
    onnxModel({
      inputs: [{ name: 'x', dims: [1, 8] }],
      initializers: [scalar('s'), scalar('zq', qType, 0), scalar('zd', dqType, 0)],
      nodes: [
        { op: 'QuantizeLinear', name: 'q', inputs: ['x', 's', 'zq'], outputs: ['xq'] },
        { op: 'DequantizeLinear', name: 'dq', inputs: ['xq', 's', 'zd'], outputs: ['y'] },
      ],
      outputs: ['y'],
    }),
  );
}

/** A QLinearConv of a uint8 [1, 4, 6, 6] input and 8 int8 3x3 filters, with scales and a bias as given. */
function qconv(
  name: string,
  o: { xScale?: readonly number[]; wScale?: readonly number[]; bias?: TypeName } = {},
): string {
  const vec = (n: string, dims: number[]): TensorSpec => ({
    name: n,
    dims,
    values: dims.length ? Array(dims[0]).fill(1) : [1],
  });
  const bias: TensorSpec[] = o.bias ? [{ name: 'b', dims: [8], type: o.bias, values: Array(8).fill(0) }] : [];
  return file(
    name,
    onnxModel({
      inputs: [{ name: 'x', dims: [1, 4, 6, 6], type: 'uint8' }],
      initializers: [
        vec('xs', [...(o.xScale ?? [])]),
        scalar('xz', 'uint8', 0),
        { name: 'w', dims: [8, 4, 3, 3], type: 'int8', values: Array(288).fill(1) },
        vec('ws', [...(o.wScale ?? [])]),
        scalar('wz', 'int8', 0),
        scalar('ys'),
        scalar('yz', 'uint8', 0),
        ...bias,
      ],
      nodes: [
        {
          op: 'QLinearConv',
          name: 'qc',
          inputs: ['x', 'xs', 'xz', 'w', 'ws', 'wz', 'ys', 'yz', ...(o.bias ? ['b'] : [])],
          outputs: ['y'],
          attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] },
        },
      ],
      outputs: ['y'],
    }),
  );
}

describe('hostile quantized ops', () => {
  it.each([
    [
      'zq-float.onnx',
      'float',
      'uint8',
      /node 'q' \(QuantizeLinear\): the zero point is fp32; at opset 17 it must be uint8, int8/,
    ],
    [
      'zq-int32.onnx',
      'int32',
      'int32',
      /node 'q' \(QuantizeLinear\): the zero point is int32; at opset 17 it must be uint8, int8/,
    ],
    [
      'zd-int64.onnx',
      'uint8',
      'int64',
      /node 'dq' \(DequantizeLinear\): the zero point is int64; at opset 17 it must be/,
    ],
    [
      'zd-mixed.onnx',
      'int8',
      'uint8',
      /node 'dq' \(DequantizeLinear\): the zero point is uint8 but the tensor it belongs to is int8/,
    ],
  ] as const)('%s (%s, %s) is refused', (name, q, dq, message) => {
    expectClean(run(['report', qdq(name, q, dq)]), message);
  });

  it.each([
    ['qc-xscale.onnx', { xScale: [3] }, /node 'qc' \(QLinearConv\): x_scale has 3 values; it must be one \(a scalar\)/],
    ['qc-wscale.onnx', { wScale: [5] }, /w_scale has 5 values for 8 output channels; give 1 or 8/],
    ['qc-fbias.onnx', { bias: 'float' }, /the bias is fp32; QLinearConv's bias is int32/],
  ] as const)('%s is refused', (name, o, message) => {
    expectClean(run(['report', qconv(name, o)]), message);
  });

  it('the same models read when they are right: matching zero points, per-channel w_scale, an int32 bias', () => {
    expect(run(['report', qdq('qdq-ok.onnx', 'int8', 'int8')]).code).toBe(0);
    const r = run(['report', qconv('qc-ok.onnx', { wScale: [8], bias: 'int32' }), '--format', 'json']);
    expect(r.code).toBe(0);
    // 8 filters of 4x3x3 over 6x6 outputs
    expect(JSON.parse(r.stdout).totals.madds).toBe(8 * 36 * 36);
  });
});
