/**
 * `bench --per-layer`: onnxruntime's profiled kernels credited to netcost's layers, each layer's time
 * its share of the unprofiled median, beside its MAdds and memory access; time by op category, the
 * layers whose time share most exceeds their MAdds share, and how much of the kernel time found a layer.
 */
import { type LayerCost, opLabel, type Totals } from '../cost/analyze.ts';
import type { OpCategory } from '../ops/index.ts';
import { attribute, type Kernel } from './profile.ts';
import { spearman } from './stats.ts';

const share = (x: number, t: number) => (t > 0 ? x / t : 0);

export interface LayerTiming {
  name: string;
  op: string;
  category: OpCategory;
  /** spec-view layers this unit stands for (a fused conv+bn+relu lists all three) */
  fusedFrom?: string[];
  madds: number;
  flops: number;
  memoryAccess: number;
  memoryAccessBytes: number;
  /** the layer's share of the unprofiled median latency: layers add up to `latency.medianMs` */
  measuredMs: number;
  /** the profiler's raw kernel time per run (profiling inflates it) */
  kernelMs: number;
  timeShare: number;
  maddsShare: number;
  memoryAccessShare: number;
  /** the groups the layer is in, outermost first */
  path: string[];
  /** achieved GFLOP/s and GB/s (from the deploy-view counts) */
  gflops: number;
  gbps: number;
  kernels: string[];
  /** with --predict (joined by the command): the latency model's time for the layer and what bounds it */
  predictedMs?: number;
  bound?: string;
}

export interface CategoryTiming {
  category: string;
  measuredMs: number;
  timeShare: number;
  maddsShare: number;
  memoryAccessShare: number;
  predictedMs?: number;
}

export interface PerLayer {
  layers: LayerTiming[];
  /** kernel time per run, all kernels, as the profiler measured it */
  kernelMs: number;
  /** median wall time of the profiled runs (profiling slows a run; layer times scale to the unprofiled median) */
  profiledMedianMs: number;
  /** share of kernel time credited to a layer */
  attributedShare: number;
  unattributed: { node: string; opType: string; measuredMs: number }[];
  /** share of kernel time that was onnxruntime's layout reorders (credited to the layers they serve) */
  reorderShare: number;
  /** deploy-view layers that got no kernel of their own (onnxruntime fused them into a neighbour) */
  withoutKernel: string[];
  categories: CategoryTiming[];
  spearmanMadds: number;
  spearmanMemoryAccess: number;
  /** layers whose time share most exceeds their MAdds share */
  overMadds: { name: string; timeShare: number; maddsShare: number }[];
  profiledRuns: number;
}

export function perLayerReport(
  kernels: Kernel[],
  profiledRuns: number,
  costs: LayerCost[],
  totals: Totals,
  unitOfNode: (node: string) => string | undefined,
  { medianMs, profiledMedianMs }: { medianMs: number; profiledMedianMs: number },
): PerLayer {
  const a = attribute(kernels, unitOfNode);
  const kernelMs = a.totalUs / 1000;
  const attributedMs = [...a.byUnit.values()].reduce((x, y) => x + y, 0) / 1000;
  // profiling inflates kernel times; a layer's time is its share of the unprofiled median latency
  const scale = attributedMs > 0 ? medianMs / attributedMs : 0;
  const layers: LayerTiming[] = costs.map((c) => {
    const kernel = (a.byUnit.get(c.name) ?? 0) / 1000;
    const ms = kernel * scale;
    const sec = ms / 1000;
    return {
      name: c.name,
      op: opLabel(c),
      category: c.category,
      ...(c.fusedFrom ? { fusedFrom: c.fusedFrom } : {}),
      madds: c.madds,
      flops: c.flops,
      memoryAccess: c.memoryAccess,
      memoryAccessBytes: c.memoryAccessBytes,
      measuredMs: ms,
      kernelMs: kernel,
      timeShare: share(kernel, attributedMs),
      maddsShare: share(c.madds, totals.madds),
      memoryAccessShare: share(c.memoryAccess, totals.memoryAccess),
      gflops: sec > 0 ? c.flops / sec / 1e9 : 0,
      gbps: sec > 0 ? c.memoryAccessBytes / sec / 1e9 : 0,
      kernels: (a.kernelsByUnit.get(c.name) ?? []).map((k) => `${k.node} [${k.opType}]`),
      path: c.path,
    };
  });
  const cats = new Map<string, CategoryTiming>();
  for (const l of layers) {
    const c = cats.get(l.category) ?? {
      category: l.category,
      measuredMs: 0,
      timeShare: 0,
      maddsShare: 0,
      memoryAccessShare: 0,
    };
    c.measuredMs += l.measuredMs;
    c.timeShare += l.timeShare;
    c.maddsShare += l.maddsShare;
    c.memoryAccessShare += l.memoryAccessShare;
    cats.set(l.category, c);
  }
  // correlations over layers that do work (views cost nothing and take no kernel)
  const timed = layers.filter((l) => l.category !== 'view');
  const overMadds = [...timed]
    .sort((x, y) => y.timeShare - y.maddsShare - (x.timeShare - x.maddsShare))
    .slice(0, 5)
    .map((l) => ({ name: l.name, timeShare: l.timeShare, maddsShare: l.maddsShare }));
  return {
    layers,
    kernelMs,
    profiledMedianMs,
    attributedShare: share(attributedMs, kernelMs),
    unattributed: a.unattributed.map((k) => ({ node: k.node, opType: k.opType, measuredMs: k.us / 1000 })),
    reorderShare: share(a.reorderUs / 1000, kernelMs),
    withoutKernel: layers.filter((l) => !a.byUnit.has(l.name) && l.category !== 'view').map((l) => l.name),
    categories: [...cats.values()].sort((x, y) => y.measuredMs - x.measuredMs),
    spearmanMadds: spearman(
      timed.map((l) => l.measuredMs),
      timed.map((l) => l.madds),
    ),
    spearmanMemoryAccess: spearman(
      timed.map((l) => l.measuredMs),
      timed.map((l) => l.memoryAccess),
    ),
    overMadds,
    profiledRuns,
  };
}
