/**
 * Calibration's models measured: each planned by netcost's rules, profiled round after round with
 * the speed probes timed beside it, its kernels joined to the plan; then every round put at the
 * machine's undisturbed speed (rounds.ts steadySpeed) and the rounds merged.
 */
import { byTraceName, type Kernel, kernelsOfOptimized, keyOf } from '../engine/kernel.ts';
import type { Backend, ModelInput } from '../measure/backend.ts';
import type { OptLevel } from '../measure/options.ts';
import type { PhaseGate } from '../measure/phase.ts';
import { quantileOf } from '../measure/stats.ts';
import { importOnnx } from '../onnx/import.ts';
import { withNodeNames } from '../onnx/node-names.ts';
import { type PlannedKernel, planKernels } from './plan.ts';
import { atSpeed, type ModelRun, mergeRounds, type Speed, steadySpeed } from './rounds.ts';
import { memoryProbe, speedProbe } from './sweep.ts';
import type { SweepModel } from './sweep-builder.ts';
import { splitWitness, witnessed } from './witness.ts';

const numel = (s: number[]) => s.reduce((a, b) => a * b, 1);

/**
 * This machine's speed comes in phases: on the development machine a compute-bound model ran
 * 1.85x slower for about 60 of every 170 runs (a neighbour on the host), in stretches of about
 * 65 ms, and in stretches of seconds at other times. A calibration measures the undisturbed
 * machine: every batch of runs timed while a probe runs at its best (measure/phase.ts), each
 * kernel's and each whole run's lower quartile over its runs, and the median of three rounds.
 */
export const LOW_QUANTILE = 0.25;
export const low = (xs: number[]): number => quantileOf(xs, LOW_QUANTILE);

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

/** The probes timed alone, in a later round: 4 runs after 1 take 27 ms here, 8 after 2 take 125 ms (phase gate on). */
const PROBES_ALONE = { runs: 4, warmup: 1 };

/** What a round times beside a model's profiled run: its unprofiled runs with the probes', or the probes alone. */
interface Timing {
  whole: boolean;
  probes: boolean;
}

/**
 * Profile one model and join its kernels to netcost's plan of it (joinProfiled). With `whole`, its unprofiled runs too,
 * interleaved with the speed probes' (a later round leaves them out: Infinity, which the fit skips;
 * merged runs take the first round's); with `probes` alone, the probes' runs (Infinity without).
 */
async function profilePlanned(p: Planned, backend: Backend, o: ProfileRun, t: Timing): Promise<ModelRun> {
  const { whole, probes: probed } = t;
  const { model: m, bytes, imported, planned } = p;
  const input = { bytes, inputs: [m.input], what: m.name };
  const run = { ...o, quantile: LOW_QUANTILE };
  const trace = await backend.profile(p.witnessed, run);
  const { rest: kernels, witnessUs } = splitWitness(trace.kernels);
  const probes = [speedProbe(), memoryProbe()].map((p) => ({ bytes: p.bytes, inputs: [p.input], what: p.name }));
  const none: number[][] = [[], []];
  const [wall, probeRuns, memoryRuns] = whole
    ? await backend.time([input, ...probes], run)
    : [[], ...(probed ? await backend.time(probes, { ...run, ...PROBES_ALONE }) : none)];
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
      outputBytes: 4 * numel(imported.graph.output.shape),
      witnessMs: witnessUs / 1000,
    },
    kinds: theirs.map((k) => k.kind),
    probeMs: whole || probed ? low(probeRuns) : Number.POSITIVE_INFINITY,
    memoryProbeMs: whole || probed ? low(memoryRuns) : Number.POSITIVE_INFINITY,
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

/** Which rounds time what beside the profiled runs: whole runs (first round) and probes (later rounds). */
export interface RoundPlan {
  /** the whole run and the probes beside it, in the first round, of every n-th model */
  wholeEvery: number;
  /** the probes alone, in later rounds, of every n-th model (the speed between is read from its neighbours) */
  probeEvery: number;
}

/**
 * Profile `models` in rounds, then put each round at the machine's undisturbed speed (its factor
 * from the probes timed near it; `ref`: the speed another set of rounds was put at) and merge the
 * rounds (each kernel's median over them: see mergeRounds).
 */
export async function profileRounds(
  models: SweepModel[],
  backend: Backend,
  o: ProfileRun,
  rounds: number,
  progress: (m: string) => void,
  plan: RoundPlan,
  ref?: number,
): Promise<{ perRound: ModelRun[][]; merged: ModelRun[]; speed: Speed }> {
  const perRound: ModelRun[][] = models.map(() => []);
  const plans: Planned[] = [];
  for (const m of models) plans.push(await planModel(m, backend, o));
  for (let round = 0; round < rounds; round++)
    for (const [i, p] of plans.entries()) {
      progress(p.model.name);
      const whole = round === 0 && i % plan.wholeEvery === 0;
      const probes = round > 0 && i % plan.probeEvery === 0;
      perRound[i].push(await profilePlanned(p, backend, o, { whole, probes }));
    }
  const speed = steadySpeed(perRound, ref);
  const steady = perRound.map((rs, i) => rs.map((r, round) => atSpeed(r, speed.factors[i][round])));
  return { perRound, merged: steady.map(mergeRounds), speed };
}
