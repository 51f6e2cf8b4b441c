/**
 * What an op module provides: shape inference and the counts that follow from shapes alone.
 *
 * Conventions, stated once (the README's "Conventions" and every report's legend repeat them):
 * - params: learnable parameters. BN has 2 per channel (scale, shift); running statistics are
 *   buffers, not parameters.
 * - madds: multiply-adds of convolutions and linear layers only: what the ShuffleNet papers call
 *   FLOPs.
 * - flops: floating-point operations: 2 per multiply-add, plus each op's own rule (below and in
 *   each module).
 * - memory access (MAC, ShuffleNet V2 §2): elements read (every input tensor, plus the weights
 *   the layer reads) plus elements written. Computed once for every op in src/cost/analyze.ts
 *   from `weightsRead`; pure views cost nothing.
 */

import type { OpCategory, ValueType } from '../graph/kinds.ts';
import type { OpAttrs, OpKind, Shape } from '../graph/types.ts';
import { fmtLimit, LIMITS } from '../limits.ts';

/** An ONNX attribute value: int, ints, {f: float}, or string. */
export type OnnxAttr = number | number[] | { f: number } | string;

/**
 * What an op module needs to write itself as ONNX nodes, without knowing protobuf: the exporter
 * (src/onnx/export.ts) implements it. Node names: the layer's name for the node that carries the
 * layer's work, `<layer>#<suffix>` for helper nodes, so a profiler's node name maps back to the
 * layer by cutting at '#'.
 */
export interface OnnxEmitter {
  /** a seeded random float weight; returns the initializer name */
  weight(name: string, dims: number[], fanIn: number): string;
  /** a float initializer with given values (BN statistics) */
  floats(name: string, dims: number[], values: number[] | ((i: number) => number)): string;
  /** an int64 initializer (shapes, split sizes) */
  int64s(name: string, values: number[]): string;
  node(opType: string, name: string, inputs: string[], outputs: string[], attrs?: Record<string, OnnxAttr>): void;
}

export interface EmitArgs<A> {
  name: string;
  attrs: A;
  inputs: string[];
  outputs: string[];
  inputShapes: Shape[];
  outputShapes: Shape[];
}

export { OP_CATEGORIES, type OpCategory, type ValueType } from '../graph/kinds.ts';

/** A constant tensor's value, as constant folding computes it (int64 extremes become ±2^63). */
export interface Tensor {
  dims: Shape;
  type: ValueType;
  data: number[];
}

/** An input of `evaluate`: its shape, and its value when it is a constant (computed on first use). */
export interface Operand {
  shape: Shape;
  value(): Tensor;
}

export interface OpDef<A> {
  /**
   * The cost rule in words, for the report legend and the README's conventions (generated from
   * these texts): FLOPs per element, what counts as params, what the layer reads and writes when it
   * differs from the default (every input, the weights, every output).
   */
  rule: string;
  /** Output shapes from input shapes; throws ShapeError with the numbers when they do not fit. */
  infer(inputs: Shape[], attrs: A): Shape[];
  params(attrs: A, inputs: Shape[], outputs: Shape[]): number;
  madds(attrs: A, inputs: Shape[], outputs: Shape[]): number;
  flops(attrs: A, inputs: Shape[], outputs: Shape[]): number;
  /** Weight elements read per inference (default: params). */
  weightsRead?(attrs: A, inputs: Shape[], outputs: Shape[]): number;
  /** Elements read of each input (default: all of every input; a slice reads only what it copies). */
  inputsRead?(attrs: A, inputs: Shape[], outputs: Shape[]): number[];
  /** A pure view (reshape/flatten): reads and writes nothing. */
  view?: boolean;
  category(attrs: A, inputs: Shape[], outputs: Shape[]): OpCategory;
  /** Write the layer as ONNX nodes (opset 17). */
  onnx(args: EmitArgs<A>, e: OnnxEmitter): void;
  /**
   * The output values from the inputs' values, for folding the shape arithmetic exporters emit
   * (Shape -> Gather -> Concat -> Reshape). An op with it folds away when all its inputs are
   * constants (or always, when `shapeOnly`); the importer has no evaluator of its own.
   */
  evaluate?(inputs: Operand[], attrs: A, outputs: Shape[]): Tensor[];
  /** The value depends on the inputs' shapes only (Shape, Size): it folds whatever the input. */
  shapeOnly?: boolean;
  /**
   * The output holds the first input's elements, rearranged, retyped or broadcast (Reshape,
   * Transpose, Cast, DequantizeLinear, Expand): a folded weight stays the stored tensor it came from.
   */
  sameData?(attrs: A): boolean;
}

