/**
 * What calibration keeps of each model it profiles, round by round: its kernels' times joined to
 * netcost's plan, its whole run and the speed probes beside it; and how the rounds merge.
 */
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
  /** the speed probes' medians (compute-bound and memory-bound), timed interleaved with the model's unprofiled runs */
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

/** How far the machine's speed moved from the first third of the runs to the last (the larger of the two probes'). */
export function probeDrift(perRound: ModelRun[][]): number {
  const drifted = (xs: number[]) => {
    const third = Math.max(1, Math.floor(xs.length / 3));
    return median(xs.slice(-third)) / median(xs.slice(0, third)) - 1;
  };
  // the probes in the order they ran: round by round, model by model
  const order = (f: (r: ModelRun) => number) =>
    perRound[0].flatMap((_, round) => perRound.map((x) => f(x[round]))).filter(Number.isFinite);
  const drifts = [drifted(order((r) => r.probeMs)), drifted(order((r) => r.memoryProbeMs))];
  return drifts.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a));
}
