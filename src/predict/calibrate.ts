/**
 * `netcost calibrate`: the sweep's models (sweep.ts) profiled on this machine by the execution
 * backend, kernel by kernel. Each kernel the backend ran is joined by its key (kind@anchor) to the
 * kernel netcost's rules planned for it, which carries its class and work; the profiler's cost per
 * kernel comes off, one scale relates profiled to unprofiled runs, and each class's parameters are
 * fitted with their bootstrap uncertainty. A speed probe timed at the start and the end says
 * whether the machine drifted meanwhile.
 */
import { kernelsOfOptimized, keyOf } from '../engine/kernel.ts';
import { type Backend, identityModel, onnxruntime } from '../measure/backend.ts';
import { measureEnv } from '../measure/env.ts';
import type { OptLevel } from '../measure/runner.ts';
import { quantile } from '../measure/stats.ts';
import { importOnnx } from '../onnx/import.ts';
import { withNodeNames } from '../onnx/node-names.ts';
import { type Bandwidth, featuresOf, KERNEL_CLASSES, type KernelClass, PARAMS, paramsOf } from './classes.ts';
import { bandwidthCurve, dot, fitClass, median, nnls, type Whole, wholeModelFit } from './fit.ts';
import { bandwidthAt, type MachineProfile, PROFILE_VERSION } from './machine.ts';
import { type PlannedKernel, planKernels } from './plan.ts';
import { calibrationModels, memoryProbe, speedProbe } from './sweep.ts';
import type { SweepModel } from './sweep-builder.ts';

export interface CalibrateOptions {
  quick?: boolean;
  threads?: number;
  optLevel?: OptLevel;
  backend?: Backend;
  onProgress?: (done: number, total: number, phase: string) => void;
}

/** A planned kernel with the time the backend measured for it (profiled, µs per run). */
interface Measured {
  kernel: PlannedKernel;
  us: number;
}

/** One model profiled: its kernels joined to netcost's plan, its whole run, and the speed probe beside it. */
export interface ModelRun {
  measured: Measured[];
  whole: Whole;
  /** the kernel kinds the engine ran */
  kinds: string[];
  /** the speed probes' medians (compute-bound and memory-bound), timed interleaved with the model's unprofiled runs */
  probeMs: number;
  memoryProbeMs: number;
}

const numel = (s: number[]) => s.reduce((a, b) => a * b, 1);

export interface ProfileRun {
  threads: number;
  optLevel: OptLevel;
  block: number;
  runs: number;
  warmup: number;
  runOverheadMs: number;
}

/**
 * Profile one model and join its kernels to netcost's plan of it, by key; only keys one kernel has
 * on each side, and no kernel the rules cannot place. Its unprofiled runs go interleaved with the
 * speed probe's, so that its times can be brought to one machine speed.
 */
export async function profileModel(m: SweepModel, backend: Backend, o: ProfileRun): Promise<ModelRun> {
  const bytes = withNodeNames(m.bytes, [m.input]);
  const imported = importOnnx(bytes, { file: m.name });
  const planned = planKernels(bytes, imported, {
    onnxruntime: await backend.version(),
    level: o.optLevel,
    block: o.block,
  });
  const input = { bytes, inputs: [m.input], what: m.name };
  const run = { threads: o.threads, optLevel: o.optLevel, warmup: o.warmup, runs: o.runs };
  const trace = await backend.profile(input, run);
  const probes = [speedProbe(), memoryProbe()].map((p) => ({ bytes: p.bytes, inputs: [p.input], what: p.name }));
  const [wall, probeRuns, memoryRuns] = await backend.time([input, ...probes], run);
  const original = (t: string) => imported.tensorOf(t) !== undefined;
  const theirs = trace.optimized ? kernelsOfOptimized(trace.optimized, original, imported) : [];
  const keyOfNode = new Map(theirs.map((k) => [k.node.name, keyOf(k)]));
  const count = (keys: string[]) => keys.reduce((c, k) => c.set(k, (c.get(k) ?? 0) + 1), new Map<string, number>());
  const theirCount = count(theirs.map(keyOf));
  const ourCount = count(planned.map((k) => k.key));
  const us = new Map<string, number>();
  for (const k of trace.kernels) {
    const key = keyOfNode.get(k.node);
    if (key !== undefined && theirCount.get(key) === 1) us.set(key, k.us);
  }
  const measured = planned
    .filter((k) => ourCount.get(k.key) === 1 && us.has(k.key) && !k.uncertain)
    .map((k) => ({ kernel: k, us: us.get(k.key) as number }));
  return {
    measured,
    whole: {
      ms: Math.max(median(wall) - o.runOverheadMs, 1e-3),
      kernelMs: trace.kernels.reduce((a, k) => a + k.us, 0) / 1000,
      kernels: trace.kernels.length,
      ioBytes: 4 * (numel(m.input.shape) + numel(imported.graph.output.shape)),
    },
    kinds: theirs.map((k) => k.kind),
    probeMs: median(probeRuns),
    memoryProbeMs: median(memoryRuns),
  };
}

