/**
 * Where a machine profile and the run it is used for differ: threads, optimisation level,
 * onnxruntime version, CPU; and whether the machine runs at the speed it was calibrated at (the
 * speed probe). Each difference is one sentence a command prints as a warning.
 */
import { PINNED_ONNXRUNTIME } from '../measure/runtime.ts';
import type { MachineProfile } from './machine.ts';

const minor = (v: string) => v.split('.').slice(0, 2).join('.');

/** The onnxruntime versions (major.minor) netcost's engine rules were checked against, kernel for kernel. */
export const CHECKED_ONNXRUNTIME = [minor(PINNED_ONNXRUNTIME)];

export interface RunContext {
  threads?: number;
  optLevel?: string;
  /** the onnxruntime and CPU of this machine, when the prediction sits beside a measurement here */
  onnxruntime?: string;
  cpu?: string;
}

/** A drift of the speed probe beyond this is reported. */
export const PROBE_TOLERANCE = 0.05;

export function profileWarnings(p: MachineProfile, file: string, run: RunContext): string[] {
  const m = p.machine;
  const out: string[] = [];
  const differ = (what: string, theirs: string | number, ours: string | number) =>
    out.push(
      `${file}: the profile was made with ${what} ${theirs}, this run uses ${ours}; its predictions are for ${theirs}`,
    );
  if (run.threads !== undefined && run.threads !== m.threads) differ('threads', m.threads, run.threads);
  if (run.optLevel !== undefined && run.optLevel !== m.graphOptimizationLevel)
    differ('optimisation level', m.graphOptimizationLevel, run.optLevel);
  if (run.onnxruntime !== undefined && minor(run.onnxruntime) !== minor(m.onnxruntime))
    differ('onnxruntime', m.onnxruntime, run.onnxruntime);
  if (run.cpu !== undefined && run.cpu !== m.cpu)
    out.push(
      `${file}: the profile is of another CPU (${m.cpu}); this one is ${run.cpu}: the prediction is for that machine`,
    );
  if (!CHECKED_ONNXRUNTIME.includes(minor(m.onnxruntime)))
    out.push(
      `${file}: netcost's engine rules were checked against onnxruntime ${CHECKED_ONNXRUNTIME.join(', ')}; ` +
        `the profile is of onnxruntime ${m.onnxruntime}, whose optimisations may plan other kernels`,
    );
  if (Math.abs(p.probe.drift) > PROBE_TOLERANCE)
    out.push(
      `${file}: the machine drifted ${(100 * p.probe.drift).toFixed(1)}% during calibration (speed probe): ` +
        'calibrate again on a quiet machine',
    );
  return out;
}

/**
 * The speed probes now against the profile's: how much faster or slower this machine computes and
 * moves memory than when it was calibrated.
 */
export function probeWarning(
  p: MachineProfile,
  file: string,
  now: { ms: number; memoryMs: number },
): string | undefined {
  const parts = [
    ['computes', now.ms / p.probe.ms - 1, now.ms, p.probe.ms],
    ['moves memory', now.memoryMs / p.probe.memoryMs - 1, now.memoryMs, p.probe.memoryMs],
  ] as const;
  const off = parts.filter(([, change]) => Math.abs(change) > PROBE_TOLERANCE);
  if (off.length === 0) return undefined;
  const says = off
    .map(
      ([what, change, a, b]) =>
        `${what} ${(100 * Math.abs(change)).toFixed(0)}% ${change > 0 ? 'slower' : 'faster'} ` +
        `(probe ${a.toFixed(3)} ms, then ${b.toFixed(3)} ms)`,
    )
    .join(' and ');
  return (
    `${file}: this machine ${says} now than when it was calibrated: something else is running, or the ` +
    'clock changed; predictions assume the calibrated speed'
  );
}

/**
 * How much slower a calibration's probes may run than the previous profile's on this machine
 * before it is said: between quiet calibrations here the probes moved 3-4%; one calibration in a
 * phase of memory contention read its memory probe 43% slower and predicted everything 39% slow
 * (2026-12-06).
 */
export const SLOWER_CALIBRATION = 0.1;

/**
 * A calibration against the profile it replaces (the same machine, threads and optimisation
 * level): one sentence when its speed probes ran more than SLOWER_CALIBRATION slower, i.e. it was
 * made while something else ran.
 */
export function slowerThanBefore(now: MachineProfile, before: MachineProfile, file: string): string | undefined {
  const same = (['cpu', 'threads', 'graphOptimizationLevel', 'onnxruntime'] as const).every(
    (k) => now.machine[k] === before.machine[k],
  );
  if (!same) return undefined;
  const parts = [
    ['computed', now.probe.ms / before.probe.ms - 1],
    ['moved memory', now.probe.memoryMs / before.probe.memoryMs - 1],
  ] as const;
  const slow = parts.filter(([, change]) => change > SLOWER_CALIBRATION);
  if (slow.length === 0) return undefined;
  const says = slow.map(([what, change]) => `${what} ${(100 * change).toFixed(0)}% slower`).join(' and ');
  return (
    `${file}: this calibration ${says} than the one it replaces (${before.created.slice(0, 10)}): something ` +
    'else was running, and its predictions come out that much slower; calibrate again on a quiet machine'
  );
}
