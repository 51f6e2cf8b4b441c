/**
 * Calibration fits the kernels it can join to netcost's plan. A HardSwish after a convolution that
 * does not run blocked (21 channels in: not whole blocks) is a HardSigmoid and a Mul that onnxruntime
 * inlines nameless; before 2026-12-07 neither joined, so no calibration ever timed them, and a
 * MobileNet-like network's were predicted twice their time.
 */
import { describe, expect, it } from 'vitest';
import { kernelsOfOptimized } from '../../src/engine/kernel.ts';
import { buildGraph } from '../../src/graph/build.ts';
import { onnxruntime } from '../../src/measure/backend.ts';
import { exportOnnx } from '../../src/onnx/export.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { withNodeNames } from '../../src/onnx/node-names.ts';
import { planKernels } from '../../src/predict/plan.ts';
import { joinProfiled } from '../../src/predict/profile-rounds.ts';
import { HARDSWISH_NET, modelFromYaml } from '../helpers.ts';

describe("calibration's join of profiled kernels to planned ones", () => {
  it('joins every kernel of a network with two HardSwish bodies onnxruntime inlined, each once', async () => {
    const g = buildGraph(modelFromYaml(HARDSWISH_NET));
    const input = { name: g.input.name, shape: g.input.shape };
    const bytes = withNodeNames(exportOnnx(g), [input]);
    const imported = importOnnx(bytes, { file: 'hs.onnx' });
    const rules = {
      onnxruntime: await onnxruntime.version(),
      level: 'all' as const,
      block: await onnxruntime.layoutBlock(),
    };
    const planned = planKernels(imported, rules);
    const trace = await onnxruntime.profile(
      { bytes, inputs: [input], what: 'hs' },
      { threads: 1, optLevel: 'all', warmup: 1, runs: 3 },
    );
    const original = (t: string) => imported.tensorOf(t) !== undefined;
    const theirs = kernelsOfOptimized(trace.optimized as Uint8Array, original, imported);
    const joined = joinProfiled(planned, theirs, trace.kernels);
    const ops = joined.map((j) => j.kernel.op).sort();
    expect(ops.filter((o) => o === 'HardSigmoid' || o === 'Mul')).toEqual(['HardSigmoid', 'HardSigmoid', 'Mul', 'Mul']);
    expect(joined.length).toBe(planned.length);
    expect(new Set(joined.map((j) => j.kernel.key)).size).toBe(planned.length);
  });
});
