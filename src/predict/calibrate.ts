/**
 * `netcost calibrate`: the sweep's models (sweep.ts) profiled on this machine by the execution
 * backend, kernel by kernel. Each kernel the backend ran is joined by its key (kind@anchor) to the
 * kernel netcost's rules planned for it, which carries its class and work; the profiler's own cost
 * (profiler-cost.ts) comes off each, one scale relates profiled to unprofiled runs, and each class
 * is fitted (fit-classes.ts): a linear model with its bootstrap uncertainty and boosted trees on what it
 * misses. An adaptive round then samples more chains near the kernels predicted worst out of fold
 * and fits again. Speed probes timed beside every model say whether the machine drifted meanwhile.
 */
import { byTraceName, type Kernel, kernelsOfOptimized, keyOf } from '../engine/kernel.ts';
import { type Backend, identityModel, type ModelInput, onnxruntime } from '../measure/backend.ts';
import { measureEnv } from '../measure/env.ts';
import type { OptLevel } from '../measure/options.ts';
import type { PhaseGate } from '../measure/phase.ts';
import { quantile, quantileOf } from '../measure/stats.ts';
import { importOnnx } from '../onnx/import.ts';
import { withNodeNames } from '../onnx/node-names.ts';
import type { Bandwidth } from './classes.ts';
import { bandwidthCurve, edgeCostFit, median, profilerCostOf, type Whole, wholeModelFit } from './fit.ts';
import { fitClasses } from './fit-classes.ts';
import { drawOf, sampledNear } from './kernel-sampler.ts';
import { bandwidthAt, type MachineProfile, PROFILE_VERSION } from './machine.ts';
import { BIG_OUTPUT_MIB, predictKernel } from './model.ts';
import { type PlannedKernel, planKernels } from './plan.ts';
import { PROFILER_ROUNDS, profilerChains, profilerCostOfBoth } from './profiler-cost.ts';
import { type Measured, type ModelRun, mergeRounds, probeDrift } from './rounds.ts';
import { CALIBRATION_SEED, calibrationModels, memoryProbe, outputProbe, SAMPLED, speedProbe } from './sweep.ts';
import type { SweepModel } from './sweep-builder.ts';
import { splitWitness, witnessed } from './witness.ts';

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
};
const QUICK = { rounds: 1, runs: 6, warmup: 1, profilerRounds: 3, profilerTwice: false, outputRuns: 3, wholeEvery: 4 };

export interface CalibrateOptions {
  quick?: boolean;
  threads?: number;
  optLevel?: OptLevel;
  backend?: Backend;
  onProgress?: (done: number, total: number, phase: string) => void;
}

const numel = (s: number[]) => s.reduce((a, b) => a * b, 1);

/**
 * This machine's speed comes in phases: on the development machine a compute-bound model ran
 * 1.85x slower for about 60 of every 170 runs (a neighbour on the host), in stretches of about
 * 65 ms, and in stretches of seconds at other times. A calibration measures the undisturbed
 * machine: every batch of runs timed while a probe runs at its best (measure/phase.ts), each
 * kernel's and each whole run's lower quartile over its runs, and the median of three rounds.
 */
export const LOW_QUANTILE = 0.25;
const low = (xs: number[]) => quantileOf(xs, LOW_QUANTILE);

export interface ProfileRun {
  threads: number;
  optLevel: OptLevel;
  block: number;
  runs: number;
  warmup: number;
  runOverheadMs: number;
  /** time in the machine's undisturbed phase only (measure/phase.ts) */
  gate?: PhaseGate;
}

/**
 * A model as calibration runs it: its bytes with node names, netcost's import and plan of them, and
 * the bytes it is profiled with (a witness beside it, witness.ts).
 */
interface Planned {
  model: SweepModel;
  bytes: Uint8Array;
  witnessed: ModelInput;
  imported: ReturnType<typeof importOnnx>;
  planned: PlannedKernel[];
}

async function planModel(m: SweepModel, backend: Backend, o: ProfileRun): Promise<Planned> {
  const bytes = withNodeNames(m.bytes, [m.input]);
  const imported = importOnnx(bytes, { file: m.name });
  const rules = { onnxruntime: await backend.version(), level: o.optLevel, block: o.block };
  const witness = witnessed({ bytes, inputs: [m.input], what: m.name });
  return { model: m, bytes, witnessed: witness, imported, planned: planKernels(imported, rules) };
}

/**
 * Profile one model and join its kernels to netcost's plan of it (joinProfiled). With `whole`, its unprofiled runs too,
 * interleaved with the speed probes' (a later round leaves them out: Infinity, which the drift skips;
 * merged runs take the first round's).
 */
