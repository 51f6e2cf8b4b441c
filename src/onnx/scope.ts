/**
 * The tensors an ONNX graph reader sees, by name: shapes, element types, and for constants their
 * value (on demand) and the stored tensor they come from. A subgraph's scope (a Loop body, an If
 * branch) sees its own tensors first, then its owner's.
 */
import type { ElemType } from '../graph/dtype.ts';
import type { Shape } from '../graph/types.ts';
import { ShapeError, type Tensor } from '../ops/op.ts';
import type { Constant } from './proto.ts';

/**
 * A tensor the file stores (an initializer or a Constant node's value) that could be a weight:
 * more than one element, of a numeric type other than int64 (which holds shapes and indices).
 */
/** A node's input as readers see it: its shape and type, and for a constant its value and stored origin. */
export interface InputView {
  name: string;
  shape: Shape;
  type: ElemType;
  /** an initializer, a Constant node, or folded shape arithmetic */
  isConst: boolean;
  /** a constant's stored origin: the file's weight-like tensors it derives from (see scope.ts) */
  stored: readonly StoredTensor[];
  /** the value of a constant input (throws for a data input) */
  value(): Tensor;
}

export interface StoredTensor {
  key: string;
  elements: number;
  type: ElemType;
}

/** The stored tensor a constant of this shape and type is, if it could be a weight. */
export function storedTensor(key: string, elements: number, type: ElemType): StoredTensor[] {
  return elements >= 1 && type !== 'int64' && type !== 'bool' && type !== 'string' ? [{ key, elements, type }] : [];
}

/** The stored tensors a constant computed from these inputs derives from (each once). */
export function storedUnion(lists: (readonly StoredTensor[] | undefined)[]): StoredTensor[] {
  const out = new Map<string, StoredTensor>();
  for (const l of lists) for (const t of l ?? []) out.set(t.key, t);
  return [...out.values()];
}

export interface TensorInfo {
  /** the tensor's name in the layer graph: its file name, prefixed inside a subgraph */
  id: string;
  shape: Shape;
  type: ElemType;
  constant?: Constant;
  /**
   * a constant's stored origin: the file's weight-like tensors it derives from (one, through ops
   * that only rearrange, retype or broadcast: Identity, Reshape, Transpose, Cast, DequantizeLinear,
   * Expand; several or none for computed constants)
   */
  stored?: readonly StoredTensor[];
  /** not known before run time, whatever its producer (a Loop body's iteration count and carried values) */
  varying?: boolean;
  /** a sequence (SequenceConstruct, SequenceInsert...): its tensors, when known */
  sequence?: TensorInfo[];
}

export class Scope {
  private readonly own = new Map<string, TensorInfo>();
  constructor(readonly parent?: Scope) {}
  get(name: string): TensorInfo | undefined {
    return this.own.get(name) ?? this.parent?.get(name);
  }
  has(name: string): boolean {
    return this.get(name) !== undefined;
  }
  set(name: string, info: TensorInfo): void {
    this.own.set(name, info);
  }
}

/** What a reader sees of one input. */
export function inputView(name: string, t: TensorInfo): InputView {
  return {
    name,
    shape: t.shape,
    type: t.type,
    isConst: t.constant !== undefined,
    stored: t.stored ?? [],
    value: () => {
      if (!t.constant) throw new ShapeError(`'${name}' is computed at run time, not a constant`);
      return t.constant.value();
    },
  };
}
