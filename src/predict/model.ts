/**
 * Predicted time from a machine profile: per kernel, its class's linear model over its features
 * (overhead + compute + memory, see classes.ts); per layer, the shares of the kernels serving it;
 * per model, the kernels' sum plus the run's fixed cost and the copy of its output to the caller, with
 * an interval from the bootstrap draws of every class's parameters.
 */
import { quantile } from '../measure/stats.ts';
import { type Bandwidth, featuresOf, KERNEL_CLASSES, type KernelClass, PARAMS } from './classes.ts';
import { dot } from './fit.ts';
import { bandwidthAt, type ClassFit, type MachineProfile } from './machine.ts';
import type { PlannedKernel } from './plan.ts';
import { residualFactor } from './residual.ts';

/**
 * What bounds a kernel: a term that exceeds the other by BOUND_MARGIN, else `balanced`; `overhead`
 * when neither term reaches the fixed cost.
 */
export type Bound = 'compute' | 'memory' | 'balanced' | 'overhead';
export const BOUND_MARGIN = 2;

export interface Terms {
  overheadMs: number;
  /** compute time, with the narrow-GEMM penalty */
  computeMs: number;
  memoryMs: number;
}

export const boundOf = (t: Terms): Bound =>
  t.overheadMs > t.computeMs + t.memoryMs
    ? 'overhead'
    : t.computeMs >= BOUND_MARGIN * t.memoryMs
      ? 'compute'
      : t.memoryMs >= BOUND_MARGIN * t.computeMs
        ? 'memory'
        : 'balanced';

export interface KernelPrediction extends Terms {
  /** the part of computeMs a GEMM loses to its narrowness (0 for other kernels) */
  narrowMs: number;
  key: string;
  node: string;
  op: string;
  cls: KernelClass;
  /** the class whose fit priced it (another one when calibration had none for its own) */
  pricedAs: KernelClass;
  ms: number;
  bound: Bound;
  layers: { name: string; share: number }[];
  uncertain: boolean;
}

export interface LayerPrediction extends Terms {
  name: string;
  predictedMs: number;
  bound: Bound;
  /** the kernels serving it (their keys) */
  kernels: string[];
}

export interface ModelPrediction {
  predictedMs: number;
  /** 10th and 90th percentiles over the bootstrap draws of the class fits */
  lowMs: number;
  highMs: number;
  kernelsMs: number;
  runOverheadMs: number;
  ioMs: number;
  /** the part of ioMs a large output's page faults take (bigOutputMs), with the output's bytes */
  bigOutput?: { ms: number; bytes: number };
  kernels: KernelPrediction[];
  layers: LayerPrediction[];
  /** share of the kernels' time in kernels netcost's rules cannot place (see plan.ts) */
  uncertainShare: number;
  /** classes calibration did not fit, with the class that priced them instead */
  borrowed: { cls: KernelClass; as: KernelClass }[];
}

/** The class a class borrows from when calibration fitted none of its kernels. */
const FALLBACK: Record<KernelClass, KernelClass[]> = {
  conv: ['conv-plain', 'gemm'],
  'conv-depthwise': ['conv-plain-depthwise', 'pool'],
  'conv-grouped': ['conv', 'conv-plain'],
  'conv-plain': ['conv', 'gemm'],
  'conv-plain-depthwise': ['conv-depthwise', 'pool'],
  gemm: ['conv-plain', 'conv'],
  gemv: ['gemm', 'conv-plain'],
  pool: ['pool-plain', 'conv-depthwise'],
  'pool-plain': ['pool', 'conv-plain-depthwise'],
  elementwise: ['activation', 'data-movement'],
  activation: ['elementwise', 'normalization'],
  'activation-exp': ['activation', 'normalization'],
  normalization: ['activation', 'reduction'],
  reduction: ['normalization', 'elementwise'],
  reorder: ['data-movement', 'elementwise'],
  transpose: ['data-movement', 'reorder'],
  'data-movement': ['reorder', 'elementwise'],
  view: ['data-movement', 'elementwise'],
};

function fitFor(p: MachineProfile, c: KernelClass): { fit: ClassFit; as: KernelClass } | undefined {
  for (const as of [c, ...FALLBACK[c]]) {
    const fit = p.classes[as];
    if (fit) return { fit, as };
  }
  return undefined;
}

/** Kernel classes the profile cannot price: no fit of their own nor of a class they borrow from. */
export const unpricedClasses = (p: MachineProfile): KernelClass[] =>
  KERNEL_CLASSES.filter((c) => fitFor(p, c) === undefined);

const paramVector = (f: ClassFit) => PARAMS.map((k) => f.params[k]);

