/**
 * `netcost calibrate`: the sweep's models (sweep.ts) profiled on this machine by the execution
 * backend, kernel by kernel. Each kernel the backend ran is joined by its key (kind@anchor) to the
 * kernel netcost's rules planned for it, which carries its class and work; the profiler's own cost
 * (profiler-cost.ts) comes off each, one scale relates profiled to unprofiled runs, and each class
 * is fitted (fit-classes.ts): a linear model with its bootstrap uncertainty and boosted trees on what it
 * misses. An adaptive round then samples more chains near the kernels predicted worst out of fold
 * and fits again. Speed probes timed beside the models say whether the machine drifted meanwhile,
 * and put every round at the machine's undisturbed speed (profile-rounds.ts). `holdOut` keeps the
 * kernels of models to be validated on out of the fit.
 */
import { type Backend, identityModel, onnxruntime } from '../measure/backend.ts';
import { measureEnv } from '../measure/env.ts';
import type { OptLevel } from '../measure/options.ts';
import type { PhaseGate } from '../measure/phase.ts';
import { quantile, quantileOf } from '../measure/stats.ts';
import type { ImportResult } from '../onnx/import.ts';
import type { Bandwidth } from './classes.ts';
import { bandwidthCurve, edgeCostFit, median, profilerCostOf, type Whole, wholeModelFit } from './fit.ts';
import { fitClasses } from './fit-classes.ts';
import { drawOf, sampledNear } from './kernel-sampler.ts';
import { bandwidthAt, type MachineProfile, PROFILE_VERSION } from './machine.ts';
import { BIG_OUTPUT_MIB, predictKernel } from './model.ts';
import { kernelSignature, type PlannedKernel, substantialSignatures } from './plan.ts';
import { LOW_QUANTILE, low, type ProfileRun, profileRounds } from './profile-rounds.ts';
import { PROFILER_ROUNDS, profilerChains, profilerCostOfBoth } from './profiler-cost.ts';
import { inRunOrder, type Measured, type ModelRun, probeDrift, STEADY_QUANTILE } from './rounds.ts';
import { CALIBRATION_SEED, calibrationModels, outputProbe, SAMPLED } from './sweep.ts';
import type { SweepModel } from './sweep-builder.ts';

/**
 * How much calibration times: rounds per model, runs (after warm-up runs) per round, rounds of the
 * profiler's chains and whether they are measured both before and after the models, runs of the
 * big-output probes, and every how many models a whole run is timed. --quick trades rounds and runs
 * for time (about 20 s here against 3 minutes); its profile reports its own cross-validated errors.
 */
const FULL = {
  rounds: 3,
  runs: 8,
  warmup: 2,
  profilerRounds: PROFILER_ROUNDS,
  profilerTwice: true,
  outputRuns: 6,
  wholeEvery: 1,
  probeEvery: 2,
};
const QUICK = {
  rounds: 1,
  runs: 6,
  warmup: 1,
  profilerRounds: 3,
  profilerTwice: false,
  outputRuns: 3,
  wholeEvery: 4,
  probeEvery: 4,
};

export interface CalibrateOptions {
  quick?: boolean;
  /**
   * Models to validate on later: no calibration kernel that shares a signature with one of their
   * substantial kernels enters the fit (so a prediction of them is of kernels calibration never saw)
   */
  holdOut?: ImportResult[];
  threads?: number;
  optLevel?: OptLevel;
  backend?: Backend;
  onProgress?: (done: number, total: number, phase: string) => void;
}

/** A calibration kernel: the planned kernel and its unprofiled time (ms) at the profile's probe speed. */
export interface CalibrationSample {
  kernel: PlannedKernel;
  ms: number;
  model: string;
}

export async function calibrate(opts: CalibrateOptions = {}): Promise<MachineProfile> {
  return (await calibrationRun(opts)).profile;
}

/** Profile `models` in rounds (each kernel's median across them: see mergeRounds). */
/**
 * The roofline's peak: the 95th percentile of the GFLOP/s the GEMM-like kernels of 10 MFLOP or more
 * reached (a maximum over all would be a microsecond kernel's rounding: 491 GFLOP/s on one core here).
 */
function peakOf(samples: CalibrationSample[]): number {
  const big = samples.filter((s) => s.kernel.work.gemm && s.kernel.work.flops >= 1e7);
  const use = big.length > 0 ? big : samples.filter((s) => s.kernel.work.gemm && s.kernel.work.flops > 0);
  const rates = use.map((s) => s.kernel.work.flops / s.ms / 1e6).sort((a, b) => a - b);
  return quantile(rates, 0.95);
}

/**
 * What a run pays per MiB of an output mapped afresh each run (model.ts BIG_OUTPUT_MIB and up): a
 * ReLU's time per MiB above the threshold (40 MiB) less one's below it (16 MiB), which reads, writes
 * and copies as much per MiB. Here 3.0 ms per MiB (a page fault every 4 KiB at about 12 µs) against
 * 0.19 below the threshold.
 */
