/** A hand-written machine profile: predictions with known coefficients, without calibrating. */
import { KERNEL_CLASSES, type KernelClass } from '../src/predict/classes.ts';
import type { ClassFit, MachineProfile } from '../src/predict/machine.ts';

/** overhead ms, compute ms per GFLOP (or M elements), narrow ms per GFLOP/width, strided ms per M copies, memory */
export type Params = ClassFit['params'];

/** A class fit with these parameters, exact (no spread over bootstrap draws). */
export const exactFit = (params: Params): ClassFit => ({
  params,
  lo: params,
  hi: params,
  draws: [Object.values(params)],
  samples: 10,
  medianAbsError: 0,
});

/**
 * Every class at `params` (by default: 10 us overhead, 100 GFLOP/s or 100 M elements/ms... 10 ms per
 * GFLOP, no narrow-GEMM penalty, memory at the bandwidth curve), unless `classes` says otherwise.
 */
export function testProfile(
  over: { params?: Partial<Params>; classes?: Partial<Record<KernelClass, Partial<Params>>> } = {},
): MachineProfile {
  const base: Params = { overhead: 0.01, compute: 10, narrow: 0, strided: 0, activation: 0, memory: 1, ...over.params };
  const classes = Object.fromEntries(
    KERNEL_CLASSES.map((k) => [k, exactFit({ ...base, ...over.classes?.[k] })]),
  ) as MachineProfile['classes'];
  return {
    netcostProfile: 5,
    created: '2026-11-29T00:00:00Z',
    machine: {
      cpu: 'test CPU',
      cores: 2,
      platform: 'linux-x64',
      node: 'v20',
      onnxruntime: '1.30.0',
      threads: 1,
      graphOptimizationLevel: 'all',
    },
    engine: { nchwcBlock: 8, kinds: [] },
    peakGflops: 100,
    // 100 GB/s at 1 KB of traffic falling (log-linearly) to 10 GB/s at 1 GB
    bandwidth: [
      { bytes: 1e3, gbps: 100 },
      { bytes: 1e9, gbps: 10 },
    ],
    probe: { ms: 1.5, memoryMs: 4, drift: 0 },
    runOverheadMs: 0.05,
    ioGbps: 5,
    profiler: { kernelScale: 1, perKernelMs: 0.005, perTensorMs: 0 },
    classes,
    edges: { inputMsPerMiB: 0, outputMsPerMiB: 0 },
    fit: { kernels: 30, medianAbsError: 0.1 },
    calibration: { seconds: 10, models: 5, quick: false },
  };
}
