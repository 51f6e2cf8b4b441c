/**
 * The kernels a model runs as on a machine (netcost's reproduction of onnxruntime's graph
 * optimisations, at the profile's NCHWc block and optimisation level), each with the work it does,
 * its class, and the layers it serves: a fused kernel serves every layer it stands for (its time
 * split by their FLOPs), a kernel the engine added (a layout reorder, a reshape around a Gemm) the
 * nearest layer it feeds or is fed by.
 */
import { analyze, type LayerCost } from '../cost/analyze.ts';
import { type ENode, type EngineGraph, isConstant } from '../engine/graph.ts';
import type { Kernel } from '../engine/kernel.ts';
import { enginePlan, type OptLevel } from '../engine/ort/index.ts';
import { type KernelWork, kernelWork, RECURRENT, tensorBytes } from '../engine/work.ts';
import { ownerOf } from '../graph/names.ts';
import type { ImportResult } from '../onnx/import.ts';
import { bodyModels } from './body-models.ts';
import { classOf, type KernelClass } from './classes.ts';

export interface PlannedKernel {
  /** the kernel's join key with a measured kernel (kind@anchor) */
  key: string;
  kind: string;
  /** the engine node's name as netcost's reproduction names it */
  node: string;
  op: string;
  cls: KernelClass;
  work: KernelWork;
  /** the layers it serves, with the share of its time each gets (shares add up to 1) */
  layers: { name: string; share: number }[];
  /** netcost's rules cannot tell what the engine runs here */
  uncertain: boolean;
  /** bytes it reads from the model's inputs and writes to its outputs (the caller's buffers, not the engine's) */
  edge: { input: number; output: number };
  /** times it runs per inference: a kernel of a Loop body once per trip (default 1) */
  runs?: number;
  /**
   * The work of the kernel that wrote its first input (through views: a reshape moves nothing), if
   * a kernel did: what that kernel left in the caches is where this one starts (see producerOf).
   */
  producer?: { bytes: number; flops: number };
}

export interface Rules {
  onnxruntime: string;
  level: OptLevel;
  block: number;
}

/** Each original node's layer: its own, the pattern layer it was fused into, or its owner (netcost's exports). */
function layerIndex(layers: LayerCost[]): (node: string) => LayerCost | undefined {
  const by = new Map<string, LayerCost>();
  for (const l of layers) {
    by.set(l.name, l);
    for (const f of l.fusedFrom ?? []) if (!by.has(f)) by.set(f, l);
  }
  return (node) => by.get(node) ?? by.get(ownerOf(node));
}

/** The layers of the nearest kernels with layers: the ones it feeds first, else the ones feeding it. */
function neighbourLayers(g: EngineGraph, n: ENode, own: Map<ENode, string[]>): string[] {
  const consumers = (x: ENode) => g.nodes.filter((c) => c.inputs.some((t) => x.outputs.includes(t)));
  const producers = (x: ENode) => g.nodes.filter((p) => p.outputs.some((t) => x.inputs.includes(t)));
  for (const step of [consumers, producers]) {
    const seen = new Set<ENode>([n]);
    let frontier = step(n);
    while (frontier.length > 0) {
      const hit = frontier.find((x) => (own.get(x) ?? []).length > 0);
      if (hit) return own.get(hit) as string[];
      for (const x of frontier) seen.add(x);
      frontier = frontier.flatMap(step).filter((x) => !seen.has(x));
    }
  }
  return [];
}

/**
 * The kernels of an ONNX model (its bytes and netcost's import of them) under `rules`, then those of
 * its subgraphs, each body planned as a model of its own and run as often as it runs. A body's
 * kernels are uncertain: no calibration holds onnxruntime's cost of running a subgraph trip by trip.
 */
export function planKernels(imported: ImportResult, rules: Rules): PlannedKernel[] {
  const bodies = bodyModels(imported).flatMap(({ body, imported: i }) =>
    planKernels(i, rules).map((k) => ({
      ...k,
      key: k.key.replace('@', `@${body.prefix}`),
      node: `${body.prefix}${k.node}`,
      layers: k.layers.map((l) => ({ ...l, name: `${body.prefix}${l.name}` })),
      uncertain: true,
      edge: { input: 0, output: 0 },
      runs: (k.runs ?? 1) * body.runs,
    })),
  );
  return [...mainKernels(imported, rules), ...bodies];
}

