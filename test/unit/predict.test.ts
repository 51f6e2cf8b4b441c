/** The latency model's mechanics against hand-computed values and synthetic data with a known answer; no timing. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KernelWork } from '../../src/engine/work.ts';
import { guidelineNetworks, platformNote, predictRows } from '../../src/guidelines/guidelines.ts';
import { predictionNotes } from '../../src/predict/attach.ts';
import { probeWarning, profileWarnings, slowerThanBefore } from '../../src/predict/check.ts';
import { classOf, featuresOf, PARAMS, paramsOf } from '../../src/predict/classes.ts';
import {
  bandwidthCurve,
  dot,
  edgeCostFit,
  fitClass,
  leastSquares,
  median,
  nnlsCentred,
  nnlsRelative,
  wholeModelFit,
} from '../../src/predict/fit.ts';
import { fitClasses } from '../../src/predict/fit-classes.ts';
import { bandwidthAt, machineProfileSchema } from '../../src/predict/machine.ts';
import { boundOf, predictKernel, predictKernels } from '../../src/predict/model.ts';
import type { PlannedKernel } from '../../src/predict/plan.ts';
import { profileJsonSchema, readProfile } from '../../src/predict/store.ts';
import { profileDocument } from '../../src/report/profile.ts';
import { mulberry32 } from '../../src/util/random.ts';
import { testProfile } from '../profiles.ts';

const profile = testProfile();
const bw = (b: number) => bandwidthAt(profile, b);

const kernel = (
  cls: PlannedKernel['cls'],
  work: Partial<KernelWork>,
  over: Partial<PlannedKernel> = {},
): PlannedKernel => ({
  key: `${cls}@k`,
  kind: cls,
  node: 'k',
  op: 'Conv',
  cls,
  work: { flops: 0, bytes: 0, weightBytes: 0, reuseBytes: 0, elements: 0, blocked: true, ...work },
  layers: [{ name: 'L', share: 1 }],
  uncertain: false,
  edge: { input: 0, output: 0 },
  ...over,
});

describe('the kernel model', () => {
  it('interpolates bandwidth log-linearly between the calibrated sizes, flat beyond', () => {
    expect(bw(1e6)).toBeCloseTo(55, 9); // halfway in log: (100 + 10) / 2
    expect(bw(10)).toBe(100);
    expect(bw(1e12)).toBe(10);
  });

  it('a convolution: overhead + compute (10 ms per GFLOP) + bytes over the bandwidth at its working set', () => {
    const k = predictKernel(profile, kernel('conv', { flops: 1e8, bytes: 1e6 }), bw);
    // overhead 0.01 ms; compute 0.1 GFLOP x 10 = 1 ms; memory 1e6 B / 55 GB/s = 0.01818 ms
    expect(k.overheadMs).toBeCloseTo(0.01, 12);
    expect(k.computeMs).toBeCloseTo(1, 12);
    expect(k.memoryMs).toBeCloseTo((1e6 / 55e9) * 1e3, 12);
    expect(k.ms).toBeCloseTo(0.01 + 1 + 1e6 / 55e6, 12);
    expect(k.bound).toBe('compute');
  });

  it('a narrow GEMM pays narrow/width per GFLOP on top; element-wise kernels count elements, not FLOPs', () => {
    const p = testProfile({ classes: { gemm: { narrow: 80 } } });
    const gemm = (m: number) => kernel('gemm', { flops: 1e8, gemm: { m, n: 512, k: 512, batch: 1 } });
    expect(predictKernel(p, gemm(8), bw).computeMs).toBeCloseTo(0.1 * (10 + 80 / 8), 12);
    expect(predictKernel(p, gemm(512), bw).computeMs).toBeCloseTo(0.1 * (10 + 80 / 512), 12);
    const add = predictKernel(
      profile,
      kernel('elementwise', { flops: 1e9, elements: 2e6, bytes: 0 }, { op: 'Add' }),
      bw,
    );
    expect(add.computeMs).toBeCloseTo(2 * 10, 12); // 2 M elements x 10 ms per M elements
  });

  it('bound: a term twice the other wins, else balanced; overhead when it exceeds both', () => {
    expect(boundOf({ overheadMs: 0, computeMs: 2, memoryMs: 1 })).toBe('compute');
    expect(boundOf({ overheadMs: 0, computeMs: 1.9, memoryMs: 1 })).toBe('balanced');
    expect(boundOf({ overheadMs: 0, computeMs: 1, memoryMs: 2.5 })).toBe('memory');
    expect(boundOf({ overheadMs: 3, computeMs: 1, memoryMs: 1 })).toBe('overhead');
  });

  it('an output of 32 MiB or more pays its page faults per MiB each run; a smaller one does not', () => {
    const p = { ...testProfile(), bigOutputMsPerMiB: 3 };
    const ks = [kernel('reorder', { bytes: 1e5 })];
    const small = predictKernels(p, ks, 31 * 2 ** 20);
    const big = predictKernels(p, ks, 40 * 2 ** 20);
    expect(small.bigOutput).toBeUndefined();
    expect(big.bigOutput?.ms).toBeCloseTo(120, 9);
    // the faults, and the copy of 9 MiB more at the profile's 5 GB/s
    expect(big.predictedMs - small.predictedMs).toBeCloseTo(120 + (9 * 2 ** 20) / 5e6, 9);
    expect(predictionNotes(big).join(' ')).toMatch(/output \(40 MiB\) .* 120\.0 ms of page faults per run/);
    // a profile from before the term was measured prices no faults
    const old = testProfile();
    expect(predictKernels(old, ks, 40 * 2 ** 20).bigOutput).toBeUndefined();
  });

  it('a class calibration did not fit borrows a related one, and says so', () => {
    const p = testProfile();
    delete p.classes.gemv;
    const m = predictKernels(p, [kernel('gemv', { flops: 1e6, gemm: { m: 1, n: 1000, k: 1000, batch: 1 } })], 0);
    expect(m.kernels[0].pricedAs).toBe('gemm');
    expect(m.borrowed).toEqual([{ cls: 'gemv', as: 'gemm' }]);
  });

  it("a model: its kernels' sum, the run's fixed cost, the copy of its output; layers get shares", () => {
    const ks = [
      kernel(
        'conv',
        { flops: 1e8 },
        {
          layers: [
            { name: 'a', share: 0.75 },
            { name: 'b', share: 0.25 },
          ],
        },
      ),
      kernel('reorder', { bytes: 1e5 }, { key: 'r', layers: [{ name: 'b', share: 1 }] }),
    ];
    const m = predictKernels(profile, ks, 5e6);
    const sum = m.kernels[0].ms + m.kernels[1].ms;
    expect(m.kernelsMs).toBeCloseTo(sum, 12);
    expect(m.predictedMs).toBeCloseTo(sum + 0.05 + (5e6 / 5e9) * 1e3, 12);
    const a = m.layers.find((l) => l.name === 'a');
    const b = m.layers.find((l) => l.name === 'b');
    expect(a?.predictedMs).toBeCloseTo(0.75 * m.kernels[0].ms, 12);
    expect(b?.predictedMs).toBeCloseTo(0.25 * m.kernels[0].ms + m.kernels[1].ms, 12);
    expect(m.lowMs).toBeLessThanOrEqual(m.predictedMs);
    expect(m.highMs).toBeGreaterThanOrEqual(m.predictedMs);
  });
});

describe('fitting', () => {
  /** samples of a class generated by known parameters over varied work, width and traffic */
  function synthetic(truth: number[], noise = 0, lognormal = false) {
    let seed = 7;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const rows: number[][] = [];
    const ms: number[] = [];
    for (const flops of [1e5, 1e6, 1e7, 1e8, 1e9])
      for (const width of [4, 16, 64, 256])
        for (const bytes of [1e4, 1e6, 1e8]) {
          const work = {
            flops,
            bytes,
            weightBytes: 0,
            reuseBytes: 0,
            elements: bytes / 8 + width * 100,
            blocked: true,
          };
          const x = featuresOf(
            'conv',
            { ...work, activation: 'Clip', gemm: { m: 1e4, n: width, k: 4 * width, batch: 1 } },
            bw,
          );
          rows.push(x);
          // lognormal: exp(noise · z), z about standard normal (12 uniforms), its median factor 1
          const z = Array.from({ length: 12 }, rand).reduce((a, b) => a + b, 0) - 6;
          ms.push(dot(x, truth) * (lognormal ? Math.exp(noise * z) : 1 + noise * (2 * rand() - 1)));
        }
    return { rows, ms };
  }
  // overhead, compute, narrow, strided (a blocked convolution has none), activation, memory
  const truth = [0.02, 6, 40, 0, 0.3, 0.8];
  const active = paramsOf('conv').map((p) => PARAMS.indexOf(p));
  const activeTruth = () => active.map((i) => [i, truth[i]] as const);

  it('recovers the parameters that generated its samples', () => {
    const { rows, ms } = synthetic(truth);
    const x = nnlsRelative(rows, ms, active);
    // within the fit's small ridge (1e-4 of the normal equations' diagonal)
    for (const [i, t] of activeTruth()) expect(Math.abs(x[i] / t - 1), PARAMS[i]).toBeLessThan(1e-3);
  });

  it('with 5% noise: close to the truth, and the bootstrap interval holds it', () => {
    const { rows, ms } = synthetic(truth, 0.05);
    const f = fitClass(rows, ms, active, 40);
    const q = (k: number, at: number) =>
      f.draws.map((d) => d[k]).sort((a, b) => a - b)[Math.round(at * (f.draws.length - 1))];
    for (const [i, t] of activeTruth()) {
      expect(Math.abs(f.params[i] / t - 1), PARAMS[i]).toBeLessThan(0.15);
      expect(q(i, 0.02), PARAMS[i]).toBeLessThanOrEqual(t * 1.05);
      expect(q(i, 0.98), PARAMS[i]).toBeGreaterThanOrEqual(t * 0.95);
    }
    expect(f.medianAbsError).toBeLessThan(0.05);
  });

  it('re-centred: with 30% multiplicative noise the relative fit leans low, the centred one does not', () => {
    const { rows, ms } = synthetic(truth, 0.3, true);
    const ratio = (x: number[]) => median(rows.map((r, k) => ms[k] / dot(r, x)));
    const truthRatio = (x: number[]) => median(rows.map((r) => dot(r, truth) / dot(r, x)));
    // for a lone scale the relative fit lands at E[1/e] / E[1/e^2] = e^(-1.5 s^2) = 0.874 of the truth;
    // with five terms to trade off, here about 0.93
    const lean = nnlsRelative(rows, ms, active);
    expect(truthRatio(lean)).toBeGreaterThan(1.05);
    const centred = nnlsCentred(rows, ms, active);
    expect(Math.abs(ratio(centred) - 1)).toBeLessThan(0.01);
    expect(Math.abs(truthRatio(centred) - 1)).toBeLessThan(0.05);
  });

  it('keeps parameters non-negative: a term the data does not show is 0, not negative', () => {
    const { rows, ms } = synthetic([0.02, 6, 0, 0, 0, 0]);
    const x = nnlsRelative(rows, ms, active);
    expect(x.every((v) => v >= 0)).toBe(true);
    expect(Math.abs(x[0] / 0.02 - 1)).toBeLessThan(1e-3);
    expect(Math.abs(x[1] / 6 - 1)).toBeLessThan(1e-3);
  });

  it('cheap and transcendental activations: each class fits its own rate per element, as generated', () => {
    // 2 us + 0.5 ns per element for a hard sigmoid, 2 us + 2 ns for a sigmoid or an erf: one rate for
    // both would miss each by about a factor of two
    const rate = new Map([
      ['HardSigmoid', 0.5e-6],
      ['HardSwish', 0.5e-6],
      ['Sigmoid', 2e-6],
      ['Erf', 2e-6],
    ]);
    const samples = [...rate.keys()].flatMap((op, i) =>
      [1e4, 3e4, 1e5, 3e5, 1e6, 3e6].map((elements) => {
        // no bytes: a memory term, proportional to the elements, would share the rate
        const work = { flops: 0, bytes: 0, weightBytes: 0, reuseBytes: 0, elements, blocked: false };
        const k = kernel(classOf(op, work), work, { op, key: `${op}@${elements}` });
        return { kernel: k, ms: 0.002 + (rate.get(op) ?? 0) * elements, model: `m${i}-${elements}` };
      }),
    );
    const { classes } = fitClasses(samples, () => 1e12);
    expect(classes.activation?.params.compute).toBeCloseTo(0.5, 2);
    expect(classes['activation-exp']?.params.compute).toBeCloseTo(2, 2);
    expect(classes['activation-exp']?.params.overhead).toBeCloseTo(0.002, 4);
  });

  it("plain depthwise convolutions: the fit recovers im2col's cost per row run and per strided copy", () => {
    // 2 us + 0.1 ns per MAC + 3 ns per row run (window x rows per channel), over maps of 8 to 96 (per
    // MAC a small map pays several times what a large one does: no per-group rate can), and at stride 2
    // 0.25 ns more per element of the column buffer (groups x window x output pixels), copied one by one
    const samples = [8, 12, 24, 40, 64, 96].flatMap((hw, i) =>
      [3, 5, 7].flatMap((k) =>
        [16, 100, 400].flatMap((groups) =>
          [1, 2].map((stride) => {
            const conv = { window: k * k, stride, groups, inPerGroup: 1, outPerGroup: 1, depthwise: true, rows: hw };
            const macs = groups * k * k * hw * hw;
            const copies = stride > 1 ? groups * k * k * hw * hw : 0;
            const work = {
              flops: 2 * macs,
              bytes: 0,
              weightBytes: 0,
              reuseBytes: 0,
              elements: groups * hw * hw,
              blocked: false,
              conv,
            };
            const kk = kernel('conv-plain-depthwise', work, { key: `dw${hw}-${k}-${groups}-${stride}` });
            return {
              kernel: kk,
              ms: 0.002 + 1e-10 * 1e3 * macs + 3e-6 * groups * k * k * hw + 0.25e-6 * copies,
              model: `m${i}-${k}-${groups}-${stride}`,
            };
          }),
        ),
      ),
    );
    const { classes } = fitClasses(samples, () => 1e12);
    const p = classes['conv-plain-depthwise']?.params;
    // ms per M runs (copies) is ns per run (copy); 0.1 ns per MAC is 0.05 ns per FLOP, 50 ms per GFLOP
    expect(p?.narrow).toBeCloseTo(3, 2);
    expect(p?.strided).toBeCloseTo(0.25, 3);
    expect(p?.compute).toBeCloseTo(50, 1);
    expect(p?.overhead).toBeCloseTo(0.002, 4);
  });

  it('least squares solves an exact system; the whole-model fit recovers scale and copy rate', () => {
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
    // ms = 0.9 x kernels + bytes / 4 GB/s: four models small in input and output, two large
    const ws = [
      [1, 1e3],
      [5, 2e3],
      [2, 1e3],
      [10, 4e3],
      [3, 8e7],
      [6, 4e7],
    ].map(([k, io]) => ({ kernelMs: k, outputBytes: io, ms: 0.9 * k + io / 4e6, kernels: 1, tensors: 2 }));
    const w = wholeModelFit(ws, { perKernelMs: 0, perTensorMs: 0 });
    expect(w.kernelScale).toBeCloseTo(0.9, 3);
    expect(w.ioGbps).toBeCloseTo(4, 1);
  });

  it('the cost per MiB of a model output from signed residuals; none for reading the input', () => {
    // edge kernels their class misses by ±30% (both ways alike), plus 0.05 ms per MiB written out
    const next = mulberry32(11);
    const edges = Array.from({ length: 200 }, (_, i) => {
      const classMs = 0.01 + next() * 2;
      const outputMiB = 0.1 + next() * 4;
      return { outputMiB, residualMs: (i % 4 < 2 ? 0.3 : -0.3) * classMs + 0.05 * outputMiB };
    });
    const fit = edgeCostFit(edges);
    expect(fit.outputMsPerMiB).toBeCloseTo(0.05, 2);
    expect(fit.inputMsPerMiB).toBe(0);
    // clipped at 0, as calibration did before: the class's own misses read as a cost per byte
    const clipped = edgeCostFit(edges.map((e) => ({ ...e, residualMs: Math.max(e.residualMs, 0) })));
    expect(clipped.outputMsPerMiB).toBeGreaterThan(0.07);
    // fewer than three such kernels: no cost
    expect(edgeCostFit(edges.slice(0, 2)).outputMsPerMiB).toBe(0);
  });

  it('the bandwidth curve: copies with a fixed cost give back the bandwidth at each size', () => {
    const truthGbps = [40, 40, 20, 10];
    const sizes = [1e4, 1e5, 1e7, 1e8];
    const samples = sizes.map((bytes, i) => ({ bytes, ms: 0.002 + bytes / truthGbps[i] / 1e6 }));
    const curve = bandwidthCurve(samples);
    for (const [i, p] of curve.entries()) expect(p.gbps).toBeCloseTo(truthGbps[i], 6);
  });
});

