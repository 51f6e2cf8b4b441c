/**
 * What an ONNX op reader sees and gives. A reader turns one node into a netcost op with its
 * attributes and says which of the node's inputs are the layer's inputs; everything else (constant
 * weights, target shapes, split sizes) it reads into the attributes. Readers are registered by ONNX
 * op type, one per since-version where the op's signature changed (as the ONNX reference
 * implementation keeps `Squeeze_1`, `Squeeze_13`): the importer picks the newest at or below the
 * model's opset.
 */
import type { OpAttrs, OpKind, Shape } from '../../graph/types.ts';
import { ShapeError, type Tensor } from '../../ops/op.ts';
import type { Attrs } from '../proto.ts';

export interface InputView {
  name: string;
  shape: Shape;
  /** an initializer, a Constant node, or folded shape arithmetic */
  isConst: boolean;
  /** the value of a constant input (throws for a data input) */
  value(): Tensor;
}

export interface NodeView {
  opType: string;
  attrs: Attrs;
  /** per input slot; undefined where the slot is empty (an omitted optional input) */
  inputs: (InputView | undefined)[];
  outputCount: number;
  /** every input is a constant: the node folds, so constant operands are operands, not weights */
  folding: boolean;
}

export interface Built<K extends OpKind = OpKind> {
  op: K;
  attrs: OpAttrs[K];
  /** the input slots that are the layer's inputs, in order */
  inputs: number[];
}

export type Reader = (n: NodeView) => Built | undefined;
export interface VersionedReader {
  /** the first opset this signature applies to */
  since: number;
  read: Reader;
}
/** ONNX op type -> its readers, oldest first */
export type ReaderEntries = readonly (readonly [string, readonly VersionedReader[]])[];

export const built = <K extends OpKind>(op: K, attrs: OpAttrs[K], inputs: number[]): Built => ({
  op,
  attrs,
  inputs,
});

/** The node has between `min` and `max` inputs (empty optional slots count as given positions). */
export function expectInputs(n: NodeView, min: number, max = min): void {
  const count = n.inputs.length;
  if (count < min || count > max) {
    const want = min === max ? `${min}` : max === Number.POSITIVE_INFINITY ? `${min} or more` : `${min} to ${max}`;
    throw new ShapeError(`${n.opType} takes ${want} input${want === '1' ? '' : 's'}, the node has ${count}`);
  }
}

/** Slot k, which must be there. */
export function input(n: NodeView, k: number, what: string): InputView {
  const x = n.inputs[k];
  if (!x) throw new ShapeError(`${what} (input ${k + 1}) is missing`);
  return x;
}

/** The value of slot k, which must be a constant. */
export function constant(n: NodeView, k: number, what: string): Tensor {
  const x = input(n, k, what);
  if (!x.isConst) throw new ShapeError(`${what} must be a constant (initializer or Constant node)`);
  return x.value();
}

/** The value of slot k when it is given (a constant), else undefined. */
export const optionalConstant = (n: NodeView, k: number, what: string): Tensor | undefined =>
  n.inputs[k] ? constant(n, k, what) : undefined;

/** The operand slots: every given input when folding, else the ones that are not constants. */
export const operands = (n: NodeView): number[] =>
  n.inputs.flatMap((x, k) => (x && (n.folding || !x.isConst) ? [k] : []));

/** Shapes of the constant operands that are not operand slots (weights of an element-wise op). */
export const constShapes = (n: NodeView, slots: number[]): Shape[] =>
  n.inputs.flatMap((x, k) => (x && !slots.includes(k) ? [x.shape] : []));

/** The data input's shape (slot 0). */
export const shapeOf = (n: NodeView, k = 0, what = 'the data input'): Shape => input(n, k, what).shape;
