/**
 * What onnxruntime's profiler adds to each kernel it times, measured: chains of 128 tiny kernels
 * (sweep.ts), whose own work is next to nothing, and long chains of small kernels of many kinds,
 * profiled and timed unprofiled. What a profiled kernel takes beyond its unprofiled time is the
 * profiler's bookkeeping inside the kernel's clock (fit.ts ProfilerCost); calibration takes it off
 * every kernel it profiles.
 */
import type { Backend, RunOptions } from '../measure/backend.ts';
import { quantileOf } from '../measure/stats.ts';
import { median, type ProfilerCost, profilerCostFit, profilerCostInContext, type Whole } from './fit.ts';
import type { SweepModel } from './sweep-builder.ts';
import { splitWitness, witnessed } from './witness.ts';

/** rounds each chain is profiled and timed in (cheap: a few milliseconds a round) */
export const PROFILER_ROUNDS = 5;

/**
 * The profiler's chains, each profiled and timed in `roundCount` rounds: per chain, its rounds
 * (profiled kernels and unprofiled run). `run.quantile` is the statistic per kernel the
 * calibration's own kernels are taken at.
 */
export async function profilerChains(
  chains: SweepModel[],
  backend: Backend,
  run: RunOptions,
  runOverheadMs: number,
  progress: (m: string) => void,
  roundCount = PROFILER_ROUNDS,
): Promise<Whole[][]> {
  // round by round over the chains, not chain by chain: a disturbed stretch of a few seconds then
  // spoils one round of several chains, which their other rounds outrun, not every round of one
  const rounds: Whole[][] = chains.map(() => []);
  const inputs = chains.map((m) => {
    const input = { bytes: m.bytes, inputs: [m.input], what: m.name };
    return { input, witness: witnessed(input) };
  });
  for (let round = 0; round < roundCount; round++)
    for (const [i, { input, witness }] of inputs.entries()) {
      progress(input.what);
      const { rest: kernels, witnessUs } = splitWitness((await backend.profile(witness, run)).kernels);
      const [wall] = await backend.time([input], run);
      rounds[i].push({
        ms: Math.max(quantileOf(wall, run.quantile ?? 0.5) - runOverheadMs, 0),
        kernelMs: kernels.reduce((a, k) => a + k.us, 0) / 1000,
        kernels: kernels.length,
        tensors: kernels.reduce((a, k) => a + k.tensors, 0),
        outputBytes: 0,
        witnessMs: witnessUs / 1000,
      });
    }
  return rounds;
}

/**
 * A chain over its rounds: its fastest unprofiled time, as a disturbance only ever adds time; its
 * profiled time beyond its sessions' witness, the median (a difference within one session, which a
 * disturbance moves either way), or without a witness its fastest profiled time.
 */
const overRounds = (rounds: Whole[]): Whole => {
  const witnessed = rounds.every((w) => w.witnessMs !== undefined);
  const beyond = rounds.map((w) => w.kernelMs - w.kernels * (w.witnessMs ?? 0));
  return {
    ...rounds[0],
    ms: Math.min(...rounds.map((w) => w.ms)),
    kernelMs: witnessed ? median(beyond) : Math.min(...beyond),
    witnessMs: undefined,
  };
};

/**
 * The profiler's cost from two measurements of its chains, minutes apart (`tiny` and `context`:
 * each chain's rounds, per measurement), beyond each session's witness (witness.ts). Per tensor: from
 * the chains of tiny kernels over both measurements (see overRounds; unwitnessed, a single trace in a
 * slow phase here read 3.6 µs per kernel where quiet ones read 1.9; one calibration, its first
 * measurement in a slow stretch of the host, read 2.9 µs per kernel where the others read 1.2-1.5 µs
 * + 0.3 µs per tensor). Per kernel: from the
 * chains of small kernels, the median over their rounds (fit.ts profilerCostInContext), as each
 * calibration kernel's time is the median of its rounds.
 */
export function profilerCostOfBoth(
  tiny: [Whole[][], Whole[][]],
  context: [Whole[][], Whole[][]] = [[], []],
): ProfilerCost {
  const [a, b] = tiny;
  const isolated = profilerCostFit(a.map((rounds, i) => overRounds([...rounds, ...b[i]])));
  const [c, d] = context;
  return profilerCostInContext(isolated, [...c.flat(), ...d.flat()]);
}
