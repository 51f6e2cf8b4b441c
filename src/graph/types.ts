/** The layer graph every later stage reads: a topologically ordered list of layers over named tensors. */

import type { OpAttrs, OpKind, Shape } from './attrs.ts';
import type { ElemType } from './dtype.ts';

export type * from './attrs.ts';

/**
 * `original`: the graph as defined (a spec's conv, BN and activation as separate layers, an ONNX
 * file's nodes as written); `deploy`: BN folded into the conv before it and activations fused.
 */
export type View = 'original' | 'deploy';

export interface LayerOf<K extends OpKind> {
  /** Unique and stable: a spec's `stage3.unit2.branch2.pw1.conv`, an ONNX file's node name. */
  name: string;
  op: K;
  attrs: OpAttrs[K];
  /** the groups enclosing the layer, outermost first (names in `Graph.groups`) */
  path: string[];
  /** tensor names read */
  inputs: string[];
  /** tensor names written */
  outputs: string[];
  inputShapes: Shape[];
  outputShapes: Shape[];
  /**
   * the original-view layers this layer stands for: deploy view's conv, BN and activation; an
   * imported file's fused patterns (a decomposed layer norm, GELU's erf form, a QDQ convolution)
   */
  fusedFrom?: string[];
  /** times the layer runs per inference: a Loop body's trip count (default 1); 0 in an If branch not counted */
  runs?: number;
  /** imported ONNX: the element type of each tensor read and written (absent: every tensor at the report's dtype) */
  types?: { inputs: ElemType[]; outputs: ElemType[] };
  /** imported ONNX: the constant tensors the layer reads (weights, biases, scalars), in input order */
  weights?: WeightRef[];
}

/** A constant tensor a layer reads, and the stored tensors of the file it comes from. */
export interface WeightRef {
  /**
   * the file's stored tensors (initializers, Constant nodes) it is, through ops that only
   * rearrange, retype or broadcast (Identity, Reshape, Transpose, Cast, DequantizeLinear, Expand),
   * or that it is computed from; each with its elements
   */
  sources: { key: string; elements: number }[];
  /** elements the layer reads */
  elements: number;
  /** element type as the layer reads it, and as the file stores it (int8 under a DequantizeLinear) */
  type: ElemType;
  storedType: ElemType;
  /** the layer's op counts it as learned parameters */
  param: boolean;
  /** also one of the layer's inputs (a constant row concatenated to data), read as an input, not a weight */
  operand?: boolean;
  /** its value, when it is one element (an epsilon, GELU's 0.5) */
  scalar?: number;
}
export type Layer = { [K in OpKind]: LayerOf<K> }[OpKind];

/**
 * A named group of layers: a stage, a unit, a branch, a conv with its BN and activation (kind
 * `conv`); in an ONNX file a module (`/layer1/layer1.0`) or a name scope. `kind` says what made it.
 */
export interface Group {
  name: string;
  kind: string;
}

export interface Graph {
  model: string;
  /** the file the model came from (a spec file or an ONNX file) */
  file: string;
  view: View;
  /** the (first) input and output; `type` for an imported file's */
  input: { name: string; shape: Shape; type?: ElemType };
  output: { name: string; shape: Shape };
  layers: Layer[];
  /** every group some layer's path names, parents before children */
  groups: Group[];
  /** what reading the model decided that a reader of its report should know (an If's branch, a Loop's trips) */
  notes?: string[];
}
