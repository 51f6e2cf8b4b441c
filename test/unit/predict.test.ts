/** The latency model's mechanics against hand-computed values; no timing. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guidelineNetworks, predictRows } from '../../src/guidelines/guidelines.ts';
import { leastSquares, wholeModelFit } from '../../src/predict/calibrate.ts';
import { fitClass, nelderMead, predictSample } from '../../src/predict/fit.ts';
import { bandwidthAt, type MachineProfile, machineProfileSchema } from '../../src/predict/machine.ts';
import { predictLayer } from '../../src/predict/predict.ts';
import { profileJsonSchema, readProfile } from '../../src/predict/store.ts';

/** peak 100 GFLOP/s; 100 GB/s at 1 KB of traffic falling to 10 GB/s at 1 GB */
const fit = { overheadMs: 0.01, computeEfficiency: 0.5, memoryEfficiency: 1, samples: 10, medianAbsError: 0 };
const profile: MachineProfile = {
  netcostProfile: 1,
  created: '2026-11-28T00:00:00Z',
  machine: {
    cpu: 'test',
    cores: 2,
    platform: 'linux-x64',
    node: 'v20',
    onnxruntime: '1.30.0',
    threads: 1,
    graphOptimizationLevel: 'all',
  },
  roofline: {
    peakGflops: 100,
    bandwidth: [
      { bytes: 1e3, gbps: 100 },
      { bytes: 1e9, gbps: 10 },
    ],
  },
  runOverheadMs: 0.05,
  ioGbps: 5,
  profiler: { kernelScale: 1, perKernelMs: 0.005 },
  classes: { pointwise: fit, 'grouped-pointwise': fit, conv: fit },
  fit: { layers: 30, medianAbsError: 0.1 },
  calibration: { seconds: 10, networks: 5, quick: false },
};

describe('roofline prediction', () => {
  it('interpolates bandwidth log-linearly between the calibrated sizes, flat beyond', () => {
    expect(bandwidthAt(profile, 1e6)).toBeCloseTo(55, 9); // halfway in log: (100 + 10) / 2
    expect(bandwidthAt(profile, 10)).toBe(100);
    expect(bandwidthAt(profile, 1e12)).toBe(10);
  });

  it('a compute-heavy layer: overhead + FLOPs / (peak x efficiency)', () => {
    const p = predictLayer(profile, { name: 'c', kernelClass: 'pointwise', flops: 1e8, memoryAccessBytes: 1e6 });
    // compute 1e8 / 50e9 s = 2 ms; memory 1e6 / 55e9 s = 0.018 ms; overhead 0.01 ms
    expect(p.predictedMs).toBeCloseTo(0.01 + 2, 9);
    expect(p.bound).toBe('compute');
    expect(p.attainableGflops).toBeCloseTo(50, 9); // intensity 100 FLOP/B x 55 GB/s is above the 50 roof
  });

  it('a layer below the balance point is memory-bound', () => {
    const p = predictLayer(profile, { name: 'm', kernelClass: 'pointwise', flops: 1e6, memoryAccessBytes: 1e8 });
    // bandwidth at 1e8 B: 100 - 90 * 5/6 = 25 GB/s -> 4 ms; compute 0.02 ms
    expect(p.predictedMs).toBeCloseTo(0.01 + 4, 9);
    expect(p.bound).toBe('memory');
    expect(p.attainableGbps).toBeCloseTo(25, 9);
    expect(p.attainableGflops).toBeCloseTo(0.25, 9); // intensity 0.01 FLOP/B x 25 GB/s
  });

  it('a tiny layer is overhead-bound; a view costs nothing; a narrow GEMM runs below the peak', () => {
    expect(predictLayer(profile, { name: 't', kernelClass: 'conv', flops: 100, memoryAccessBytes: 100 }).bound).toBe(
      'overhead',
    );
    expect(predictLayer(profile, { name: 'v', kernelClass: 'view', flops: 0, memoryAccessBytes: 0 }).predictedMs).toBe(
      0,
    );
    const narrowFit = { ...profile, classes: { pointwise: { ...fit, halfWidth: 8 } } };
    const wide = predictLayer(narrowFit, { name: 'w', kernelClass: 'pointwise', flops: 1e8, memoryAccessBytes: 1e3 });
    const narrow = predictLayer(narrowFit, {
      name: 'n',
      kernelClass: 'pointwise',
      flops: 1e8,
      memoryAccessBytes: 1e3,
      gemmWidth: 8,
    });
    // width 8 against a half-width of 8: half the compute roof, twice the compute time
    expect(narrow.predictedMs - 0.01).toBeCloseTo(2 * (wide.predictedMs - 0.01), 9);
  });

  it("a class calibration did not cover borrows its neighbour's fit", () => {
    const p = predictLayer(profile, { name: 'l', kernelClass: 'linear', flops: 1e8, memoryAccessBytes: 1e6 });
    expect(p.predictedMs).toBeCloseTo(2.01, 9); // linear -> pointwise
  });

  it("G2's networks: at fixed FLOPs, predictions rise with the group count as memory access does", async () => {
    // a machine with a high peak, so that these layers are memory-bound
    const memoryBound = { ...profile, roofline: { ...profile.roofline, peakGflops: 1e6 } };
    const { def, graphs, rows } = await guidelineNetworks('G2');
    predictRows(def, graphs, rows, memoryBound);
    for (const width of def.widths) {
      const wr = rows.filter((r) => r.width === width);
      const ms = wr.map((r) => r.predictedMs as number);
      for (let i = 1; i < ms.length; i++) {
        expect(wr[i].memoryAccess).toBeGreaterThan(wr[i - 1].memoryAccess);
        expect(ms[i]).toBeGreaterThan(ms[i - 1]);
      }
      expect(wr.every((r) => (r.boundShares?.memory ?? 0) > 0.99)).toBe(true);
    }
  });
});