describe('guideline notes from the terms', () => {
  it('G2 on a machine whose GEMMs slow down when narrow: the note puts the slowdown on narrow GEMMs', async () => {
    const narrow = testProfile({
      params: { memory: 0, overhead: 0 },
      classes: { conv: { narrow: 200 }, 'conv-grouped': { narrow: 200 }, 'conv-plain': { narrow: 200 } },
    });
    const { def, graphs, rows } = await guidelineNetworks('G2');
    predictRows(def, graphs, rows, narrow);
    expect(platformNote(def, rows)).toMatch(/the difference is narrow GEMMs running below the peak/);
  });

  it('G2 on a machine where only memory traffic costs: the note puts it on memory traffic (MAC)', async () => {
    const memory = testProfile({ params: { overhead: 0, compute: 0, narrow: 0, strided: 0, memory: 1 } });
    const { def, graphs, rows } = await guidelineNetworks('G2');
    predictRows(def, graphs, rows, memory);
    expect(platformNote(def, rows)).toMatch(/the difference is memory traffic \(MAC, G1\/G2\/G4\)/);
  });
});

describe('machine profiles', () => {
  it("the profile's table gives each class's speed in its own unit: GFLOP/s, G elements/s, G blocks/s", () => {
    // 10 ms per GFLOP = 100 GFLOP/s; 0.05 ms per M elements = 20 G elements/s; 0.5 ms per M blocks = 2 G blocks/s
    const p = testProfile({ classes: { elementwise: { compute: 0.05 }, transpose: { compute: 0.5 } } });
    const doc = profileDocument(p);
    const table = doc.sections.find((s) => s.kind === 'table' && s.id === 'classes');
    const speed = Object.fromEntries((table as { rows: unknown[][] }).rows.map((r) => [r[0], r[3]]));
    expect([speed.conv, speed.elementwise, speed.transpose]).toEqual([
      '100 [100-100] GFLOP/s',
      '20 [20-20] Gel/s',
      '2 [2-2] Gblocks/s',
    ]);
    // three significant digits, thousands grouped: an overhead of 3,026.85 µs
    const slow = profileDocument(testProfile({ params: { overhead: 3.02685 } }));
    const row = (slow.sections[1] as { rows: unknown[][] }).rows[0];
    expect(row[2]).toBe('3,030 [3,030-3,030]');
  });

  const dir = mkdtempSync(join(tmpdir(), 'netcost-profile-'));
  const write = (name: string, text: string) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  it('reads a valid profile and rejects broken ones with one line naming the file and field', () => {
    expect(readProfile(write('ok.json', JSON.stringify(profile))).peakGflops).toBe(100);
    expect(() => readProfile(write('bad.json', '{'))).toThrow(/bad\.json: not valid JSON at line 1, column 2/);
    expect(() => readProfile(write('v.json', JSON.stringify({ ...profile, netcostProfile: 1 })))).toThrow(
      /not a netcost machine profile of version 5.*run 'netcost calibrate' again/,
    );
    expect(() => readProfile(write('f.json', JSON.stringify({ ...profile, peakGflops: -1 })))).toThrow(
      /f\.json: field peakGflops/,
    );
    expect(() => readProfile(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read/);
  });

  it('says where the profile and the run differ: threads, level, onnxruntime, CPU; and the speed probe', () => {
    const w = profileWarnings(profile, 'p.json', {
      threads: 2,
      optLevel: 'basic',
      onnxruntime: '1.29.1',
      cpu: 'other',
    });
    expect(w).toEqual([
      'p.json: the profile was made with threads 1, this run uses 2; its predictions are for 1',
      'p.json: the profile was made with optimisation level all, this run uses basic; its predictions are for all',
      'p.json: the profile was made with onnxruntime 1.30.0, this run uses 1.29.1; its predictions are for 1.30.0',
      'p.json: the profile is of another CPU (test CPU); this one is other: the prediction is for that machine',
    ]);
    expect(
      profileWarnings(profile, 'p.json', { threads: 1, optLevel: 'all', onnxruntime: '1.30.2', cpu: 'test CPU' }),
    ).toEqual([]);
    // 3% and 2.5%: within the tolerance
    expect(probeWarning(profile, 'p.json', { ms: 1.55, memoryMs: 4.1 })).toBeUndefined();
    expect(probeWarning(profile, 'p.json', { ms: 1.8, memoryMs: 4 })).toMatch(
      /this machine computes 20% slower \(probe 1\.800 ms, then 1\.500 ms\) now than when it was calibrated/,
    );
    expect(probeWarning(profile, 'p.json', { ms: 1.2, memoryMs: 5 })).toMatch(
      /computes 20% faster .* and moves memory 25% slower/,
    );
  });

  it('a calibration whose probes ran over 10% slower than the profile it replaces says so; not at 3%', () => {
    const now = (ms: number, memoryMs: number, threads = 1) => ({
      ...profile,
      machine: { ...profile.machine, threads },
      probe: { ms, memoryMs, drift: 0 },
    });
    // the memory probe 43% slower (a calibration in a phase of memory contention, as seen here)
    expect(slowerThanBefore(now(1.5, 5.72), profile, 'p.json')).toBe(
      'p.json: this calibration moved memory 43% slower than the one it replaces (2026-11-29): something ' +
        'else was running, and its predictions come out that much slower; calibrate again on a quiet machine',
    );
    expect(slowerThanBefore(now(1.545, 4.12), profile, 'p.json')).toBeUndefined();
    // faster is no warning; another thread count is another machine setting
    expect(slowerThanBefore(now(1.2, 3), profile, 'p.json')).toBeUndefined();
    expect(slowerThanBefore(now(3, 8, 2), profile, 'p.json')).toBeUndefined();
  });

  it('the committed JSON Schema is the one the zod schema exports', () => {
    const committed = JSON.parse(
      readFileSync(new URL('../../configs/schema/machine-profile.schema.json', import.meta.url), 'utf8'),
    );
    expect(committed, 'regenerate: npm run docs').toEqual(profileJsonSchema());
    expect(machineProfileSchema.safeParse(profile).success).toBe(true);
  });
});
