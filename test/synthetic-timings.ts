/**
 * Synthetic timed runs with a known answer, taken as `guidelines` takes them: per width, interleaved
 * rounds of 5 runs per network; each run is the network's time times the round's drift (shared by
 * every network of the round) and its own noise, both log-normal. Defaults: this machine's noise,
 * 3% per run and 10% per round.
 */
import { mulberry32 } from '../src/util/random.ts';

/** A stream of passes: each call times `runs` more runs of every network, as a new pass would. */
export function timer(seed: number, runNoise = 0.03, roundNoise = 0.1) {
  const u = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  /** `times[w][k]`: row k's time at width w */
  return (times: number[][], runs: number): number[][][] =>
    times.map((nets) => {
      const out = nets.map(() => [] as number[]);
      for (let done = 0; done < runs; done += 5) {
        const drift = Math.exp(roundNoise * normal());
        for (const [k, t] of nets.entries())
          for (let i = 0; i < Math.min(5, runs - done); i++) out[k].push(t * drift * Math.exp(runNoise * normal()));
      }
      return out;
    });
}

/** One pass of 40 runs per network (8 rounds), the default. */
export const timings = (times: number[][], seed: number, runNoise = 0.03, roundNoise = 0.1): number[][][] =>
  timer(seed, runNoise, roundNoise)(times, 40);

/**
 * One pass timed as `timeInterleaved` times it, on a machine that slows steadily through the pass
 * (`drift` 0.2: the last run 20% slower than the first) with 3% noise per run: each round gives
 * every network `block` runs, in the order `order(round, n)` gives. `times[w][k]` as in `timer`.
 */
export function driftingPass(
  seed: number,
  times: number[][],
  runs: number,
  order: (round: number, n: number) => number[],
  drift = 0.2,
  block = 5,
): number[][][] {
  const u = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  return times.map((nets) => {
    const out = nets.map(() => [] as number[]);
    const total = runs * nets.length;
    let at = 0;
    for (let done = 0, round = 0; done < runs; done += block, round++)
      for (const k of order(round, nets.length))
        for (let i = 0; i < Math.min(block, runs - done); i++)
          out[k].push(nets[k] * (1 + (drift * at++) / total) * Math.exp(0.03 * normal()));
    return out;
  });
}
