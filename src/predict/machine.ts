/**
 * The machine profile `netcost calibrate` writes and `--predict` reads: the roofline of one
 * machine under onnxruntime (peak compute, bandwidth by working-set size) and a fitted latency
 * model per kernel class. One home for its shape: the zod schema below, from which the committed
 * JSON Schema (configs/schema/machine-profile.schema.json) is generated.
 */
import { z } from 'zod';

export const PROFILE_VERSION = 1;

/**
 * What a layer's kernel is, finer than its op category where onnxruntime's kernels differ: a
 * grouped pointwise convolution is not a dense one, and a concat is not a channel shuffle.
 */
export const KERNEL_CLASSES = [
  'conv',
  'pointwise',
  'grouped-pointwise',
  'depthwise',
  'linear',
  'pooling',
  'elementwise',
  'concat',
  'shuffle',
  'split-slice',
  'data-movement',
] as const;
export type KernelClass = (typeof KERNEL_CLASSES)[number];

const positive = z.number().positive();
const nonNegative = z.number().nonnegative();

/**
 * t = overheadMs + max(FLOPs / (peak · computeEfficiency · w / (w + halfWidth)),
 *                      bytes / (bandwidth(bytes) · memoryEfficiency))
 * where w is the layer's GEMM width (the smaller of its inner dimension and its output channels per
 * group): narrow GEMMs (a grouped 1x1 convolution with few channels per group) run further below
 * the peak. Classes that are not GEMMs have no halfWidth. A convolution onnxruntime runs without
 * its blocked NCHWc layout has its compute efficiency multiplied by plainFactor.
 */
const classFit = z.strictObject({
  overheadMs: nonNegative,
  computeEfficiency: positive,
  memoryEfficiency: positive,
  halfWidth: nonNegative.optional(),
  /** convolutions: compute efficiency without onnxruntime's blocked layout, relative to with it */
  plainFactor: positive.optional(),
  /** layers the class was fitted on */
  samples: z.number().int().nonnegative(),
  /** median |predicted - measured| / measured over those layers */
  medianAbsError: nonNegative,
});
export type ClassFit = z.infer<typeof classFit>;

export const machineProfileSchema = z.strictObject({
  $schema: z.string().optional(),
  netcostProfile: z.literal(PROFILE_VERSION),
  created: z.string(),
  machine: z.strictObject({
    cpu: z.string(),
    cores: z.number().int().positive(),
    platform: z.string(),
    node: z.string(),
    onnxruntime: z.string(),
    threads: z.number().int().positive(),
    graphOptimizationLevel: z.enum(['disabled', 'basic', 'extended', 'all']),
  }),
  roofline: z.strictObject({
    /** the highest GFLOP/s a dense convolution or GEMM reached */
    peakGflops: positive,
    /** GB/s by working-set size (bytes a layer reads and writes), increasing sizes */
    bandwidth: z
      .array(z.strictObject({ bytes: positive, gbps: positive }))
      .min(1)
      .refine((a) => a.every((p, i) => i === 0 || p.bytes > a[i - 1].bytes), 'sizes must increase'),
  }),
  /** channels per block of onnxruntime's NCHWc layout as calibration saw it (8 for AVX2, 16 for AVX-512; 0: none) */
  nchwcBlock: z.number().int().nonnegative(),
  /** a run's fixed cost (the harness around a one-element model) */
  runOverheadMs: nonNegative,
  /** whole-model time = runOverheadMs + the layers' times + (input and output bytes) / ioGbps */
  ioGbps: positive,
  /**
   * how calibration turned the profiler's kernel times into unprofiled layer times:
   * layer ms = kernelScale · (kernel ms - perKernelMs · kernels)
   */
  profiler: z.strictObject({ kernelScale: positive, perKernelMs: nonNegative }),
  classes: z.partialRecord(z.enum(KERNEL_CLASSES), classFit),
  /** how well the fit explains the calibration layers, all classes together */
  fit: z.strictObject({ layers: z.number().int().nonnegative(), medianAbsError: nonNegative }),
  calibration: z.strictObject({ seconds: nonNegative, networks: z.number().int().nonnegative(), quick: z.boolean() }),
});
export type MachineProfile = z.infer<typeof machineProfileSchema>;

/** The bandwidth at a working set of `bytes`: log-linear between the measured sizes, flat beyond. */
export function bandwidthAt(p: MachineProfile, bytes: number): number {
  const pts = p.roofline.bandwidth;
  if (bytes <= pts[0].bytes) return pts[0].gbps;
  const last = pts[pts.length - 1];
  if (bytes >= last.bytes) return last.gbps;
  const i = pts.findIndex((q) => q.bytes >= bytes);
  const a = pts[i - 1];
  const b = pts[i];
  const f = Math.log(bytes / a.bytes) / Math.log(b.bytes / a.bytes);
  return a.gbps + f * (b.gbps - a.gbps);
}

/** The roofline's ridge: FLOP per byte above which the peak, not bandwidth, bounds a layer. */
export const balancePoint = (p: MachineProfile): number =>
  p.roofline.peakGflops / p.roofline.bandwidth[p.roofline.bandwidth.length - 1].gbps;
