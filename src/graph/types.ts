/** The layer graph every later stage reads: a topologically ordered list of layers over named tensors. */
import type { Activation } from '../spec/types.ts';

export type Shape = number[];
export type Pair = [number, number];
export type View = 'spec' | 'deploy';

export interface ConvAttrs {
  outChannels: number;
  kernel: Pair;
  stride: Pair;
  padding: Pair;
  dilation: Pair;
  groups: number;
  bias: boolean;
  /** deploy view: a batch norm folded into this conv */
  foldedBn?: boolean;
  /** deploy view: an activation fused into this conv */
  act?: Activation;
}
export interface PoolAttrs { kernel: Pair; stride: Pair; padding: Pair; ceilMode: boolean }
export interface LinearAttrs { outFeatures: number; bias: boolean }
export interface ShuffleAttrs { groups: number }
export interface SplitAttrs { sizes: number[] }
export type NoAttrs = Record<string, never>;

/** Every op netcost knows, with its attributes. Adding an op: one entry here, one module in src/ops. */
export interface OpAttrs {
  conv: ConvAttrs;
  bn: NoAttrs;
  relu: NoAttrs;
  relu6: NoAttrs;
  hardswish: NoAttrs;
  sigmoid: NoAttrs;
  maxpool: PoolAttrs;
  avgpool: PoolAttrs;
  gap: NoAttrs;
  linear: LinearAttrs;
  flatten: NoAttrs;
  shuffle: ShuffleAttrs;
  split: SplitAttrs;
  concat: NoAttrs;
  add: NoAttrs;
}
export type OpKind = keyof OpAttrs;

export interface LayerOf<K extends OpKind> {
  /** Hierarchical, stable, unique: `stage3.unit2.branch2.pw1.conv`. */
  name: string;
  op: K;
  attrs: OpAttrs[K];
  /** tensor names read */
  inputs: string[];
  /** tensor names written */
  outputs: string[];
  inputShapes: Shape[];
  outputShapes: Shape[];
  /** deploy view: the spec-view layers this layer stands for (conv, bn, activation) */
  fusedFrom?: string[];
}
export type Layer = { [K in OpKind]: LayerOf<K> }[OpKind];

/** A named group of layers (a stage, a unit, a branch, a conv+bn+act); `kind` says what made it. */
export interface Group {
  name: string;
  kind: string;
}

export interface Graph {
  model: string;
  /** spec file the model came from */
  file: string;
  view: View;
  input: { name: string; shape: Shape };
  output: { name: string; shape: Shape };
  layers: Layer[];
  groups: Group[];
}
