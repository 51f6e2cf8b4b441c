/** A hand-written machine profile: predictions with known coefficients, without calibrating. */
import type { ClassFit, MachineProfile } from '../src/predict/machine.ts';

export function testProfile(
  over: { fit?: Partial<ClassFit>; classes?: MachineProfile['classes'] } = {},
): MachineProfile {
  const fit: ClassFit = {
    overheadMs: 0.01,
    computeEfficiency: 0.5,
    memoryEfficiency: 1,
    samples: 10,
    medianAbsError: 0,
    ...over.fit,
  };
  return {
    netcostProfile: 1,
    created: '2026-11-28T00:00:00Z',
    machine: {
      cpu: 'test CPU',
      cores: 2,
      platform: 'linux-x64',
      node: 'v20',
      onnxruntime: '1.30.0',
      threads: 1,
      graphOptimizationLevel: 'all',
    },
    // 100 GFLOP/s; 100 GB/s at 1 KB of traffic falling (log-linearly) to 10 GB/s at 1 GB
    roofline: {
      peakGflops: 100,
      bandwidth: [
        { bytes: 1e3, gbps: 100 },
        { bytes: 1e9, gbps: 10 },
      ],
    },
    nchwcBlock: 8,
    runOverheadMs: 0.05,
    ioGbps: 5,
    profiler: { kernelScale: 1, perKernelMs: 0.005 },
    classes: over.classes ?? { pointwise: fit, 'grouped-pointwise': fit, conv: fit },
    fit: { layers: 30, medianAbsError: 0.1 },
    calibration: { seconds: 10, networks: 5, quick: false },
  };
}
