/**
 * A layer's costs as reports show them: the totals every row has, a layer's own fields, and its
 * op as tables name it. The leaf that the analysis and its summaries both build on.
 */
import type { Shape } from '../graph/types.ts';
import type { OpCategory } from '../ops/index.ts';
import { SELECT_OPS } from '../ops/select.ts';
import { TAKE_OPS } from '../ops/take.ts';

export interface Totals {
  params: number;
  madds: number;
  flops: number;
  memoryAccess: number;
  memoryAccessBytes: number;
}

export interface LayerCost extends Totals {
  name: string;
  op: string;
  category: OpCategory;
  inputShapes: Shape[];
  outputShape: Shape;
  /** only for ops with several outputs (split) */
  outputShapes?: Shape[];
  /** FLOPs per byte of memory access (0 for a view) */
  intensity: number;
  /** the groups enclosing the layer, outermost first */
  path: string[];
  fusedFrom?: string[];
  /** imported files: the layer's precision (`int8`, `fp16`, `fp32->int8`) */
  dtype?: string;
  /** times it runs per inference when not once (a Loop body; 0: an If branch not counted); counts are per inference */
  runs?: number;
  [attr: string]: unknown;
}

export const intensity = (t: Totals): number => (t.memoryAccessBytes > 0 ? t.flops / t.memoryAccessBytes : 0);

/**
 * What a layer runs, as shown in tables: `conv+bn+relu` for a deploy-view layer that fused them;
 * `NonMaxSuppression (rule)` for an op costed by a user rule, `(no rule)` for one costed as 0.
 */
export function opName(l: LayerCost): string {
  if (typeof l.foreignOp === 'string') return `${l.foreignOp} (${l.op === 'custom' ? 'rule' : 'no rule'})`;
  // ops that stand for several ONNX ops go by the ONNX op's name
  if (l.op === 'select') return SELECT_OPS[l.kind as keyof typeof SELECT_OPS] ?? l.op;
  if (l.op === 'take') return TAKE_OPS[l.kind as keyof typeof TAKE_OPS] ?? l.op;
  return l.fusedFrom
    ? [l.op, l.foldedBn ? 'bn' : '', typeof l.act === 'string' ? l.act : ''].filter(Boolean).join('+')
    : l.op;
}

/** The op as a row shows it: with how often it runs when not once (a Loop body's `conv (x1,000)`). */
export function opLabel(l: LayerCost): string {
  const runs = l.runs === undefined ? '' : l.runs === 0 ? ' (not counted)' : ` (x${l.runs.toLocaleString('en-US')})`;
  return `${opName(l)}${runs}`;
}