export function predictKernel(p: MachineProfile, k: PlannedKernel, bandwidth: Bandwidth): KernelPrediction {
  const found = fitFor(p, k.cls);
  const x = featuresOf(found?.as ?? k.cls, k.work, bandwidth);
  const theta = found ? paramVector(found.fit) : PARAMS.map(() => 0);
  const edgeMs = (k.edge.input * p.edges.inputMsPerMiB + k.edge.output * p.edges.outputMsPerMiB) / 2 ** 20;
  // what the class's trees learned the linear terms miss, on each term alike; every run of the kernel
  const factor = residualFactor(found?.fit.trees, k) * (k.runs ?? 1);
  const term = (p: (typeof PARAMS)[number]) => factor * x[PARAMS.indexOf(p)] * theta[PARAMS.indexOf(p)];
  const t: Terms = {
    overheadMs: term('overhead'),
    computeMs: term('compute') + term('narrow') + term('strided') + term('activation'),
    memoryMs: term('memory') + edgeMs,
  };
  return {
    narrowMs: term('narrow'),
    key: k.key,
    node: k.node,
    op: k.op,
    cls: k.cls,
    pricedAs: found?.as ?? k.cls,
    ...t,
    ms: t.overheadMs + t.computeMs + t.memoryMs,
    bound: boundOf(t),
    layers: k.layers,
    uncertain: k.uncertain,
  };
}

function byLayer(kernels: KernelPrediction[]): LayerPrediction[] {
  const by = new Map<string, LayerPrediction>();
  for (const k of kernels)
    for (const { name, share } of k.layers) {
      const l = by.get(name) ?? {
        name,
        predictedMs: 0,
        overheadMs: 0,
        computeMs: 0,
        memoryMs: 0,
        bound: 'overhead',
        kernels: [],
      };
      l.predictedMs += share * k.ms;
      l.overheadMs += share * k.overheadMs;
      l.computeMs += share * k.computeMs;
      l.memoryMs += share * k.memoryMs;
      l.kernels.push(k.key);
      by.set(name, l);
    }
  return [...by.values()].map((l) => ({ ...l, bound: boundOf(l) }));
}

/**
 * Outputs this large are mapped afresh each run and fault their pages in (see the profile's
 * bigOutputMsPerMiB): glibc's mmap threshold, which adapts to freed sizes, stops at 32 MiB.
 */
export const BIG_OUTPUT_MIB = 32;

/** What a run pays for an output of `bytes` beyond its copy: its pages faulted in, when it is mapped afresh. */
export const bigOutputMs = (p: MachineProfile, bytes: number): number =>
  bytes >= BIG_OUTPUT_MIB * 2 ** 20 ? ((p.bigOutputMsPerMiB ?? 0) * bytes) / 2 ** 20 : 0;

/**
 * A model's predicted time from its planned kernels and the bytes of its outputs, which a run copies
 * out to the caller (and whose pages a large one faults in each run). Its inputs cost nothing per
 * byte: a run whose one kernel slices 3 elements out of inputs of 3 KB to 3 MB took 13.6-13.9 µs at
 * every size, while a ReLU's output of 0.2, 0.8 and 3.1 MB cost 14, 65 and 295 µs more than the
 * same ReLU sliced to 3 elements, 11-14 GB/s (onnxruntime-node 1.30, 2026-12-07).
 */
export function predictKernels(p: MachineProfile, planned: PlannedKernel[], outputBytes = 0): ModelPrediction {
  const bandwidth: Bandwidth = (b) => bandwidthAt(p, b);
  const kernels = planned.map((k) => predictKernel(p, k, bandwidth));
  const kernelsMs = kernels.reduce((a, k) => a + k.ms, 0);
  const faults = bigOutputMs(p, outputBytes);
  const ioMs = outputBytes / p.ioGbps / 1e6 + faults;
  const fixed = p.runOverheadMs + ioMs;
  // the same kernels priced with each bootstrap draw of every class's parameters
  const draws = Math.min(...Object.values(p.classes).map((f) => f.draws.length));
  // what does not change from draw to draw, once per kernel: its residual factor, features, edge time
  const memory = PARAMS.indexOf('memory');
  const fixedParts = planned.map((k, i) => {
    const fit = p.classes[kernels[i].pricedAs];
    const factor = residualFactor(fit?.trees, k) * (k.runs ?? 1);
    const x = featuresOf(kernels[i].pricedAs, k.work, bandwidth);
    return { fit, factor, x, edgeMs: kernels[i].memoryMs - (fit ? factor * x[memory] * fit.params.memory : 0) };
  });
  const totals: number[] = [];
  for (let b = 0; Number.isFinite(draws) && b < draws; b++) {
    let sum = 0;
    for (const { fit, factor, x, edgeMs } of fixedParts) sum += (fit ? factor * dot(x, fit.draws[b]) : 0) + edgeMs;
    totals.push(sum + fixed);
  }
  totals.sort((a, b) => a - b);
  const predictedMs = kernelsMs + fixed;
  const uncertainMs = kernels.filter((k) => k.uncertain).reduce((a, k) => a + k.ms, 0);
  const borrowed = [...new Map(kernels.filter((k) => k.pricedAs !== k.cls).map((k) => [k.cls, k.pricedAs]))].map(
    ([cls, as]) => ({ cls, as }),
  );
  return {
    predictedMs,
    lowMs: totals.length ? Math.min(predictedMs, quantile(totals, 0.1)) : predictedMs,
    highMs: totals.length ? Math.max(predictedMs, quantile(totals, 0.9)) : predictedMs,
    kernelsMs,
    runOverheadMs: p.runOverheadMs,
    ioMs,
    ...(faults > 0 ? { bigOutput: { ms: faults, bytes: outputBytes } } : {}),
    kernels,
    layers: byLayer(kernels),
    uncertainShare: kernelsMs > 0 ? uncertainMs / kernelsMs : 0,
    borrowed,
  };
}