async function bigOutputCost(backend: Backend, o: ProfileRun, runs: number): Promise<number> {
  const perMiB = async (mib: number) => {
    const m = outputProbe(mib);
    const input = { bytes: m.bytes, inputs: [m.input], what: m.name };
    const [times] = await backend.time([input], { ...o, runs, warmup: 2 });
    return Math.max(0, low(times) - o.runOverheadMs) / mib;
  };
  return Math.max(0, (await perMiB(BIG_OUTPUT_MIB + 8)) - (await perMiB(BIG_OUTPUT_MIB / 2)));
}

/** The chains the adaptive round draws: near the kernels the first fit predicts worst out of fold, one per kernel. */
function adaptiveModels(worst: { kernel: CalibrationSample; error: number }[], count: number): SweepModel[] {
  const out: SweepModel[] = [];
  for (const w of [...worst].sort((a, b) => b.error - a.error)) {
    const draw = drawOf(w.kernel.kernel.work);
    if (draw) out.push(sampledNear(CALIBRATION_SEED, out.length, draw));
    if (out.length >= count) break;
  }
  return out;
}

/**
 * Calibrate, keeping the kernels the profile was fitted on (for validation and diagnostics). Every
 * batch of runs is timed in the machine's undisturbed phase (measure/phase.ts).
 */
export async function calibrationRun(
  opts: CalibrateOptions = {},
): Promise<{ profile: MachineProfile; samples: CalibrationSample[] }> {
  const backend = opts.backend ?? onnxruntime;
  const { gate, close } = await backend.openGate(opts.threads ?? 1);
  try {
    return await calibrateGated(opts, backend, gate);
  } finally {
    await close();
  }
}

