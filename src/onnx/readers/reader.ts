/**
 * What an ONNX op reader sees and gives. A reader turns one node into a netcost op with its
 * attributes and says which of the node's inputs are the layer's inputs; everything else (constant
 * weights, target shapes, split sizes) it reads into the attributes. Readers are registered by ONNX
 * op type, one per since-version where the op's signature changed (as the ONNX reference
 * implementation keeps `Squeeze_1`, `Squeeze_13`): the importer picks the newest at or below the
 * model's opset.
 */
import type { ElemType } from '../../graph/dtype.ts';
import type { OpAttrs, OpKind, Shape } from '../../graph/types.ts';
import { ShapeError, type Tensor } from '../../ops/op.ts';
import type { Attrs } from '../proto.ts';
import type { InputView } from '../scope.ts';

export type { InputView } from '../scope.ts';

export interface NodeView {
  opType: string;
  attrs: Attrs;
  /** per input slot; undefined where the slot is empty (an omitted optional input) */
  inputs: (InputView | undefined)[];
  outputCount: number;
  /** the output slots the node names, in order (an optional output may be left unnamed: '') */
  outputSlots: number[];
  /** every input is a constant: the node folds, so constant operands are operands, not weights */
  folding: boolean;
  /** the opset of the node's domain */
  opset: number;
}

export interface Built<K extends OpKind = OpKind> {
  op: K;
  attrs: OpAttrs[K];
  /** the input slots that are the layer's inputs, in order */
  inputs: number[];
  /**
   * the constant slots the op counts as learned parameters (its `params` is their elements):
   * params are totalled once per stored tensor however many layers read it
   */
  params: number[];
  /** each output's element type where it is not the first input's (Shape: int64; QuantizeLinear: int8) */
  outputTypes?: (ElemType | undefined)[];
  /** constant slots whose uint8 bytes pack values of fewer bits (MatMulNBits' 4-bit weights): counted per value */
  packed?: { slot: number; bits: number }[];
}

export type Reader = (n: NodeView) => Built | undefined;
export interface VersionedReader {
  /** the first opset this signature applies to */
  since: number;
  read: Reader;
}
/** ONNX op type -> its readers, oldest first */
export type ReaderEntries = readonly (readonly [string, readonly VersionedReader[]])[];

export const built = <K extends OpKind>(
  op: K,
  attrs: OpAttrs[K],
  inputs: number[],
  params: number[] = [],
  outputTypes?: (ElemType | undefined)[],
): Built => ({ op, attrs, inputs, params, ...(outputTypes ? { outputTypes } : {}) });

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

/**
 * A constant operand that is a learned parameter: a floating-point (or quantized) tensor of more
 * than one element that the file stores, or derives from stored ones (an attention mask computed
 * from shapes is not one).
 */
export const isLearned = (v: InputView | undefined): boolean =>
  !!v?.isConst && v.stored.length > 0 && v.shape.reduce((a, b) => a * b, 1) > 1;

/**
 * A node read through some of its inputs, as another op's reader sees them (a QLinearAdd is an Add
 * of its inputs 1 and 4; the scales and zero points between them are not operands): the slots the
 * result names are mapped back to the node's.
 */
export function through(n: NodeView, slots: number[], read: Reader, opType = n.opType): Built | undefined {
  const b = read({ ...n, opType, inputs: slots.map((k) => n.inputs[k]) });
  return b && { ...b, inputs: b.inputs.map((k) => slots[k]), params: b.params.map((k) => slots[k]) };
}
