/**
 * The models `netcost calibrate` times:
 * - copies (ReLU chains) from 16 KiB to 64 MiB of traffic: the bandwidth curve by working set;
 * - chains of 128 tiny kernels (ReLUs, and Sums of 2 and 4 inputs, on a 1 KiB tensor) whose own work
 *   is next to nothing: what a profiled kernel takes beyond it is the profiler's own cost, by the
 *   tensors it writes out per kernel (fit.ts profilerCostFit); and long chains of small kernels of
 *   many kinds, which pay it in context (kernel-sampler.ts smallKernelChain);
 * - chains of kernels drawn from each class's configuration space (kernel-sampler.ts), from one
 *   fixed seed, and in the adaptive round more chains near the kernels the first fit predicts worst.
 * No network is among them: networks validate the fit (random-nets.ts, scripts/predict-heldout.json).
 */
import { sampledModel, smallKernelChain } from './kernel-sampler.ts';
import { Builder, type SweepModel, type T } from './sweep-builder.ts';

export type Purpose = 'bandwidth' | 'profiler' | 'profiler-context' | 'sweep';
export interface Calibration extends SweepModel {
  purpose: Purpose;
}

const tag = (m: SweepModel, purpose: Purpose = 'sweep'): Calibration => ({ ...m, purpose });

/** Four ReLUs over [1, c, hw, hw]: each moves 2·4·c·hw² bytes. */
function copies(c: number, hw: number): Calibration {
  const b = new Builder(`copy-${c}x${hw}x${hw}`, [1, c, hw, hw]);
  let x: T = b.input;
  for (let i = 0; i < 4; i++) x = b.unary('Relu', x);
  return tag(b.build(x), 'bandwidth');
}

/**
 * 128 kernels of `inputs` inputs each on [1, 16, 4, 4]: a ReLU for one, a 1x1 convolution with
 * weights and bias for three (what most of a network's kernels are, blocked: its weights and bias
 * are tensors the profiler writes out too), else a Sum of the same tensor.
 */
function profilerCost(inputs: number): Calibration {
  const b = new Builder(`profiler-cost-${inputs === 3 ? 'conv' : inputs}`, [1, 16, 4, 4]);
  let x: T = b.input;
  for (let i = 0; i < 128; i++)
    x =
      inputs === 1
        ? b.unary('Relu', x)
        : inputs === 3
          ? b.conv(x, 16, 1)
          : b.op('Sum', new Array(inputs).fill(x.name), x.shape);
  return tag(b.build(x), 'profiler');
}

/**
 * The speed probe: two 3x3 convolutions of 64 channels at 28x28 (about 1.5 ms). Timed at the start
 * and end of calibration, and again beside a later measurement: how much faster or slower the
 * machine runs than when it was calibrated.
 */
export function speedProbe(): SweepModel {
  const b = new Builder('speed-probe', [1, 64, 28, 28]);
  return b.build(b.conv(b.conv(b.input, 64, 3, { act: 'Relu' }), 64, 3, { act: 'Relu' }));
}

/**
 * The memory probe: four ReLUs over 4 MiB tensors (DRAM-bound traffic), beside the compute-bound
 * speed probe, reduced to one number per channel: a 4 MiB output would be a fresh buffer every run,
 * whose page faults made the probe's time jump between 3 and 16 ms here.
 */
export function memoryProbe(): SweepModel {
  const b = new Builder('memory-probe', [1, 64, 128, 128]);
  let x: T = b.input;
  for (let i = 0; i < 4; i++) x = b.unary('Relu', x);
  return b.build(b.reduceMean(x, [2, 3]));
}

/**
 * A ReLU whose output is the model's, of `mib` MiB: timed at 16 and at 40 MiB, the difference per
 * MiB is what an output mapped afresh each run costs in page faults (the profile's bigOutputMsPerMiB).
 */
export function outputProbe(mib: number): SweepModel {
  const b = new Builder(`output-probe-${mib}`, [1, mib, 512, 512]);
  return b.build(b.unary('Relu', b.input));
}

/** ReLU chains (channels, map size): 16 KiB to 64 MiB of traffic per kernel */
const COPIES: [number, number][] = [
  [16, 16],
  [32, 32],
  [64, 32],
  [64, 64],
  [128, 64],
  [128, 128],
  [256, 128],
  [256, 181],
];

/** the seed calibration draws its kernels from: the same kernels on every machine and every run */
export const CALIBRATION_SEED = 0x5eed1;
/** sampled chains per calibration (kernel-sampler.ts), and how many more the adaptive round draws */
export const SAMPLED = { quick: 48, full: 150, adaptive: 50 } as const;

/** chains of small kernels that measure the profiler's cost in context (kernel-sampler.ts smallKernelChain) */
export const CONTEXT_CHAINS = 4;

/** The models a calibration times first: the copies, the profiler's cost, and the sampled chains. */
export function calibrationModels(quick = false): Calibration[] {
  const copyPairs = quick ? [0, 4, 7].map((i) => COPIES[i]) : COPIES;
  const n = quick ? SAMPLED.quick : SAMPLED.full;
  return [
    ...[1, 2, 3, 4].map(profilerCost),
    ...Array.from({ length: CONTEXT_CHAINS }, (_, i) => tag(smallKernelChain(CALIBRATION_SEED, i), 'profiler-context')),
    ...copyPairs.map(([c, hw]) => copies(c, hw)),
    ...Array.from({ length: n }, (_, i) => tag(sampledModel(CALIBRATION_SEED, i))),
  ];
}
