/**
 * onnxruntime's profiler trace -> time per netcost layer. Pure functions over the parsed trace.
 *
 * Mapping a kernel to a layer: the trace names kernels `<node>_kernel_time`; onnxruntime adds
 * `_nchwc` to nodes it moved to its blocked layout, and a node it fused (Conv+BN+ReLU) keeps the
 * name of one of the fused nodes, or of its output tensor. netcost names helper nodes
 * `<layer>#<role>` (src/graph/names.ts). So: strip those, find the layer (by node or tensor name), and credit the unit
 * that layer belongs to (the deploy-view layer: a conv with its folded BN and fused activation
 * counts as one). Helper kernels onnxruntime inserts (ReorderInput / ReorderOutput around its
 * blocked layout, Reshapes) are credited to the layer they serve.
 */
import { ownerOf } from '../graph/names.ts';
import { quantileOf } from './stats.ts';

export interface TraceEvent {
  cat: string;
  name: string;
  ts: number;
  dur: number;
  args?: { op_name?: string; provider?: string; input_type_shape?: unknown; output_type_shape?: unknown };
}

export interface Kernel {
  /** node name as onnxruntime reports it */
  node: string;
  opType: string;
  /** mean microseconds per run */
  us: number;
}

/**
 * onnxruntime's profiler names a nameless node (the body of a function it inlined at load:
 * HardSwish's HardSigmoid and Mul) `<op>_<node index>`, while its optimized graph file keeps the
 * node nameless and holds no index. Per op, the file's nameless nodes in file order pair with the
 * trace's `<op>_<n>` names no node of the file has, in order of n (inlining numbers a body's nodes as
 * it goes); an op whose counts differ pairs none. Trace name -> node.
 */
export function pairNameless<T>(
  nodes: readonly T[],
  of: (n: T) => { name: string; op: string },
  traced: readonly string[],
): Map<string, T> {
  const names = new Set(nodes.map((n) => of(n).name));
  const nameless = new Map<string, T[]>();
  for (const n of nodes) if (of(n).name === '') nameless.set(of(n).op, [...(nameless.get(of(n).op) ?? []), n]);
  const unclaimed = new Map<string, { name: string; index: number }[]>();
  for (const name of traced) {
    const m = /^(.+)_(\d+)$/.exec(name);
    if (names.has(name) || !m || !nameless.has(m[1])) continue;
    unclaimed.set(m[1], [...(unclaimed.get(m[1]) ?? []), { name, index: Number(m[2]) }]);
  }
  const out = new Map<string, T>();
  for (const [op, ns] of nameless) {
    const ts = (unclaimed.get(op) ?? []).sort((a, b) => a.index - b.index);
    if (ts.length === ns.length) for (const [i, t] of ts.entries()) out.set(t.name, ns[i]);
  }
  return out;
}

/** Kernel times averaged over the last `runs` model runs of the trace, in execution order. */
export function kernelsOfTrace(events: TraceEvent[], runs: number): { kernels: Kernel[]; runs: number } {
  const spans = events
    .filter((e) => e.cat === 'Session' && e.name === 'model_run')
    .sort((a, b) => a.ts - b.ts)
    .slice(-runs);
  if (spans.length === 0) return { kernels: [], runs: 0 };
  const inRun = (e: TraceEvent) => spans.some((s) => e.ts >= s.ts && e.ts <= s.ts + s.dur);
  const order: string[] = [];
  const acc = new Map<string, Kernel>();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || !inRun(e)) continue;
    const node = e.name.slice(0, -'_kernel_time'.length);
    let k = acc.get(node);
    if (!k) {
      k = { node, opType: e.args?.op_name ?? '?', us: 0 };
      acc.set(node, k);
      order.push(node);
    }
    k.us += e.dur;
  }
  return { kernels: order.map((n) => ({ ...acc.get(n)!, us: acc.get(n)!.us / spans.length })), runs: spans.length };
}

/** A kernel's median time per run. */
export interface TraceKernel {
  node: string;
  opType: string;
  us: number;
  /**
   * the tensors the profiler wrote out for it per run (its inputs' and outputs' types and shapes,
   * formatted inside the kernel's own clock: their count sets the profiler's cost, calibrate.ts)
   */
  tensors: number;
}

/** entries in a type-and-shape list (`[{"float":[1,16]},...]`, which the trace holds as JSON) */
const entries = (list: unknown) => (Array.isArray(list) ? list.length : 0);

/**
 * Each kernel's median time per run (summed within a run) over the trace's last `runs` runs, in
 * execution order; or the quantile `q` of them (calibration takes a low one: see calibrate.ts).
 */