async function calibrateGated(
  opts: CalibrateOptions,
  backend: Backend,
  gate: PhaseGate,
): Promise<{ profile: MachineProfile; samples: CalibrationSample[] }> {
  const t0 = performance.now();
  const threads = opts.threads ?? 1;
  const optLevel = opts.optLevel ?? 'all';
  const quick = opts.quick ?? false;
  const plan = quick ? QUICK : FULL;
  const { rounds, runs, warmup, profilerRounds, profilerTwice, outputRuns } = plan;
  const all = calibrationModels(quick);
  const models = all.filter((m) => m.purpose !== 'profiler' && m.purpose !== 'profiler-context');
  const adaptive = quick ? 0 : SAMPLED.adaptive;
  const block = await backend.layoutBlock();
  // what --hold-out keeps from the fit, planned first (a model that cannot be planned stops before any timing)
  const held = substantialSignatures(opts.holdOut ?? [], {
    onnxruntime: await backend.version(),
    level: optLevel,
    block,
  });
  const identity = { bytes: identityModel(), inputs: [{ name: 'x', shape: [1] }], what: 'identity' };
  // every prediction adds it, so it is timed over many runs after a long warm-up (8 runs after 2, in a
  // fresh process, read 15 µs in one calibration and 29 µs in the next)
  const [idle] = await backend.time([identity], { threads, optLevel, warmup: 20, runs: 100, gate });
  const runOverheadMs = low(idle);

  const o = { threads, optLevel, block, runs, warmup, runOverheadMs, gate };
  const bigOutputMsPerMiB = await bigOutputCost(backend, o, outputRuns);
  const tiny = all.filter((m) => m.purpose === 'profiler');
  const context = all.filter((m) => m.purpose === 'profiler-context');
  const chains = [...tiny, ...context];
  const total = rounds * (models.length + adaptive) + (profilerTwice ? 2 : 1) * profilerRounds * chains.length;
  let done = 0;
  const progress = (m: string) => opts.onProgress?.(done++, total, m);
  const profilerRun = async (): Promise<[Whole[][], Whole[][]]> => {
    const run = { ...o, quantile: LOW_QUANTILE };
    const r = await profilerChains(chains, backend, run, o.runOverheadMs, progress, profilerRounds);
    return [r.slice(0, tiny.length), r.slice(tiny.length)];
  };
  // the profiler's cost measured before and after the chains, minutes apart (see profilerCostOfBoth), or once
  const early = await profilerRun();
  const first = await profileRounds(models, backend, o, rounds, progress, plan);
  const none: [Whole[][], Whole[][]] = [early[0].map(() => []), early[1].map(() => [])];
  const late = profilerTwice ? await profilerRun() : none;
  const cost = profilerCostOfBoth([early[0], late[0]], [early[1], late[1]]);
  const runsOf = first.merged;
  const drift = probeDrift(first.perRound);
  const steadyProbe = (f: (r: ModelRun) => number) =>
    quantileOf(inRunOrder(first.perRound).map(f).filter(Number.isFinite), STEADY_QUANTILE);

  // profiled kernel times -> unprofiled: the profiler's cost off each (measured on its own chains), then one scale
  const whole = wholeModelFit(
    runsOf.map((r) => r.whole),
    cost,
  );
  const { kernelScale } = whole;
  const unprofiled = (x: Measured) =>
    kernelScale * Math.max(x.us / 1000 - profilerCostOf(cost, 1, x.tensors, x.witnessUs / 1000), 0.1 * (x.us / 1000));
  let heldOut = 0;
  const samplesOf = (rs: ModelRun[], ms: SweepModel[]) =>
    rs.flatMap((r, i) =>
      r.measured.flatMap((x) => {
        if (!held.has(kernelSignature(x.kernel))) return [{ kernel: x.kernel, model: ms[i].name, ms: unprofiled(x) }];
        heldOut++;
        return [];
      }),
    );
  let samples: CalibrationSample[] = samplesOf(runsOf, models);

  const copies = samples.filter((s) => s.model.startsWith('copy-') && s.kernel.op === 'Relu');
  const bandwidth = bandwidthCurve(copies.map((s) => ({ bytes: s.kernel.work.bytes, ms: s.ms })));
  const bw: Bandwidth = (b) => bandwidthAt({ bandwidth }, b);
  // kernels touching the caller's buffers run slower than the class's own: fitted apart, below
  const isInner = (s: CalibrationSample) => s.kernel.edge.input === 0 && s.kernel.edge.output === 0;
  let fitted = fitClasses(samples.filter(isInner), bw);
  if (adaptive > 0) {
    opts.onProgress?.(done, total, 'adaptive round');
    const near = adaptiveModels(fitted.outOfFold, adaptive);
    const second = await profileRounds(near, backend, o, rounds, progress, FULL, first.speed.ref);
    samples = [...samples, ...samplesOf(second.merged, near)];
    fitted = fitClasses(samples.filter(isInner), bw);
  }
  opts.onProgress?.(total, total, 'fitting');
  const env = measureEnv(await backend.version(), threads, optLevel);
  const profile: MachineProfile = {
    netcostProfile: PROFILE_VERSION,
    created: new Date().toISOString(),
    machine: {
      cpu: env.cpu,
      cores: env.cores,
      platform: env.platform,
      node: env.node,
      onnxruntime: env.onnxruntime,
      threads,
      graphOptimizationLevel: optLevel,
    },
    engine: { nchwcBlock: block, kinds: [...new Set(runsOf.flatMap((r) => r.kinds))].sort() },
    peakGflops: peakOf(samples),
    bandwidth,
    // the probes at the speed the kernels were put at (profile-rounds.ts): their lower quartiles over every round
    probe: { ms: steadyProbe((r) => r.probeMs), memoryMs: steadyProbe((r) => r.memoryProbeMs), drift },
    runOverheadMs,
    ioGbps: whole.ioGbps,
    bigOutputMsPerMiB,
    // the cost of a kernel in a typical session: beyond the witness, plus the witness's median
    profiler: {
      kernelScale,
      perKernelMs: Math.max(0, cost.perKernelMs + median(runsOf.map((r) => r.whole.witnessMs ?? 0))),
      perTensorMs: cost.perTensorMs,
    },
    classes: {},
    edges: { inputMsPerMiB: 0, outputMsPerMiB: 0 },
    fit: { kernels: 0, medianAbsError: 0 },
    calibration: {
      seconds: 0,
      models: all.length + adaptive,
      quick,
      ...(opts.holdOut ? { heldOut: { models: opts.holdOut.length, kernels: heldOut } } : {}),
    },
  };
  profile.classes = fitted.classes;
  const inner = samples.filter(isInner);
  const errors = inner.map((s) => Math.abs(predictKernel(profile, s.kernel, bw).ms / s.ms - 1));
  profile.edges = fitEdges(
    profile,
    samples.filter((s) => !isInner(s)),
    bw,
  );
  profile.fit = { kernels: errors.length, medianAbsError: median(errors) };
  profile.calibration.seconds = (performance.now() - t0) / 1000;
  return { profile, samples: samples.map((x) => ({ kernel: x.kernel, ms: x.ms, model: x.model })) };
}

/**
 * What touching the caller's buffers adds: ms per MiB of model output written (a fresh output
 * buffer faults its pages in each run), from the edge kernels' time beyond their class's prediction.
 * Reading the caller's input costs nothing a profile keeps (see fit.ts edgeCostFit).
 */
function fitEdges(
  p: MachineProfile,
  edge: { kernel: PlannedKernel; ms: number }[],
  bw: Bandwidth,
): MachineProfile['edges'] {
  return edgeCostFit(
    edge.map((s) => ({
      outputMiB: s.kernel.edge.output / 2 ** 20,
      // the class's own time (edges still 0 in p): what the kernel takes beyond it is the edge's
      residualMs: s.ms - (p.classes[s.kernel.cls] ? predictKernel(p, s.kernel, bw).ms : s.ms),
    })),
  );
}
