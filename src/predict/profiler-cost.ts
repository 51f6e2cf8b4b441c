/**
 * What onnxruntime's profiler adds to each kernel it times, measured: chains of 128 tiny kernels
 * (sweep.ts), whose own work is next to nothing, profiled and timed unprofiled. What a profiled
 * kernel takes beyond its unprofiled time is the profiler's bookkeeping inside the kernel's clock
 * (fit.ts ProfilerCost); calibration takes it off every kernel it profiles.
 */
import type { Backend, RunOptions } from '../measure/backend.ts';
import { quantileOf } from '../measure/stats.ts';
import { type ProfilerCost, profilerCostFit, type Whole } from './fit.ts';
import type { SweepModel } from './sweep-builder.ts';

/** rounds each chain is profiled and timed in (cheap: a few milliseconds a round) */
export const PROFILER_ROUNDS = 5;

/**
 * The profiler's chains, each profiled and timed in PROFILER_ROUNDS rounds: a chain's fastest
 * profiled round and fastest unprofiled round, as a disturbance only ever adds time (a single trace
 * in a slow phase here read 3.6 µs per kernel where quiet ones read 1.9). `run.quantile` is the
 * statistic per kernel the calibration's own kernels are taken at. Calibration measures them twice,
 * minutes apart, and fits the cost on the faster of each (`fastestOf`, `profilerCostFit`): one
 * calibration here, its first measurement in a slow stretch of the host, read 2.9 µs per kernel where
 * the others read 1.2-1.5 µs + 0.3 µs per tensor, and took a microsecond too many off every kernel.
 */
export async function profilerChains(
  chains: SweepModel[],
  backend: Backend,
  run: RunOptions,
  runOverheadMs: number,
  progress: (m: string) => void,
): Promise<Whole[]> {
  // round by round over the chains, not chain by chain: a disturbed stretch of a few seconds then
  // spoils one round of several chains, which their other rounds outrun, not every round of one
  const rounds: Whole[][] = chains.map(() => []);
  for (let round = 0; round < PROFILER_ROUNDS; round++)
    for (const [i, m] of chains.entries()) {
      const input = { bytes: m.bytes, inputs: [m.input], what: m.name };
      progress(m.name);
      const { kernels } = await backend.profile(input, run);
      const [wall] = await backend.time([input], run);
      rounds[i].push({
        ms: Math.max(quantileOf(wall, run.quantile ?? 0.5) - runOverheadMs, 0),
        kernelMs: kernels.reduce((a, k) => a + k.us, 0) / 1000,
        kernels: kernels.length,
        tensors: kernels.reduce((a, k) => a + k.tensors, 0),
        ioBytes: 0,
      });
    }
  return rounds.map((rs) => rs.reduce((a, b) => fastestOf([a], [b])[0]));
}

/** Chain by chain, the fastest profiled and the fastest unprofiled time of two measurements. */
export const fastestOf = (a: Whole[], b: Whole[]): Whole[] =>
  a.map((w, i) => ({ ...w, ms: Math.min(w.ms, b[i].ms), kernelMs: Math.min(w.kernelMs, b[i].kernelMs) }));

/** The profiler's cost from two measurements of its chains (see profilerChains). */
export const profilerCostOfBoth = (a: Whole[], b: Whole[]): ProfilerCost => profilerCostFit(fastestOf(a, b));
