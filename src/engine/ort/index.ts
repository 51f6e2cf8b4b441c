/**
 * The kernels onnxruntime's CPU execution provider runs for a model: its graph optimisations
 * reproduced level by level (basic, extended, layout), so that a machine profile made elsewhere
 * predicts the kernels that machine's onnxruntime will run. Rules are keyed by onnxruntime
 * version; the profile records what calibration saw on its machine (the NCHWc block size).
 */

import type { OptLevel } from '../../measure/options.ts';
import type { ImportResult } from '../../onnx/import.ts';
import { Edges, type ENode, type EngineGraph, importedEngineGraph } from '../graph.ts';
import { anchorOf, type Kernel, kindOf, NCHWC } from '../kernel.ts';
import { withUntakenAside } from './fp16.ts';
import { inlineFunctions } from './inline.ts';
import { runHalfPrecision, runLevel } from './passes.ts';
import { movableTransposes, transposeReach } from './transpose.ts';

export type { OptLevel };

export interface EngineRules {
  /** onnxruntime's version the rules reproduce */
  onnxruntime: string;
  level: OptLevel;
  /** channels per block of the NCHWc layout on the target (0: no blocked layout, as on ARM) */
  block: number;
}

const LEVELS: OptLevel[] = ['disabled', 'basic', 'extended', 'all'];

/** Ops whose subgraphs run kernels of their own, which these rules do not plan. */
const CONTROL = new Set(['If', 'Loop', 'Scan']);

/**
 * A model these rules do not reproduce at all: quantized (onnxruntime fuses QDQ groups into int8
 * kernels and moves them to its NHWC layout) or bfloat16 (fp16 is reproduced: fp16.ts).
 */
function unreproduced(g: EngineGraph): boolean {
  const quantized = g.nodes.some((n) => /Quantize|^QLinear|Integer$/.test(n.op));
  return quantized || [...g.tensors.values()].some((t) => t.type === 'bf16');
}

/** The original nodes of movable Transposes and of their readers. */
function movableNames(g: EngineGraph): Set<string> {
  const names = new Set<string>();
  for (const t of movableTransposes(g))
    for (const n of [t, ...transposeReach(g, t)]) for (const c of n.covers) names.add(c);
  return names;
}

/**
 * The kernels a model runs as, with the original nodes each stands for. A kernel is `uncertain`
 * where the engine may run something these rules do not reproduce: where onnxruntime's transpose
 * optimizer may push or cancel a Transpose (the Transpose and the nodes after it), a control-flow
 * node (its subgraphs' kernels), a node a rule placed unsure (and its neighbours, through layout
 * reorders), a kernel whose name a rule cannot tell, and every kernel of a quantized or bfloat16 model.
 */
export function plannedKernels(imported: ImportResult, rules: EngineRules): Kernel[] {
  return enginePlan(imported, rules).kernels;
}

/** The kernels, with the engine graph they are nodes of (its tensors: shapes, types, layouts). */
export function enginePlan(imported: ImportResult, rules: EngineRules): { kernels: Kernel[]; graph: EngineGraph } {
  const g = importedEngineGraph(imported);
  inlineFunctions(g);
  const level = LEVELS.indexOf(rules.level);
  // the transpose optimizer runs first, on the graph as loaded: what it may move is judged there
  // (a Transpose feeding another is movable even where a later fusion hides their reader)
  const before = level >= 1 ? movableNames(g) : new Set<string>();
  if (level >= 1) runLevel(g, 1, rules.block);
  if (level >= 2) withUntakenAside(g, () => runLevel(g, 2, rules.block));
  if (level >= 3) withUntakenAside(g, () => runLevel(g, 3, rules.block));
  runHalfPrecision(g, level, rules.block);
  const original = (t: string) => imported.tensorOf(t) !== undefined;
  const movable = level >= 1 ? movableTransposes(g) : [];
  const near = new Set(movable.flatMap((t) => [t, ...transposeReach(g, t)]));
  for (const n of g.nodes) if (n.covers.some((c) => before.has(c))) near.add(n);
  const whole = unreproduced(g);
  for (const n of g.nodes) if (whole || CONTROL.has(n.op) || n.unsureName) near.add(n);
  // a node a rule placed unsure of, and the nodes around it (their layout and names may follow)
  const e = new Edges(g);
  const reorder = (m: ENode) => m.domain === NCHWC && (m.op === 'ReorderInput' || m.op === 'ReorderOutput');
  // two nodes out (what onnxruntime runs instead can change which neighbour fuses with which), and
  // a layout reorder passes the doubt on without counting
  const around = (n: ENode, hops: number, seen: Set<ENode>): void => {
    const next = [
      ...n.inputs.flatMap((x) => e.producer.get(x) ?? []),
      ...n.outputs.flatMap((y) => e.consumers.get(y) ?? []),
    ];
    for (const m of next) {
      if (seen.has(m)) continue;
      seen.add(m);
      near.add(m);
      const left = reorder(m) ? hops : hops - 1;
      if (left > 0) around(m, left, seen);
    }
  };
  for (const n of g.nodes.filter((m) => m.uncertain)) {
    near.add(n);
    around(n, 2, new Set([n]));
  }
  const kernels = g.nodes.map((n) => ({
    kind: kindOf(n),
    anchor: anchorOf(n, original, n.originalOutput),
    covers: n.covers,
    node: n,
    ...(near.has(n) ? { uncertain: true } : {}),
  }));
  return { kernels, graph: g };
}