export function kernelMedians(events: TraceEvent[], runs: number, q = 0.5): TraceKernel[] {
  const spans = events
    .filter((e) => e.cat === 'Session' && e.name === 'model_run')
    .sort((a, b) => a.ts - b.ts)
    .slice(-runs);
  const perRun = new Map<string, { opType: string; us: number[]; tensors: number[] }>();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
    const run = spans.findIndex((s) => e.ts >= s.ts && e.ts <= s.ts + s.dur);
    if (run < 0) continue;
    const node = e.name.slice(0, -'_kernel_time'.length);
    const zeros = () => new Array(spans.length).fill(0);
    const k = perRun.get(node) ?? { opType: e.args?.op_name ?? '?', us: zeros(), tensors: zeros() };
    k.us[run] += e.dur;
    k.tensors[run] += entries(e.args?.input_type_shape) + entries(e.args?.output_type_shape);
    perRun.set(node, k);
  }
  return [...perRun].map(([node, k]) => ({
    node,
    opType: k.opType,
    us: quantileOf(k.us, q),
    tensors: Math.max(...k.tensors),
  }));
}

/**
 * Names a kernel may stand for, most specific first: the node name itself, then without the
 * suffixes onnxruntime adds (`_nchwc` for its blocked layout, `/MatMulAddFusion` and the like for
 * fusions), then cut at netcost's `#` helper-node separator.
 */
export function candidates(node: string): string[] {
  const out = [node];
  let n = node;
  for (const strip of [/_nchwc$/, /(\/+[A-Za-z]*Fusion\/*)+$/]) {
    const m = n.replace(strip, '');
    if (m !== n) {
      n = m;
      out.push(n);
    }
  }
  const owner = ownerOf(n);
  if (owner !== n) out.push(owner);
  return out;
}

/** onnxruntime's own helper kernels (layout reorders, reshapes it inserts): credited to a neighbour. */
const HELPER_OPS = new Set(['ReorderInput', 'ReorderOutput', 'Reshape', 'Transpose']);
/** the layout reorders onnxruntime inserts around its blocked layout */
const REORDERS = new Set(['ReorderInput', 'ReorderOutput']);

export interface Attribution {
  /** microseconds per run, per unit */
  byUnit: Map<string, number>;
  /** kernels per unit */
  kernelsByUnit: Map<string, Kernel[]>;
  /** kernels that map to no layer */
  unattributed: Kernel[];
  /** time of the layout reorders onnxruntime inserts, credited to the layers they serve */
  reorderUs: number;
  totalUs: number;
}

/** A resolver from a node name to its unit, trying each of its `candidates`. */
export function byCandidates(unitOf: (name: string) => string | undefined): (node: string) => string | undefined {
  return (node) => {
    for (const c of candidates(node)) {
      const u = unitOf(c);
      if (u !== undefined) return u;
    }
    return undefined;
  };
}

/**
 * Credit kernels to units. `unitOfNode(node)` gives the unit (deploy-view layer) a kernel's node
 * works for (by dataflow over onnxruntime's optimized graph, see dataflow.ts), or undefined.
 * onnxruntime's own helper kernels that still have none are credited to a neighbour: an input
 * reorder to the next kernel's layer, anything else to the previous one.
 */
export function attribute(kernels: Kernel[], unitOfNode: (node: string) => string | undefined): Attribution {
  const byUnit = new Map<string, number>();
  const kernelsByUnit = new Map<string, Kernel[]>();
  const unattributed: Kernel[] = [];
  let reorderUs = 0;
  const units = kernels.map((k) => unitOfNode(k.node));
  const credit = (u: string, k: Kernel) => {
    byUnit.set(u, (byUnit.get(u) ?? 0) + k.us);
    kernelsByUnit.set(u, [...(kernelsByUnit.get(u) ?? []), k]);
  };
  kernels.forEach((k, i) => {
    let u = units[i];
    if (u === undefined && HELPER_OPS.has(k.opType)) {
      u =
        k.opType === 'ReorderInput'
          ? units.slice(i + 1).find((x) => x !== undefined)
          : (units
              .slice(0, i)
              .reverse()
              .find((x) => x !== undefined) ?? units.slice(i + 1).find((x) => x !== undefined));
    }
    if (u === undefined) {
      unattributed.push(k);
      return;
    }
    if (REORDERS.has(k.opType)) reorderUs += k.us;
    credit(u, k);
  });
  return { byUnit, kernelsByUnit, unattributed, reorderUs, totalUs: kernels.reduce((a, k) => a + k.us, 0) };
}