/** One model's runs over several rounds: each kernel's, each whole's and each probe's median across them. */
function mergeRounds(rs: ModelRun[]): ModelRun {
  if (rs.length === 1) return rs[0];
  const us = new Map<string, number[]>();
  for (const r of rs) for (const m of r.measured) us.set(m.kernel.key, [...(us.get(m.kernel.key) ?? []), m.us]);
  const mid = (f: (r: ModelRun) => number) => median(rs.map(f));
  return {
    measured: rs[0].measured.map((m) => ({ kernel: m.kernel, us: median(us.get(m.kernel.key) ?? [m.us]) })),
    whole: { ...rs[0].whole, ms: mid((r) => r.whole.ms), kernelMs: mid((r) => r.whole.kernelMs) },
    kinds: rs[0].kinds,
    probeMs: mid((r) => r.probeMs),
    memoryProbeMs: mid((r) => r.memoryProbeMs),
  };
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

/** Calibrate, keeping the kernels the profile was fitted on (for validation and diagnostics). */
export async function calibrationRun(
  opts: CalibrateOptions = {},
): Promise<{ profile: MachineProfile; samples: CalibrationSample[] }> {
  const t0 = performance.now();
  const backend = opts.backend ?? onnxruntime;
  const threads = opts.threads ?? 1;
  const optLevel = opts.optLevel ?? 'all';
  const quick = opts.quick ?? false;
  // rounds over every model, so that a drifting machine's states fall on all alike (medians across them)
  const rounds = quick ? 1 : 3;
  const runs = quick ? 10 : 12;
  const warmup = quick ? 2 : 3;
  const models = calibrationModels(quick);
  const block = await backend.layoutBlock();
  const identity = { bytes: identityModel(), inputs: [{ name: 'x', shape: [1] }], what: 'identity' };
  const [idle] = await backend.time([identity], { threads, optLevel, warmup, runs });
  const runOverheadMs = median(idle);

  const o = { threads, optLevel, block, runs, warmup, runOverheadMs };
  const perRound: ModelRun[][] = models.map(() => []);
  for (let round = 0; round < rounds; round++)
    for (const [i, m] of models.entries()) {
      opts.onProgress?.(round * models.length + i, rounds * models.length, m.name);
      perRound[i].push(await profileModel(m, backend, o));
    }
  opts.onProgress?.(rounds * models.length, rounds * models.length, 'fitting');
  const runsOf = perRound.map(mergeRounds);
  // the machine's speed during calibration: the probes' medians, and their drift from the first
  // third of the runs to the last (the larger of the compute and the memory probe's)
  const drifted = (xs: number[]) => {
    const third = Math.max(1, Math.floor(xs.length / 3));
    return median(xs.slice(-third)) / median(xs.slice(0, third)) - 1;
  };
  // the probes in the order they ran: round by round, model by model
  const order = (f: (r: ModelRun) => number) => perRound[0].flatMap((_, round) => perRound.map((x) => f(x[round])));
  const drifts = [drifted(order((r) => r.probeMs)), drifted(order((r) => r.memoryProbeMs))];
  const drift = drifts.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a));

  // profiled kernel times -> unprofiled: the profiler's cost per kernel off each, then one scale
  const probeRun = runsOf[models.findIndex((m) => m.purpose === 'profiler')].whole;
  const perKernelMs = Math.max(0, (probeRun.kernelMs - probeRun.ms) / probeRun.kernels);
  const deflate = (ms: number, kernels: number) => Math.max(ms - perKernelMs * kernels, 0.1 * ms);
  const whole = wholeModelFit(
    runsOf
      .filter((_, i) => models[i].purpose !== 'profiler')
      .map((r) => ({ ...r.whole, kernelMs: deflate(r.whole.kernelMs, r.whole.kernels) })),
  );
  const samples = runsOf
    .flatMap((r, i) => r.measured.map((x) => ({ ...x, model: models[i].name, purpose: models[i].purpose })))
    .filter((s) => s.purpose !== 'profiler')
    .map((s) => ({ ...s, ms: whole.kernelScale * deflate(s.us / 1000, 1) }));

  const copies = samples.filter((s) => s.purpose === 'bandwidth' && s.kernel.op === 'Relu');
  const bandwidth = bandwidthCurve(copies.map((s) => ({ bytes: s.kernel.work.bytes, ms: s.ms })));
  const bw: Bandwidth = (b) => bandwidthAt({ bandwidth }, b);
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
    peakGflops: Math.max(
      ...samples
        .filter((s) => s.kernel.work.gemm && s.kernel.work.flops > 0)
        .map((s) => s.kernel.work.flops / s.ms / 1e6),
    ),
    bandwidth,
    probe: {
      ms: median(runsOf.map((r) => r.probeMs)),
      memoryMs: median(runsOf.map((r) => r.memoryProbeMs)),
      drift,
    },
    runOverheadMs,
    ioGbps: whole.ioGbps,
    profiler: { kernelScale: whole.kernelScale, perKernelMs },
    classes: {},
    edges: { inputMsPerMiB: 0, outputMsPerMiB: 0 },
    fit: { kernels: 0, medianAbsError: 0 },
    calibration: { seconds: 0, models: models.length, quick },
  };
  const errors: number[] = [];
  // kernels touching the caller's buffers run slower than the class's own: fitted apart, below
  const inner = samples.filter((s) => s.kernel.edge.input === 0 && s.kernel.edge.output === 0);
  for (const cls of KERNEL_CLASSES) {
    const mine = inner.filter((s) => s.kernel.cls === cls);
    if (mine.length < 3) continue;
    const rows = mine.map((s) => featuresOf(cls, s.kernel.work, bw));
    const ms = mine.map((s) => s.ms);
    const active = paramsOf(cls).map((p) => PARAMS.indexOf(p));
    const f = fitClass(rows, ms, active);
    const q = (k: number, at: number) =>
      quantile(
        f.draws.map((d) => d[k]).sort((a, b) => a - b),
        at,
      );
    const set = (pick: (k: number) => number) =>
      Object.fromEntries(PARAMS.map((p, k) => [p, pick(k)])) as Record<(typeof PARAMS)[number], number>;
    profile.classes[cls as KernelClass] = {
      params: set((k) => f.params[k]),
      lo: set((k) => q(k, 0.1)),
      hi: set((k) => q(k, 0.9)),
      draws: f.draws.slice(0, 40),
      samples: mine.length,
      medianAbsError: f.medianAbsError,
    };
    for (const [k, r] of rows.entries()) errors.push(Math.abs(dot(r, f.params) / ms[k] - 1));
  }
  profile.edges = fitEdges(
    profile,
    samples.filter((s) => !inner.includes(s)),
    bw,
  );
  profile.fit = { kernels: errors.length, medianAbsError: median(errors) };
  profile.calibration.seconds = (performance.now() - t0) / 1000;
  return { profile, samples: samples.map((x) => ({ kernel: x.kernel, ms: x.ms, model: x.model })) };
}

/**
 * What touching the caller's buffers adds: the edge kernels' time beyond their class's prediction,
 * as ms per MiB of model input read and of model output written (non-negative least squares).
 */
function fitEdges(
  p: MachineProfile,
  edge: { kernel: PlannedKernel; ms: number }[],
  bw: Bandwidth,
): MachineProfile['edges'] {
  const rows = edge.map((s) => [s.kernel.edge.input / 2 ** 20, s.kernel.edge.output / 2 ** 20]);
  const rest = edge.map((s) => {
    const fit = p.classes[s.kernel.cls];
    const base = fit
      ? dot(
          featuresOf(s.kernel.cls, s.kernel.work, bw),
          PARAMS.map((k) => fit.params[k]),
        )
      : s.ms;
    return Math.max(s.ms - base, 0);
  });
  if (rows.length < 3) return { inputMsPerMiB: 0, outputMsPerMiB: 0 };
  // absolute error: an edge's cost is per byte, and small kernels say little about it
  const [a, b] = nnls(
    rows,
    rest,
    [0, 1],
    rest.map(() => 1),
  );
  return { inputMsPerMiB: a, outputMsPerMiB: b };
}
