/**
 * The machine profile `netcost calibrate` writes and `--predict` reads: one machine under one
 * onnxruntime configuration (threads, optimisation level), as calibration measured it: the engine's
 * layout (NCHWc block), the bandwidth by working set, a speed probe, and a fitted latency model per
 * kernel class with each parameter's uncertainty. One home for its shape: the zod schema below,
 * from which the committed JSON Schema (configs/schema/machine-profile.schema.json) is generated.
 */
import { z } from 'zod';
import { KERNEL_CLASSES, PARAMS } from './classes.ts';

export const PROFILE_VERSION = 2;

const positive = z.number().positive();
const nonNegative = z.number().nonnegative();
const paramSet = z.strictObject(
  Object.fromEntries(PARAMS.map((p) => [p, nonNegative])) as Record<(typeof PARAMS)[number], typeof nonNegative>,
);

/** See classes.ts: time = overhead + compute·work + narrow·work/width + memory·(bytes / bandwidth(bytes)). */
const classFit = z.strictObject({
  params: paramSet,
  /** the 10th and 90th percentiles of each parameter over bootstrap resamples of the kernels */
  lo: paramSet,
  hi: paramSet,
  /** bootstrap draws of the parameters (in `params` order): prediction intervals come from them */
  draws: z.array(z.array(nonNegative).length(PARAMS.length)).max(64),
  /** kernels the class was fitted on */
  samples: z.number().int().positive(),
  /** median |predicted / measured - 1| over those kernels */
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
  /** what calibration saw of the engine: its NCHWc channel block (0: none) and the kernel kinds it ran */
  engine: z.strictObject({
    nchwcBlock: z.number().int().nonnegative(),
    kinds: z.array(z.string()),
  }),
  /** the highest GFLOP/s a convolution or GEMM reached (the roofline's peak, for reports) */
  peakGflops: positive,
  /** GB/s by working-set size (bytes a kernel reads and writes), increasing sizes */
  bandwidth: z
    .array(z.strictObject({ bytes: positive, gbps: positive }))
    .min(2)
    .refine((a) => a.every((p, i) => i === 0 || p.bytes > a[i - 1].bytes), 'sizes must increase'),
  /**
   * fixed models timed beside every calibration model: a compute-bound one (two 3x3 convolutions)
   * and a memory-bound one (ReLUs over 4 MiB), their medians, and how far the machine drifted
   * from the first third of the calibration to the last (the larger of the two)
   */
  probe: z.strictObject({ ms: positive, memoryMs: positive, drift: z.number() }),
  /** a run's fixed cost (the harness around a one-element model) */
  runOverheadMs: nonNegative,
  /** whole-model time = runOverheadMs + the kernels' times + (input and output bytes) / ioGbps */
  ioGbps: positive,
  /** profiled kernel time -> unprofiled: ms = kernelScale · (kernel ms - perKernelMs) */
  profiler: z.strictObject({ kernelScale: positive, perKernelMs: nonNegative }),
  classes: z.partialRecord(z.enum(KERNEL_CLASSES), classFit),
  /**
   * what a kernel pays beyond its class's time for touching the caller's buffers: ms per MiB read
   * from a model input and written to a model output (a fresh output buffer faults its pages in)
   */
  edges: z.strictObject({ inputMsPerMiB: nonNegative, outputMsPerMiB: nonNegative }),
  /** how well the model explains the calibration kernels, all classes together */
  fit: z.strictObject({ kernels: z.number().int().nonnegative(), medianAbsError: nonNegative }),
  calibration: z.strictObject({
    seconds: nonNegative,
    models: z.number().int().nonnegative(),
    quick: z.boolean(),
  }),
});
export type MachineProfile = z.infer<typeof machineProfileSchema>;

/** The bandwidth at a working set of `bytes`: log-linear between the measured sizes, flat beyond. */
export function bandwidthAt(p: Pick<MachineProfile, 'bandwidth'>, bytes: number): number {
  const pts = p.bandwidth;
  if (bytes <= pts[0].bytes) return pts[0].gbps;
  const last = pts[pts.length - 1];
  if (bytes >= last.bytes) return last.gbps;
  const i = pts.findIndex((q) => q.bytes >= bytes);
  const a = pts[i - 1];
  const b = pts[i];
  const f = Math.log(bytes / a.bytes) / Math.log(b.bytes / a.bytes);
  return a.gbps + f * (b.gbps - a.gbps);
}

/** The roofline's ridge: FLOP per byte above which the peak, not bandwidth, bounds a kernel. */
export const balancePoint = (p: MachineProfile): number => p.peakGflops / p.bandwidth[p.bandwidth.length - 1].gbps;
