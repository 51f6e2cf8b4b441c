/**
 * Ops as the ONNX files packages ship write them, where netcost's first readers stopped: a Clip
 * whose lower bound the graph computes (every openWakeWord front end clamps its log-mel
 * spectrogram to 80 dB below its maximum).
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/cost/analyze.ts';
import { ort } from '../../src/measure/runner.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { cli } from '../helpers.ts';
import { onnxModel } from '../onnx-models.ts';

describe('a Clip with a computed bound', () => {
  const X = [1, 16, 32];
  const bytes = onnxModel({
    inputs: [{ name: 'x', dims: X }],
    initializers: [{ name: 'range', dims: [], floats: [80] }],
    nodes: [
      { op: 'ReduceMax', name: 'peak', inputs: ['x'], outputs: ['mx'], attrs: { keepdims: 0 } },
      { op: 'Sub', name: 'floor', inputs: ['mx', 'range'], outputs: ['lo'] },
      { op: 'Clip', name: 'clamp', inputs: ['x', 'lo'], outputs: ['y'] },
    ],
    outputs: ['y'],
    opset: 13,
  });

  it('reads as a clip whose bound is a value it reads: 2 FLOPs per element, the bound one element of MAC', async () => {
    const r = importOnnx(bytes, { file: 'melspec.onnx' });
    expect(r.warnings).toEqual([]);
    const clamp = analyze(r.graph).layers.find((l) => l.name === 'clamp');
    expect(clamp?.outputShape).toEqual(X);
    expect([clamp?.flops, clamp?.memoryAccess]).toEqual([2 * 512, 512 + 1 + 512]);
    const rt = await ort();
    const session = await rt.InferenceSession.create(bytes);
    const x = Float32Array.from({ length: 512 }, (_, i) => i - 400);
    const out = await session.run({ x: new rt.Tensor('float32', x, X) });
    expect([...out.y.dims]).toEqual(X);
    // onnxruntime clamps at 111 - 80 = 31: what the graph computes, which netcost reads as data
    expect(Math.min(...(out.y.data as Float32Array))).toBe(31);
    await session.release();
  });

  it('a bound of more than one value is refused with its shape', () => {
    const wide = onnxModel({
      inputs: [
        { name: 'x', dims: X },
        { name: 'lo', dims: [2] },
      ],
      nodes: [{ op: 'Clip', name: 'clamp', inputs: ['x', 'lo'], outputs: ['y'] }],
      outputs: ['y'],
      opset: 13,
    });
    expect(() => importOnnx(wide, { file: 'w.onnx' })).toThrow(
      /node 'clamp' \(Clip\): the min bound is \[2\]; a clip bound is one value/,
    );
  });
});

describe('the totals line of a small model', () => {
  it('scales each count on its own (64 MAdds, 272 B), where it printed 0.00M', () => {
    // a 1x1 convolution of 2 channels on 1x2x4x4: 4 weights, 2·2·16 = 64 multiply-adds,
    // 32 + 4 + 32 elements read and written
    const file = join(tmpdir(), `netcost-small-${process.pid}.onnx`);
    writeFileSync(
      file,
      onnxModel({
        inputs: [{ name: 'x', dims: [1, 2, 4, 4] }],
        initializers: [{ name: 'w', dims: [2, 2, 1, 1], floats: [1, 0, 0, 1] }],
        nodes: [{ op: 'Conv', name: 'pw', inputs: ['x', 'w'], outputs: ['y'] }],
        outputs: ['y'],
      }),
    );
    const r = cli(['report', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "total: 4 params, 64 MAdds, 128 FLOPs, 68 elements of memory access (272 B at each tensor's own type)",
    );
  });
});

describe('a score head with one output', () => {
  it("counts its one-element bias in the total as in the row (openWakeWord's heads lost 1 param)", () => {
    const bytes = onnxModel({
      inputs: [{ name: 'x', dims: [1, 16] }],
      initializers: [
        { name: 'w', dims: [1, 16], floats: new Array(16).fill(0.1) },
        { name: 'b', dims: [1], floats: [-0.5] },
      ],
      nodes: [
        { op: 'Gemm', name: 'score', inputs: ['x', 'w', 'b'], outputs: ['s'], attrs: { transB: 1 } },
        { op: 'Sigmoid', name: 'p', inputs: ['s'], outputs: ['y'] },
      ],
      outputs: ['y'],
      opset: 13,
    });
    const r = analyze(importOnnx(bytes, { file: 'head.onnx' }).graph);
    // 16 weights and 1 bias, stored once each
    expect(r.layers.find((l) => l.name === 'score')?.params).toBe(17);
    expect(r.totals.params).toBe(17);
  });
});
