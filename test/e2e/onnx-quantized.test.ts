/**
 * Quantized models: QOperator and QDQ versions of ShuffleNet V2 and MobileNet V2 (written in the
 * tests from netcost's deploy-view exports, and run in onnxruntime to prove they are valid) cost
 * the multiply-adds and params of their fp32 originals, with memory access in int8 bytes, and the
 * two forms report the same layers.
 */
import { describe, expect, it } from 'vitest';
import { analyze, type CostReport, type LayerCost } from '../../src/cost/analyze.ts';
import { Runner } from '../../src/measure/runner.ts';
import { exportOnnx } from '../../src/onnx/export.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { graphOf } from '../../src/pipeline.ts';
import { resolveModel } from '../../src/spec/load.ts';
import { onnxModel } from '../onnx-models.ts';
import { shapeMismatches } from '../ort-shapes.ts';
import { asForeign, halfModel, quantizedModel } from '../quantized-models.ts';

const numel = (s: number[]) => s.reduce((a, b) => a * b, 1);
const key = (l: LayerCost) => [l.name, l.op, l.madds, l.memoryAccess, l.memoryAccessBytes, l.dtype];

async function readAndRun(bytes: Uint8Array, file: string): Promise<CostReport> {
  const r = importOnnx(bytes, { file });
  expect(r.warnings).toEqual([]);
  const run = await Runner.open(bytes, r.inputs, { threads: 1, optLevel: 'all' }, file);
  try {
    await run.run();
  } finally {
    await run.close();
  }
  expect((await shapeMismatches(bytes, r)).wrong).toEqual([]);
  return analyze(r.graph);
}

describe.each(['shufflenet-v2-0.5x', 'mobilenet-v2-1.0x'])('%s in int8', (name) => {
  it('QOperator and QDQ: the fp32 MAdds and params, MAC in int8 bytes, the same layers in both forms', async () => {
    const spec = await resolveModel(name);
    const fp32 = exportOnnx(graphOf(spec, { view: 'deploy', input: [1, 3, 64, 64] }));
    const f = analyze(importOnnx(fp32, { file: `${name}.onnx` }).graph);
    const qop = await readAndRun(quantizedModel(fp32, 'qoperator'), `${name}-qop.onnx`);
    const qdq = await readAndRun(quantizedModel(fp32, 'qdq'), `${name}-qdq.onnx`);

    for (const q of [qop, qdq]) {
      expect(q.totals.madds).toBe(f.totals.madds);
      expect(q.totals.params).toBe(f.totals.params);
      const fp = new Map(f.layers.map((l) => [l.name, l]));
      const convs = q.layers.filter((l) => l.op === 'conv');
      expect(convs).toHaveLength(f.layers.filter((l) => l.op === 'conv').length);
      for (const c of convs) {
        const orig = fp.get(c.name) as LayerCost;
        // the same elements moved as the fp32 layer, at 1 byte each, the int32 bias at 4
        expect(c.memoryAccess, c.name).toBe(orig.memoryAccess);
        const bias = c.outChannels as number;
        const inputs = numel(c.inputShapes[0]);
        expect(c.memoryAccessBytes, c.name).toBe(inputs + (c.params - bias) + 4 * bias + numel(c.outputShape));
        expect(c.dtype).toBe('int8');
      }
    }
    // the two forms are the same int8 network, layer by layer
    expect(qdq.layers.map(key)).toEqual(qop.layers.map(key));
    expect(qop.precision?.map((p) => p.dtype)).toContain('int8');
    // the classifier stays fp32 (a DequantizeLinear before it); the convolutions move about a quarter of the bytes
    const convBytes = (r: CostReport) =>
      r.layers.filter((l) => l.op === 'conv').reduce((a, l) => a + l.memoryAccessBytes, 0);
    expect(convBytes(qop)).toBeLessThan(convBytes(f) / 3);
  });
});

describe('reduced precision', () => {
  it('an fp16 MobileNet V2: the fp32 counts, every tensor at 2 bytes', async () => {
    const spec = await resolveModel('mobilenet-v2-1.0x');
    const fp32 = exportOnnx(graphOf(spec, { view: 'deploy', input: [1, 3, 64, 64] }));
    const f = analyze(importOnnx(asForeign(fp32), { file: 'mv2.onnx' }).graph);
    const h = await readAndRun(halfModel(fp32), 'mv2-fp16.onnx');
    expect(f.precision).toEqual([{ dtype: 'fp32', layers: f.layers.length }]);
    expect(f.totals.memoryAccessBytes).toBe(4 * f.totals.memoryAccess);
    expect(h.dtype).toBe('file');
    expect(h.precision).toEqual([{ dtype: 'fp16', layers: f.layers.length }]);
    expect(h.totals.madds).toBe(f.totals.madds);
    expect(h.totals.memoryAccess).toBe(f.totals.memoryAccess);
    expect(h.totals.memoryAccessBytes).toBe(2 * f.totals.memoryAccess);
    expect(h.summary.memory.paramsBytes).toBe(2 * f.totals.params);
  });
});

describe('a scale and zero point the graph computes (ONNX node tests)', () => {
  it('DequantizeLinear with its scale and zero point as graph inputs reads them as inputs', async () => {
    const bytes = onnxModel({
      opset: 13,
      inputs: [
        { name: 'x', dims: [64], type: 'uint8' },
        { name: 's', dims: [] },
        { name: 'z', dims: [], type: 'uint8' },
      ],
      nodes: [{ op: 'DequantizeLinear', name: 'dq', inputs: ['x', 's', 'z'], outputs: ['y'] }],
      outputs: ['y'],
    });
    const r = importOnnx(bytes, { file: 'dq.onnx' });
    expect(r.shapeOf('y')).toEqual([64]);
    const [l] = analyze(r.graph).layers;
    // subtract the zero point, multiply by the scale; reads 64 values, the scale and the zero point, writes 64
    expect(l.flops).toBe(2 * 64);
    expect(l.memoryAccess).toBe(64 + 1 + 1 + 64);
    expect(l.params).toBe(0);
  });
});