function mainKernels(imported: ImportResult, rules: Rules): PlannedKernel[] {
  const { kernels, graph } = enginePlan(imported, rules);
  const costs = analyze(imported.graph).layers;
  const layerOf = layerIndex(costs);
  const own = new Map<ENode, string[]>();
  const kernelsOf = new Map<string, number>();
  for (const k of kernels) {
    const names = [...new Set(k.covers.map((c) => layerOf(c)?.name).filter((x): x is string => x !== undefined))];
    own.set(k.node, names);
    for (const l of names) kernelsOf.set(l, (kernelsOf.get(l) ?? 0) + 1);
  }
  const flops = new Map(costs.map((l) => [l.name, l.flops]));
  const sumBytes = (ts: string[]) => ts.reduce((a, t) => a + tensorBytes(graph, t, rules.block), 0);
  // the weights a kernel's come back to after a run: every weight the model reads
  const weights = new Set(kernels.flatMap((k) => k.node.inputs.filter((t) => t && isConstant(graph, t))));
  const reuseBytes = sumBytes([...weights]);
  const planned = kernels.map((k: Kernel): PlannedKernel => {
    const names = own.get(k.node) ?? [];
    // a layer split across kernels (rare: a pattern netcost fuses and the engine does not) shares its FLOPs
    const f = names.reduce((a, l) => a + (flops.get(l) ?? 0) / (kernelsOf.get(l) ?? 1), 0);
    const work = { ...kernelWork(graph, k.node, f, rules.block), reuseBytes };
    const serves = names.length > 0 ? names : neighbourLayers(graph, k.node, own);
    const total = serves.reduce((a, l) => a + (flops.get(l) ?? 0), 0);
    const layers = serves.map((name) => ({
      name,
      share: total > 0 ? (flops.get(name) ?? 0) / total : 1 / serves.length,
    }));
    return {
      key: `${k.kind}@${k.anchor}`,
      kind: k.kind,
      node: k.node.name,
      op: k.node.op,
      cls: classOf(k.node.op, work),
      work,
      layers,
      // no calibration chain holds a recurrent kernel: priced as its GEMM steps, and said to be a guess
      uncertain: k.uncertain === true || RECURRENT.has(k.node.op),
      edge: {
        input: sumBytes(k.node.inputs.filter((t) => graph.inputs.has(t))),
        output: sumBytes(k.node.outputs.filter((t) => graph.outputs.has(t))),
      },
    };
  });
  const producer = producerOf(graph, kernels, planned);
  return planned.map((p, i) => {
    const from = producer[i];
    return from ? { ...p, producer: { bytes: from.work.bytes, flops: from.work.flops } } : p;
  });
}

/**
 * Each kernel's producer: the kernel that wrote its first input that is not a constant, stepping
 * back through views. A kernel after a heavy one starts with its input pushed out of the nearer
 * caches: in calibration's chains a shuffle's transpose, a reorder or a split of 50-200 KB took
 * 1.4-2.4x as long after a convolution of 300 µs or more as after one of 50 µs or less (2026-12-07),
 * which the kernel's own shape cannot tell.
 */
function producerOf(graph: EngineGraph, kernels: Kernel[], planned: PlannedKernel[]): (PlannedKernel | undefined)[] {
  const writer = new Map<string, number>();
  kernels.forEach((k, i) => {
    for (const t of k.node.outputs) if (t) writer.set(t, i);
  });
  const firstInput = (i: number) => kernels[i].node.inputs.find((t) => t && !isConstant(graph, t));
  return kernels.map((_, i) => {
    const seen = new Set<number>([i]);
    let at = writer.get(firstInput(i) ?? '');
    while (at !== undefined && planned[at].cls === 'view' && !seen.has(at)) {
      seen.add(at);
      at = writer.get(firstInput(at) ?? '');
    }
    return at === undefined || seen.has(at) ? undefined : planned[at];
  });
}

/**
 * A kernel with work enough to weigh in a network's time: 64 KiB moved or 1 MFLOP. The no-leak
 * rule holds for these; tiny kernels (a reorder of a pooled [1, C, 1, 1], a 37 KB shuffle) recur
 * with the same sizes across unrelated networks, and take a few microseconds.
 */
export const substantial = (k: Pick<PlannedKernel, 'work'>): boolean => k.work.bytes >= 65536 || k.work.flops >= 1e6;

/**
 * What makes two kernels the same to the latency model: class, op, fused activation, layout, the
 * convolution's or GEMM's shape, and the elements and bytes it touches. Validation networks must
 * share none with calibration's kernels (scripts/predict-validation.mjs, test/e2e/predict-leak.test.ts).
 */
export function kernelSignature(k: Pick<PlannedKernel, 'cls' | 'op' | 'work'>): string {
  const w = k.work;
  const c = w.conv;
  const g = w.gemm;
  return [
    k.cls,
    k.op,
    w.activation ?? '',
    w.blocked ? 'b' : 'p',
    c ? `conv${c.window}/${c.stride}/${c.groups}/${c.inPerGroup}/${c.outPerGroup}` : '',
    g ? `gemm${g.m}x${g.n}x${g.k}x${g.batch}` : '',
    w.elements,
    w.bytes,
  ].join('|');
}

/** The signatures of the substantial kernels of `models` under `rules` (what `calibrate --hold-out` keeps out). */
export function substantialSignatures(models: ImportResult[], rules: Rules): Set<string> {
  return new Set(models.flatMap((m) => planKernels(m, rules).filter(substantial).map(kernelSignature)));
}
