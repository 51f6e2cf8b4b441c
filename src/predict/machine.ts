/**
 * The machine profile `netcost calibrate` writes and `--predict` reads: one machine under one
 * onnxruntime configuration (threads, optimisation level), as calibration measured it: the engine's
 * layout (NCHWc block), the bandwidth by working set, a speed probe, and a fitted latency model per
 * kernel class with each parameter's uncertainty. One home for its shape: the zod schema below,
 * from which the committed JSON Schema (configs/schema/machine-profile.schema.json) is generated.
 */
import { z } from 'zod';
import { LIMITS } from '../limits.ts';
import { KERNEL_CLASSES, type KernelClass, PARAMS } from './classes.ts';

export const PROFILE_VERSION = 5;

/**
 * Every number within what a machine can be (a microcontroller to a data-centre accelerator), so
 * that a hand-edited profile cannot make a prediction infinite, NaN or zero: a coefficient in ms per
 * unit of work at most 10^6, a rate from 10^-3 to 10^7 of its unit.
 */
const range = (min: number, max: number) => z.number().min(min).max(max);
/** the rates a profile may hold (GFLOP/s, GB/s): calibration's fits are kept inside them */
export const RATE = { min: 1e-3, max: 1e7 } as const;
const rate = range(RATE.min, RATE.max);
const coefficient = range(0, 1e6);
const count = z.number().int().nonnegative().max(1e9);
const text = z.string().max(256);
const paramSet = z.strictObject(
  Object.fromEntries(PARAMS.map((p) => [p, coefficient])) as Record<(typeof PARAMS)[number], typeof coefficient>,
);

/** A tree of boost.ts in level order: inner nodes' split feature (-1: none) and threshold, then the leaves. */
const finite = range(-1e12, 1e12);
const tree = z
  .strictObject({
    feature: z.array(z.number().int().min(-1).max(63)).max(63),
    threshold: z.array(finite).max(63),
    leaf: z.array(range(-10, 10)).max(64),
  })
  .refine((t) => t.threshold.length === t.feature.length && t.leaf.length === t.feature.length + 1, 'tree arrays');
const boosted = z
  .strictObject({ depth: z.number().int().min(1).max(6), trees: z.array(tree).max(400) })
  .refine((b) => b.trees.every((t) => t.feature.length === 2 ** b.depth - 1), 'trees must be complete to their depth');

/**
 * See classes.ts: time = overhead + compute·work + narrow·work/width (a plain convolution:
 * narrow·im2col runs) + memory·(bytes / bandwidth(bytes)).
 */
const classFit = z
  .strictObject({
    params: paramSet,
    /** the 10th and 90th percentiles of each parameter over bootstrap resamples of the kernels */
    lo: paramSet,
    hi: paramSet,
    /** bootstrap draws of the parameters (in `params` order): prediction intervals come from them */
    draws: z.array(z.array(coefficient).length(PARAMS.length)).max(64),
    /** kernels the class was fitted on */
    samples: count.positive(),
    /** median |predicted / measured - 1| over those kernels (the linear model) */
    medianAbsError: coefficient,
    /** boosted trees over the kernel's shape: log(measured / linear) (residual.ts), given enough kernels */
    trees: boosted.optional(),
    /** cross-validated median |predicted / measured - 1| (folds by calibration model), linear and with trees */
    cv: z.strictObject({ linear: coefficient, trees: coefficient, folds: count }).optional(),
  })
  .refine((f) => PARAMS.some((p) => f.params[p] > 0), 'a class whose parameters are all 0 prices every kernel at 0')
  .refine(
    (f) => PARAMS.every((p) => f.lo[p] <= f.hi[p]),
    "a parameter's lo (10th percentile) must not exceed its hi (90th percentile)",
  );
export type ClassFit = z.infer<typeof classFit>;

