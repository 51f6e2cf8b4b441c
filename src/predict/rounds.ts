/**
 * What calibration keeps of each model it profiles, round by round: its kernels' times joined to
 * netcost's plan, its whole run and the speed probes beside it; and how the rounds merge.
 */
import { quantileOf } from '../measure/stats.ts';
import { median, type Whole } from './fit.ts';
import type { PlannedKernel } from './plan.ts';

/** A planned kernel with the time the backend measured for it (profiled, µs per run). */
export interface Measured {
  kernel: PlannedKernel;
  us: number;
  /** the tensors the profiler wrote out for it (its cost: fit.ts ProfilerCost) */
  tensors: number;
  /** its session's witness kernels' mean time (µs, witness.ts): the profiler's cost in that session */
  witnessUs: number;
}

/** One model profiled: its kernels joined to netcost's plan, its whole run, and the speed probe beside it. */
export interface ModelRun {
  measured: Measured[];
  whole: Whole;
  /** the kernel kinds the engine ran */
  kinds: string[];
  /**
   * the speed probes' lower quartiles (compute-bound and memory-bound), timed interleaved with the
   * model's unprofiled runs, or alone in a later round (Infinity: not timed beside this round)
   */
  probeMs: number;
  memoryProbeMs: number;
}

/**
 * One model's runs over several rounds: each kernel's median over them (of its lower quartiles, see
 * calibrate.ts LOW_QUANTILE); the whole run and the probes from the first round, which times them beside its own
 * profiled kernels (their ratio, the profiler's scale, holds within one phase of the machine, not
 * across two). Not the fastest round: at two threads a kernel is fast only while both cores are, and
 * the fastest of three rounds caught that rarer state: 12 random networks timed as `bench` times them
 * ran 1.2-1.7x slower than such a profile predicted (median -36%), -14% to +22% (median 5-9%) from
 * two profiles made with the median (2026-12-06).
 */
export function mergeRounds(rs: ModelRun[]): ModelRun {
  if (rs.length === 1) return rs[0];
  // each round's time beyond its session's witness (witness.ts), put back on the rounds' median witness
  const beyond = new Map<string, number[]>();
  const witness = median(rs.map((r) => 1000 * (r.whole.witnessMs ?? 0)));
  for (const r of rs)
    for (const m of r.measured) beyond.set(m.kernel.key, [...(beyond.get(m.kernel.key) ?? []), m.us - m.witnessUs]);
  return {
    ...rs[0],
    measured: rs[0].measured.map((m) => ({
      ...m,
      us: median(beyond.get(m.kernel.key) ?? [m.us - m.witnessUs]) + witness,
      witnessUs: witness,
    })),
  };
}

/** Each model's rounds in the order they ran: round by round, model by model. */
export function inRunOrder(perRound: ModelRun[][]): ModelRun[] {
  return (perRound[0] ?? []).flatMap((_, round) => perRound.map((rs) => rs[round]));
}

/** How far the machine's speed moved from the first third of the runs to the last (the larger of the two probes'). */
export function probeDrift(perRound: ModelRun[][]): number {
  const drifted = (xs: number[]) => {
    const third = Math.max(1, Math.floor(xs.length / 3));
    return median(xs.slice(-third)) / median(xs.slice(0, third)) - 1;
  };
  const order = (f: (r: ModelRun) => number) => inRunOrder(perRound).map(f).filter(Number.isFinite);
  const drifts = [drifted(order((r) => r.probeMs)), drifted(order((r) => r.memoryProbeMs))];
  return drifts.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a));
}

/** The machine's speed over a calibration's rounds: a factor per model and round, and the speed they are put at. */
export interface Speed {
  /** the reference speed (geometric mean of the two probes' ms; NaN without probes) */
  ref: number;
  /** factors[model][round]: what puts that round's times at the reference speed */
  factors: number[][];
}

/** probes on either side of a round that its speed is read from (in the order the rounds ran) */
const SPEED_WINDOW = 4;
/** the quantile of a calibration's speeds taken as the machine undisturbed */
export const STEADY_QUANTILE = 0.25;
/** the most a factor may move a round */
const SPEED_BOUNDS = [0.5, 1.5] as const;

/**
 * Each round at the machine's undisturbed speed. This host slows by tens of % for minutes at a time
 * (a neighbour on the host): two calibrations of seed 2026120820 whose probes drifted -27% and -29%
 * predicted 40 random networks with median errors of 28.5% and 15.4%, the undisturbed third 5.1%
 * (2026-12-07). A round's speed is the median of the probes timed near it (SPEED_WINDOW on each
 * side, in the order the rounds ran; the geometric mean of the compute and the memory probe), and
 * its factor puts it at the reference: `ref` when given (the adaptive round, at its first rounds'
 * speed), else the lower quartile of the calibration's own speeds. Rounds with no probe near keep
 * their times.
 */
export function steadySpeed(perRound: ModelRun[][], ref?: number): Speed {
  const runs = inRunOrder(perRound);
  const probed = runs.map((r) => Math.sqrt(r.probeMs * r.memoryProbeMs));
  const near = runs.map((_, k) => {
    const xs = probed.slice(Math.max(0, k - SPEED_WINDOW), k + SPEED_WINDOW + 1).filter(Number.isFinite);
    return xs.length > 0 ? median(xs) : Number.NaN;
  });
  const known = near.filter(Number.isFinite);
  const base = ref ?? (known.length > 0 ? quantileOf(known, STEADY_QUANTILE) : Number.NaN);
  const factors = perRound.map((rs) => rs.map(() => 1));
  // the k-th run in that order is model k mod n's round floor(k / n)
  near.forEach((speed, k) => {
    const f = base / speed;
    const [i, round] = [k % perRound.length, Math.floor(k / perRound.length)];
    if (Number.isFinite(f)) factors[i][round] = Math.min(SPEED_BOUNDS[1], Math.max(SPEED_BOUNDS[0], f));
  });
  return { ref: base, factors };
}

/** A round's times scaled by `f` (its kernels, its session's witness, its whole run); its probes as timed. */
export function atSpeed(r: ModelRun, f: number): ModelRun {
  if (f === 1) return r;
  const w = r.whole;
  return {
    ...r,
    measured: r.measured.map((m) => ({ ...m, us: f * m.us, witnessUs: f * m.witnessUs })),
    whole: {
      ...w,
      ms: f * w.ms,
      kernelMs: f * w.kernelMs,
      ...(w.witnessMs === undefined ? {} : { witnessMs: f * w.witnessMs }),
    },
  };
}