export type OpTable = { [K in OpKind]: OpDef<OpAttrs[K]> };

/** The counts of an op that does no arithmetic and moves no data: a view, metadata, a constant. */
export const COSTS_NOTHING = {
  params: () => 0,
  madds: () => 0,
  flops: () => 0,
  view: true,
  category: (): OpCategory => 'view',
} as const;

export class ShapeError extends Error {}

export const numel = (s: Shape): number => s.reduce((a, b) => a * b, 1);

/**
 * A shape netcost can count exactly: whole dimensions up to LIMITS.dimension and at most
 * LIMITS.elements elements. A layer's outputs have no empty dimension (a constant may).
 */
export function checkShape(s: Shape, allowEmpty: boolean): void {
  const bad = s.find((d) => !Number.isInteger(d) || d < (allowEmpty ? 0 : 1) || d > LIMITS.dimension);
  if (bad !== undefined) {
    const range = `${allowEmpty ? 0 : 1} to ${fmtLimit(LIMITS.dimension)}`;
    throw new ShapeError(`a tensor of shape [${s.join(', ')}]: a dimension must be a whole number from ${range}`);
  }
  if (numel(s) > LIMITS.elements) {
    throw new ShapeError(`a tensor of shape [${s.join(', ')}] has more than ${fmtLimit(LIMITS.elements)} elements`);
  }
}

export function expectRank(inputs: Shape[], rank: number, what: string): Shape {
  const s = inputs[0];
  if (inputs.length !== 1) throw new ShapeError(`${what} takes one input, got ${inputs.length}`);
  if (s.length !== rank) throw new ShapeError(`${what} expects a rank-${rank} input, got [${s.join(', ')}]`);
  return s;
}

/** The one input of an op that takes any rank, copied. */
export function expectAnyRank(inputs: Shape[], what: string): Shape {
  if (inputs.length !== 1) throw new ShapeError(`${what} takes one input, got ${inputs.length}`);
  return [...inputs[0]];
}

/** Output size of a sliding window along one axis (PyTorch and ONNX rule); padding p0 before, p1 after. */
export function windowOut(size: number, k: number, s: number, p0: number, d: number, ceil: boolean, p1 = p0): number {
  const span = size + p0 + p1 - d * (k - 1) - 1;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  // ceil mode: the last window must start inside the input or left padding
  if (ceil && (out - 1) * s >= size + p0) out -= 1;
  return out;
}

/** ONNX `pads` for a window op: every axis's start, then every axis's end ([top, left, bottom, right] in 2-D). */
export const onnxPads = (padding: number[], padEnd?: number[]): number[] => [...padding, ...(padEnd ?? padding)];

/** The product of a window's sizes: kh·kw in 2-D, kd·kh·kw in 3-D. */
export const volume = (k: number[]): number => k.reduce((a, b) => a * b, 1);

/** A window op's input: N, C and one spatial axis per kernel axis. */
export function expectWindowInput(inputs: Shape[], spatial: number, what: string): Shape {
  if (inputs.length !== 1) throw new ShapeError(`${what} takes one input, got ${inputs.length}`);
  const s = inputs[0];
  if (s.length !== spatial + 2) {
    const want =
      spatial === 1 ? 'NxCxL' : spatial === 2 ? 'NxCxHxW' : spatial === 3 ? 'NxCxDxHxW' : `rank ${spatial + 2}`;
    throw new ShapeError(`a ${spatial}-D ${what} expects an ${want} input, got [${s.join(', ')}]`);
  }
  return s;
}

/** Output sizes of a window op along each spatial axis of input `x`. */
export function windowSizes(
  x: Shape,
  a: { kernel: number[]; stride: number[]; padding: number[]; padEnd?: number[]; dilation?: number[] },
  ceil: boolean,
): number[] {
  return a.kernel.map((k, i) =>
    windowOut(x[2 + i], k, a.stride[i], a.padding[i], a.dilation?.[i] ?? 1, ceil, a.padEnd?.[i]),
  );
}