export const machineProfileSchema = z.strictObject({
  $schema: text.optional(),
  netcostProfile: z.literal(PROFILE_VERSION),
  created: text,
  machine: z.strictObject({
    cpu: text,
    cores: z.number().int().positive().max(1e5),
    platform: text,
    node: text,
    onnxruntime: text,
    threads: z.number().int().positive().max(LIMITS.threads),
    graphOptimizationLevel: z.enum(['disabled', 'basic', 'extended', 'all']),
  }),
  /** what calibration saw of the engine: its NCHWc channel block (0: none) and the kernel kinds it ran */
  engine: z.strictObject({
    // onnxruntime's blocks are 8 (AVX2, NEON) or 16 (AVX-512); 4 on some SSE builds
    nchwcBlock: z
      .number()
      .int()
      .refine((b) => [0, 4, 8, 16].includes(b), 'the NCHWc block is 0 (none), 4, 8 or 16 channels'),
    kinds: z.array(text).max(1000),
  }),
  /** the highest GFLOP/s a convolution or GEMM reached (the roofline's peak, for reports) */
  peakGflops: rate,
  /** GB/s by working-set size (bytes a kernel reads and writes), increasing sizes */
  bandwidth: z
    .array(z.strictObject({ bytes: range(1, 2 ** 60), gbps: rate }))
    .min(2)
    .max(64)
    .refine((a) => a.every((p, i) => i === 0 || p.bytes > a[i - 1].bytes), 'sizes must increase'),
  /**
   * fixed models timed beside every calibration model: a compute-bound one (two 3x3 convolutions)
   * and a memory-bound one (ReLUs over 4 MiB), their medians, and how far the machine drifted
   * from the first third of the calibration to the last (the larger of the two)
   */
  probe: z.strictObject({ ms: rate, memoryMs: rate, drift: range(-10, 10) }),
  /** a run's fixed cost (the harness around a one-element model) */
  runOverheadMs: coefficient,
  /** whole-model time = runOverheadMs + the kernels' times + output bytes / ioGbps (copied out to the caller) */
  ioGbps: rate,
  /**
   * a model output of BIG_OUTPUT_MIB or more comes back in a buffer the C library maps afresh each
   * run (glibc's largest mmap threshold is 32 MiB), so each run faults its pages in: ms per MiB of
   * such an output, beyond the copy (absent in profiles from before it was measured: 0)
   */
  bigOutputMsPerMiB: coefficient.optional(),
  /**
   * profiled kernel time -> unprofiled: ms = kernelScale · (kernel ms - perKernelMs - perTensorMs ·
   * the tensors the profiler wrote out for it); perTensorMs is 0 in profiles from before it was measured
   */
  profiler: z.strictObject({
    kernelScale: range(1e-3, 1e3),
    perKernelMs: coefficient,
    perTensorMs: coefficient.default(0),
  }),
  // an object of optional keys, not a record: a record would drop a key named __proto__ silently
  classes: z.strictObject(
    Object.fromEntries(KERNEL_CLASSES.map((c) => [c, classFit.optional()])) as Record<
      KernelClass,
      z.ZodOptional<typeof classFit>
    >,
  ),
  /**
   * what a kernel pays beyond its class's time for touching the caller's buffers: ms per MiB read
   * from a model input and written to a model output (a fresh output buffer faults its pages in)
   */
  edges: z.strictObject({ inputMsPerMiB: coefficient, outputMsPerMiB: coefficient }),
  /** how well the model explains the calibration kernels, all classes together */
  fit: z.strictObject({ kernels: count, medianAbsError: coefficient }),
  calibration: z.strictObject({
    seconds: coefficient,
    models: count,
    quick: z.boolean(),
    /**
     * `calibrate --hold-out`: the models whose kernels the fit was kept from, and the calibration
     * kernels left out for sharing a signature with one of theirs (plan.ts kernelSignature)
     */
    heldOut: z.strictObject({ models: count, kernels: count }).optional(),
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
