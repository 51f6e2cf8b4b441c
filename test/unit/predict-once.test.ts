/**
 * `--predict` reads the file once: the report's import of an ONNX file is handed down to the
 * prediction, which plans from the decoded model it holds (issue 30). The prediction is the one the
 * file with its nodes named and its inputs fixed gives (what onnxruntime is handed when it runs it).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withNodeNames } from '../../src/onnx/node-names.ts';
import { onnx } from '../../src/onnx/proto.ts';
import { runTarget, sourceRead } from '../../src/pipeline.ts';
import { predict } from '../../src/predict/attach.ts';
import { onnxModel } from '../onnx-models.ts';
import { testProfile } from '../profiles.ts';

const bytes = onnxModel({
  inputs: [{ name: 'x', dims: ['n', 8, 16, 16] }],
  initializers: [{ name: 'w', dims: [16, 8, 3, 3], floats: new Array(16 * 8 * 9).fill(0.01) }],
  nodes: [
    { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], attrs: { pads: [1, 1, 1, 1] } },
    { op: 'Relu', inputs: ['c'], outputs: ['y'] },
  ],
  outputs: ['y'],
});
const src = { kind: 'onnx' as const, name: 'm.onnx', file: 'm.onnx', bytes };
const binding = { inputs: { x: [2, 8, 16, 16] } };
const profile = testProfile();

describe('a prediction of an ONNX file', () => {
  afterEach(() => vi.restoreAllMocks());
  it('decodes the file once, in the import the report and the prediction share', async () => {
    const decode = vi.spyOn(onnx.ModelProto, 'decode');
    const { graph, imported } = await sourceRead(src, binding);
    const m = predict(profile, runTarget(src, graph, { ...binding, imported }));
    expect(decode).toHaveBeenCalledTimes(1);
    // the Relu fused into the convolution, blocked (the test profile's block is 8)
    expect(m.kernels.map((k) => k.op)).toEqual(['ReorderInput', 'Conv', 'ReorderOutput']);
  });
  it('decodes it once without an import handed down, and predicts what the named, bound file gives', () => {
    const decode = vi.spyOn(onnx.ModelProto, 'decode');
    const alone = predict(profile, { kind: 'onnx', file: 'm.onnx', bytes, ...binding });
    expect(decode).toHaveBeenCalledTimes(1);
    vi.restoreAllMocks();
    const named = withNodeNames(bytes, [{ name: 'x', shape: [2, 8, 16, 16] }]);
    const before = predict(profile, { kind: 'onnx', file: 'm.onnx', bytes: named });
    expect(alone.predictedMs).toBe(before.predictedMs);
    expect(alone.kernels.map((k) => [k.key, k.ms])).toEqual(before.kernels.map((k) => [k.key, k.ms]));
  });
});
