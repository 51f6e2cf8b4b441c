/**
 * Predicted latency from counted costs and a machine profile: per layer, a roofline with a fitted
 * efficiency and per-kernel overhead for the layer's kernel class; per model, the layers' sum plus
 * the run's fixed cost. Layers predicted are the deploy view's (what the engine runs).
 */
import type { LayerCost } from '../cost/analyze.ts';
import { bandwidthAt, type ClassFit, type KernelClass, type MachineProfile } from './machine.ts';

export type Bound = 'compute' | 'memory' | 'overhead' | 'none';

export interface LayerPrediction {
  name: string;
  kernelClass: KernelClass | 'view';
  predictedMs: number;
  /** which term of the model is largest */
  bound: Bound;
  /** the class's compute roof and the bandwidth roof at the layer's working set */
  attainableGflops: number;
  attainableGbps: number;
}

export interface ModelPrediction {
  predictedMs: number;
  layers: LayerPrediction[];
}

export function kernelClass(l: Pick<LayerCost, 'op' | 'category'> & { groups?: unknown }): KernelClass | 'view' {
  switch (l.category) {
    case 'view':
      return 'view';
    case 'conv':
      return 'conv';
    case 'depthwise-conv':
      return 'depthwise';
    case 'pointwise-conv':
      return typeof l.groups === 'number' && l.groups > 1 ? 'grouped-pointwise' : 'pointwise';
    case 'linear':
    case 'pooling':
    case 'elementwise':
      return l.category;
    case 'data-movement':
      if (l.op === 'concat' || l.op === 'shuffle') return l.op;
      return l.op === 'split' || l.op === 'slice' ? 'split-slice' : 'data-movement';
  }
}

/** The fit for a class; a class calibration did not cover borrows the closest one. */
const FALLBACK: Record<KernelClass, KernelClass[]> = {
  conv: ['pointwise'],
  pointwise: ['conv'],
  'grouped-pointwise': ['pointwise', 'conv'],
  depthwise: ['conv'],
  linear: ['pointwise', 'conv'],
  pooling: ['elementwise'],
  elementwise: ['data-movement'],
  concat: ['data-movement', 'elementwise'],
  shuffle: ['data-movement', 'elementwise'],
  'split-slice': ['data-movement', 'elementwise'],
  'data-movement': ['concat', 'elementwise'],
};

function fitOf(p: MachineProfile, k: KernelClass): ClassFit | undefined {
  return p.classes[k] ?? FALLBACK[k].map((f) => p.classes[f]).find((f) => f !== undefined);
}

/** Classes whose kernels are GEMMs, whose efficiency depends on their width. */
const GEMMS = new Set<KernelClass>(['conv', 'pointwise', 'grouped-pointwise', 'linear']);

/**
 * A GEMM layer's width: the smaller of its inner dimension (multiply-adds per output element) and
 * its output channels per group; undefined for other classes.
 */
export function gemmWidth(l: LayerCost, k: KernelClass | 'view'): number | undefined {
  if (k === 'view' || !GEMMS.has(k) || l.madds === 0) return undefined;
  const inner = l.madds / l.outputShape.reduce((a, b) => a * b, 1);
  const groups = typeof l.groups === 'number' ? l.groups : 1;
  const out = typeof l.outChannels === 'number' ? l.outChannels / groups : l.outputShape[l.outputShape.length - 1];
  return Math.min(inner, out);
}

/**
 * Whether onnxruntime runs a convolution without its blocked NCHWc kernels (x86 only, graph
 * optimisation 'all'): as observed with block size 8, when a dense convolution's channels are not
 * multiples of 4 (an image's 3 input channels excepted), a depthwise one's likewise, or a grouped
 * one's channels per group are not multiples of the block. Undefined for layers that are not
 * convolutions; false for all of them where calibration saw no blocked kernel (`block` 0).
 */
export function runsPlain(l: LayerCost, block: number): boolean | undefined {
  if (l.op !== 'conv' || typeof l.outChannels !== 'number') return undefined;
  if (block === 0) return true;
  const groups = typeof l.groups === 'number' ? l.groups : 1;
  const cin = l.inputShapes[0][1];
  const cout = l.outChannels;
  if (groups === 1) return !(cout % 4 === 0 && (cin % 4 === 0 || cin < 4));
  if (groups === cin && cout === cin) return cin % 4 !== 0;
  return (cin / groups) % block !== 0 || (cout / groups) % block !== 0;
}

/** What shapes a layer's kernel beyond its counts: its GEMM width, and whether it runs unblocked. */
export interface KernelShape {
  gemmWidth?: number;
  plain?: boolean;
}

/** The model's three terms for one layer, in milliseconds. */
export function terms(
  p: MachineProfile,
  fit: ClassFit,
  flops: number,
  bytes: number,
  shape: KernelShape = {},
): { overhead: number; compute: number; memory: number; gflops: number; gbps: number } {
  const w = shape.gemmWidth;
  const narrow = w !== undefined && fit.halfWidth !== undefined ? w / (w + fit.halfWidth) : 1;
  const plain = shape.plain ? (fit.plainFactor ?? 1) : 1;
  const gflops = p.roofline.peakGflops * fit.computeEfficiency * narrow * plain;
  const gbps = bandwidthAt(p, bytes) * fit.memoryEfficiency;
  return { overhead: fit.overheadMs, compute: flops / gflops / 1e6, memory: bytes / gbps / 1e6, gflops, gbps };
}

/** What the model needs of a layer: its kernel class, counts and kernel shape. */
export interface Predictable extends KernelShape {
  name: string;
  kernelClass: KernelClass | 'view';
  flops: number;
  memoryAccessBytes: number;
}

export function predictLayer(p: MachineProfile, l: Predictable): LayerPrediction {
  const k = l.kernelClass;
  const fit = k === 'view' ? undefined : fitOf(p, k);
  if (k === 'view' || !fit)
    return { name: l.name, kernelClass: k, predictedMs: 0, bound: 'none', attainableGflops: 0, attainableGbps: 0 };
  const t = terms(p, fit, l.flops, l.memoryAccessBytes, l);
  const roof = Math.max(t.compute, t.memory);
  const bound: Bound = t.overhead > roof ? 'overhead' : t.compute >= t.memory ? 'compute' : 'memory';
  // the roof the layer can reach at its intensity: min(compute roof, intensity × bandwidth roof)
  const intensity = l.memoryAccessBytes > 0 ? l.flops / l.memoryAccessBytes : 0;
  const attainableGflops = Math.min(t.gflops, intensity * t.gbps);
  return {
    name: l.name,
    kernelClass: k,
    predictedMs: t.overhead + roof,
    bound,
    attainableGflops,
    attainableGbps: intensity > 0 ? attainableGflops / intensity : t.gbps,
  };
}

/**
 * A model's time: the run's fixed cost, the layers' times, and copying `ioBytes` (the input and
 * output tensors) in and out.
 */
export function predictModel(p: MachineProfile, layers: LayerCost[], ioBytes: number): ModelPrediction {
  const preds = layers.map((l) => {
    const k = kernelClass(l);
    return predictLayer(p, { ...l, kernelClass: k, gemmWidth: gemmWidth(l, k), plain: runsPlain(l, p.nchwcBlock) });
  });
  const fixed = p.runOverheadMs + ioBytes / p.ioGbps / 1e6;
  return { predictedMs: fixed + preds.reduce((a, x) => a + x.predictedMs, 0), layers: preds };
}