describe('fitting', () => {
  it('Nelder-Mead finds the minimum of a quadratic bowl', () => {
    const x = nelderMead((v) => (v[0] - 3) ** 2 + 2 * (v[1] + 1) ** 2, [0, 0]);
    expect(x[0]).toBeCloseTo(3, 4);
    expect(x[1]).toBeCloseTo(-1, 4);
  });

  it('recovers a class fit from layers generated by it', () => {
    const truth = { overheadMs: 0.02, computeEfficiency: 0.6, memoryEfficiency: 0.8, samples: 0, medianAbsError: 0 };
    const samples = [1e5, 1e6, 1e7, 1e8, 1e9].flatMap((flops) =>
      [1e4, 1e6, 1e8].map((bytes) => ({ flops, bytes, ms: predictSample(profile, truth, { flops, bytes, ms: 0 }) })),
    );
    const f = fitClass(profile, samples);
    expect(f.medianAbsError).toBeLessThan(0.01);
    expect(f.overheadMs).toBeCloseTo(0.02, 3);
    expect(f.computeEfficiency).toBeCloseTo(0.6, 2);
    expect(f.memoryEfficiency).toBeCloseTo(0.8, 2);
  });

  it('least squares solves an exact system, and the whole-model fit recovers scale and copy bandwidth', () => {
    const x = leastSquares(
      [
        [1, 2],
        [3, 4],
        [5, 7],
      ],
      [5, 11, 19],
      [1, 1, 1],
    );
    expect(x[0]).toBeCloseTo(1, 9);
    expect(x[1]).toBeCloseTo(2, 9);
    // ms = 0.9 x kernels + bytes / 4 GB/s
    const ws = [
      [1, 1e6],
      [5, 1e5],
      [2, 8e6],
      [10, 4e6],
    ].map(([k, io]) => ({ kernelMs: k, ioBytes: io, ms: 0.9 * k + io / 4e6, kernels: 1, overheadMs: 0 }));
    const w = wholeModelFit(ws);
    expect(w.kernelScale).toBeCloseTo(0.9, 9);
    expect(w.ioGbps).toBeCloseTo(4, 6);
  });
});

describe('machine profiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netcost-profile-'));
  const write = (name: string, text: string) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  it('reads a valid profile and rejects broken ones with one line naming the file and field', () => {
    expect(readProfile(write('ok.json', JSON.stringify(profile))).roofline.peakGflops).toBe(100);
    expect(() => readProfile(write('bad.json', '{'))).toThrow(/bad\.json: not JSON/);
    expect(() => readProfile(write('v.json', JSON.stringify({ ...profile, netcostProfile: 9 })))).toThrow(
      /not a netcost machine profile of version 1.*run 'netcost calibrate' again/,
    );
    const broken = { ...profile, roofline: { ...profile.roofline, peakGflops: -1 } };
    expect(() => readProfile(write('f.json', JSON.stringify(broken)))).toThrow(/f\.json: field roofline\.peakGflops/);
    expect(() => readProfile(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read/);
  });

  it('the committed JSON Schema is the one the zod schema exports', async () => {
    const { readFileSync } = await import('node:fs');
    const committed = JSON.parse(
      readFileSync(new URL('../../configs/schema/machine-profile.schema.json', import.meta.url), 'utf8'),
    );
    expect(committed, 'regenerate: npm run docs').toEqual(profileJsonSchema());
    expect(machineProfileSchema.safeParse(profile).success).toBe(true);
  });
});