async function profilePlanned(p: Planned, backend: Backend, o: ProfileRun, whole: boolean): Promise<ModelRun> {
  const { model: m, bytes, imported, planned } = p;
  const input = { bytes, inputs: [m.input], what: m.name };
  const run = { ...o, quantile: LOW_QUANTILE };
  const trace = await backend.profile(p.witnessed, run);
  const { rest: kernels, witnessUs } = splitWitness(trace.kernels);
  const probes = [speedProbe(), memoryProbe()].map((p) => ({ bytes: p.bytes, inputs: [p.input], what: p.name }));
  const [wall, probeRuns, memoryRuns] = whole ? await backend.time([input, ...probes], run) : [[], [], []];
  const original = (t: string) => imported.tensorOf(t) !== undefined;
  const theirs = trace.optimized ? kernelsOfOptimized(trace.optimized, original, imported) : [];
  const measured = joinProfiled(planned, theirs, kernels).map((j) => ({ ...j, witnessUs }));
  return {
    measured,
    whole: {
      ms: whole ? Math.max(low(wall) - o.runOverheadMs, 1e-3) : Number.POSITIVE_INFINITY,
      kernelMs: kernels.reduce((a, k) => a + k.us, 0) / 1000,
      kernels: kernels.length,
      tensors: kernels.reduce((a, k) => a + k.tensors, 0),
      ioBytes: 4 * (numel(m.input.shape) + numel(imported.graph.output.shape)),
      witnessMs: witnessUs / 1000,
    },
    kinds: theirs.map((k) => k.kind),
    probeMs: whole ? low(probeRuns) : Number.POSITIVE_INFINITY,
    memoryProbeMs: whole ? low(memoryRuns) : Number.POSITIVE_INFINITY,
  };
}

/**
 * The planned kernels a profile timed: each joined by key to the kernel of onnxruntime's optimized
 * graph the trace names (byTraceName); only keys one kernel has on each side, and no kernel the
 * rules cannot place.
 */
export function joinProfiled(
  planned: PlannedKernel[],
  theirs: Kernel[],
  traced: { node: string; us: number; tensors: number }[],
): { kernel: PlannedKernel; us: number; tensors: number }[] {
  const byName = byTraceName(
    theirs,
    traced.map((k) => k.node),
  );
  const count = (keys: string[]) => keys.reduce((c, k) => c.set(k, (c.get(k) ?? 0) + 1), new Map<string, number>());
  const theirCount = count(theirs.map(keyOf));
  const ourCount = count(planned.map((k) => k.key));
  const timed = new Map<string, { us: number; tensors: number }>();
  for (const k of traced) {
    const their = byName.get(k.node);
    const key = their && keyOf(their);
    if (key !== undefined && theirCount.get(key) === 1) timed.set(key, k);
  }
  return planned.flatMap((k) => {
    const t = timed.get(k.key);
    return ourCount.get(k.key) === 1 && t && !k.uncertain ? [{ kernel: k, us: t.us, tensors: t.tensors }] : [];
  });
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
async function profileRounds(
  models: SweepModel[],
  backend: Backend,
  o: ProfileRun,
  rounds: number,
  progress: (m: string) => void,
  wholeEvery = 1,
): Promise<{ perRound: ModelRun[][]; merged: ModelRun[] }> {
  const perRound: ModelRun[][] = models.map(() => []);
  const plans: Planned[] = [];
  for (const m of models) plans.push(await planModel(m, backend, o));
  // the whole runs and the probes in the first round only (of every `wholeEvery`-th model): the
  // kernels are what later rounds refine
  for (let round = 0; round < rounds; round++)
    for (const [i, p] of plans.entries()) {
      progress(p.model.name);
      perRound[i].push(await profilePlanned(p, backend, o, round === 0 && i % wholeEvery === 0));
    }
  return { perRound, merged: perRound.map(mergeRounds) };
}

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
  const { rounds, runs, warmup, profilerRounds, profilerTwice, outputRuns, wholeEvery } = quick ? QUICK : FULL;
  const all = calibrationModels(quick);
  const models = all.filter((m) => m.purpose !== 'profiler' && m.purpose !== 'profiler-context');
  const adaptive = quick ? 0 : SAMPLED.adaptive;
  const block = await backend.layoutBlock();
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
  const first = await profileRounds(models, backend, o, rounds, progress, wholeEvery);
  const none: [Whole[][], Whole[][]] = [early[0].map(() => []), early[1].map(() => [])];
  const late = profilerTwice ? await profilerRun() : none;
  const cost = profilerCostOfBoth([early[0], late[0]], [early[1], late[1]]);
  const runsOf = first.merged;
  const drift = probeDrift(first.perRound);

  // profiled kernel times -> unprofiled: the profiler's cost off each (measured on its own chains), then one scale
  const whole = wholeModelFit(
    runsOf.map((r) => r.whole),
    cost,
  );
  const { kernelScale } = whole;
  const unprofiled = (x: Measured) =>
    kernelScale * Math.max(x.us / 1000 - profilerCostOf(cost, 1, x.tensors, x.witnessUs / 1000), 0.1 * (x.us / 1000));
  const samplesOf = (rs: ModelRun[], ms: SweepModel[]) =>
    rs.flatMap((r, i) => r.measured.map((x) => ({ kernel: x.kernel, model: ms[i].name, ms: unprofiled(x) })));
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
    const second = await profileRounds(near, backend, o, rounds, progress);
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
    probe: {
      ms: median(runsOf.map((r) => r.probeMs).filter(Number.isFinite)),
      memoryMs: median(runsOf.map((r) => r.memoryProbeMs).filter(Number.isFinite)),
      drift,
    },
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
    calibration: { seconds: 0, models: all.length + adaptive, quick },
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
