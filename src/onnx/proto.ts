/**
 * ONNX protobuf, decoded with onnx-proto's generated code: the model, its constant tensors (decoded
 * on demand: weights are never read, only their dims) and node attributes.
 */
import onnxProto from 'onnx-proto';
import { type ElemType, elemTypeOf } from '../graph/dtype.ts';
import type { Shape } from '../graph/types.ts';
import { checkShape, numel, ShapeError, type Tensor, type ValueType } from '../ops/op.ts';
import { type ExternalRef, externalRef, isExternal, readExternal } from './external-data.ts';

export const { onnx } = onnxProto;
export type ModelProto = onnxProto.onnx.ModelProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;
type AttributeProto = onnxProto.onnx.IAttributeProto;
const DT = onnx.TensorProto.DataType;

/** An int64 field as protobufjs gives it (a number, or a Long when large). */
export const long = (v: unknown): number =>
  typeof v === 'number'
    ? v
    : v && typeof v === 'object' && 'toNumber' in v
      ? (v as { toNumber(): number }).toNumber()
      : Number(v);

/** How folding treats an ONNX element type. */
export function valueTypeOf(dataType: number): ValueType {
  if (dataType === DT.BOOL) return 'bool';
  const floats: number[] = [DT.FLOAT, DT.DOUBLE, DT.FLOAT16, DT.BFLOAT16];
  return floats.includes(dataType) ? 'float' : 'int';
}

const half = (h: number): number => {
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  const s = h & 0x8000 ? -1 : 1;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * (1 + m / 1024) * 2 ** (e - 15);
};

/** Raw data of each element type netcost reads: bytes per element, and how to decode them. */
const RAW = new Map<number, { bytes: number; read: (buf: ArrayBuffer) => number[] }>([
  [DT.FLOAT, { bytes: 4, read: (b) => [...new Float32Array(b)] }],
  [DT.DOUBLE, { bytes: 8, read: (b) => [...new Float64Array(b)] }],
  [DT.INT64, { bytes: 8, read: (b) => [...new BigInt64Array(b)].map(Number) }],
  [DT.UINT64, { bytes: 8, read: (b) => [...new BigInt64Array(b)].map(Number) }],
  [DT.INT32, { bytes: 4, read: (b) => [...new Int32Array(b)] }],
  [DT.UINT32, { bytes: 4, read: (b) => [...new Uint32Array(b)] }],
  [DT.INT16, { bytes: 2, read: (b) => [...new Int16Array(b)] }],
  [DT.UINT16, { bytes: 2, read: (b) => [...new Uint16Array(b)] }],
  [DT.FLOAT16, { bytes: 2, read: (b) => [...new Uint16Array(b)].map(half) }],
  [DT.BFLOAT16, { bytes: 2, read: (b) => [...new Uint16Array(b)].map(bfloat16) }],
  [DT.UINT8, { bytes: 1, read: (b) => [...new Uint8Array(b)] }],
  [DT.BOOL, { bytes: 1, read: (b) => [...new Uint8Array(b)] }],
  [DT.INT8, { bytes: 1, read: (b) => [...new Int8Array(b)] }],
]);

/** bfloat16 is the top half of a float32. */
const bfloat16 = (h: number): number => new Float32Array(Uint32Array.of(h << 16).buffer)[0];

function rawValues(raw: Uint8Array, dataType: number): number[] {
  const kind = RAW.get(dataType);
  if (!kind) throw new ShapeError(`a constant of element type ${dataType} cannot be read`);
  return kind.read(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) as ArrayBuffer);
}

/**
 * How each ONNX element type stores its values (onnx.proto): bits per value in raw_data (0: none,
 * strings live in string_data only), and the typed field with how many entries per value (complex
 * numbers two; 4-bit types two values to an entry). A code missing here is no element type.
 */
const STORAGE: Record<number, { bits: number; field: string; perValue: number }> = {
  [DT.FLOAT]: { bits: 32, field: 'float_data', perValue: 1 },
  [DT.UINT8]: { bits: 8, field: 'int32_data', perValue: 1 },
  [DT.INT8]: { bits: 8, field: 'int32_data', perValue: 1 },
  [DT.UINT16]: { bits: 16, field: 'int32_data', perValue: 1 },
  [DT.INT16]: { bits: 16, field: 'int32_data', perValue: 1 },
  [DT.INT32]: { bits: 32, field: 'int32_data', perValue: 1 },
  [DT.INT64]: { bits: 64, field: 'int64_data', perValue: 1 },
  [DT.STRING]: { bits: 0, field: 'string_data', perValue: 1 },
  [DT.BOOL]: { bits: 8, field: 'int32_data', perValue: 1 },
  [DT.FLOAT16]: { bits: 16, field: 'int32_data', perValue: 1 },
  [DT.DOUBLE]: { bits: 64, field: 'double_data', perValue: 1 },
  [DT.UINT32]: { bits: 32, field: 'uint64_data', perValue: 1 },
  [DT.UINT64]: { bits: 64, field: 'uint64_data', perValue: 1 },
  [DT.COMPLEX64]: { bits: 64, field: 'float_data', perValue: 2 },
  [DT.COMPLEX128]: { bits: 128, field: 'double_data', perValue: 2 },
  [DT.BFLOAT16]: { bits: 16, field: 'int32_data', perValue: 1 },
  // float8 (e4m3fn, e4m3fnuz, e5m2, e5m2fnuz), then uint4, int4, float4e2m1
  17: { bits: 8, field: 'int32_data', perValue: 1 },
  18: { bits: 8, field: 'int32_data', perValue: 1 },
  19: { bits: 8, field: 'int32_data', perValue: 1 },
  20: { bits: 8, field: 'int32_data', perValue: 1 },
  21: { bits: 4, field: 'int32_data', perValue: 0.5 },
  22: { bits: 4, field: 'int32_data', perValue: 0.5 },
  23: { bits: 4, field: 'int32_data', perValue: 0.5 },
};

/** How many entries a typed field holds. */
function fieldCount(t: TensorProto, field: string): number {
  const arrays: Record<string, unknown[] | null | undefined> = {
    float_data: t.floatData,
    double_data: t.doubleData,
    int32_data: t.int32Data,
    int64_data: t.int64Data,
    uint64_data: t.uint64Data,
    string_data: t.stringData,
  };
  return arrays[field]?.length ?? 0;
}

/**
 * A tensor's params are what the file stores: its data must hold exactly the values its dims
 * declare, in the place and size its element type stores them (an external tensor is checked
 * where its bytes are read).
 */
function checkStored(t: TensorProto, dataType: number, dims: number[], name: string, folder?: string): Stored {
  const kind = STORAGE[dataType];
  const declared = `dims [${dims.join(', ')}]`;
  if (!kind) {
    throw new ShapeError(
      `tensor ${name}has element type ${dataType}, which is no ONNX element type; re-export it with a standard type`,
    );
  }
  const n = numel(dims);
  const bytes = Math.ceil((n * kind.bits) / 8);
  if (isExternal(t)) {
    if (kind.bits === 0)
      throw new ShapeError(`tensor ${name}is a string tensor in external data; strings live in string_data`);
    return { external: externalRef(t, folder, bytes, name) };
  }
  if (t.rawData?.length) {
    if (kind.bits === 0)
      throw new ShapeError(`tensor ${name}is a string tensor with raw_data; strings live in string_data`);
    if (t.rawData.length !== bytes)
      throw new ShapeError(`tensor ${name}holds ${t.rawData.length} bytes of data for ${declared} (${bytes} expected)`);
    return { raw: t.rawData };
  }
  const count = fieldCount(t, kind.field);
  const expected = Math.ceil(n * kind.perValue);
  if (count !== expected)
    throw new ShapeError(
      `tensor ${name}has ${declared} (${n} values) but its ${kind.field} holds ${count === 0 ? 'none' : count}` +
        `${expected !== n ? ` (${expected} expected)` : ''}; a tensor stores every value its dims declare`,
    );
  return {};
}

/** The bytes a tensor's values take in raw_data or in external data (undefined: no such element type). */
export function storedBytes(t: TensorProto): number | undefined {
  const kind = STORAGE[t.dataType ?? DT.FLOAT];
  return kind ? Math.ceil((numel((t.dims ?? []).map(long)) * kind.bits) / 8) : undefined;
}

/** Where a checked tensor's values are: raw bytes in the file, bytes in an external file, or typed fields. */
interface Stored {
  raw?: Uint8Array;
  external?: ExternalRef;
}

function typedValues(t: TensorProto, dataType: number): number[] {
  switch (dataType) {
    case DT.FLOAT:
      return [...(t.floatData ?? [])];
    case DT.DOUBLE:
      return [...(t.doubleData ?? [])];
    case DT.INT64:
      return (t.int64Data ?? []).map(long);
    case DT.UINT64:
    case DT.UINT32:
      return (t.uint64Data ?? []).map(long);
    case DT.FLOAT16:
      return (t.int32Data ?? []).map((v) => half(long(v)));
    default:
      return (t.int32Data ?? []).map(long);
  }
}

/** A constant tensor of the file: its dims and element type now, its values when someone asks. */
export interface Constant {
  dims: Shape;
  type: ElemType;
  value(): Tensor;
  /** the file's tensor it is, for an initializer or a Constant node's tensor */
  proto?: TensorProto;
}

/**
 * A constant of the file, its dims and the size of its data checked now (its values are read on
 * demand); `folder` is where the model file is, for tensors in external data.
 */
export function constantOf(t: TensorProto, folder?: string): Constant {
  const dims = (t.dims ?? []).map(long);
  const dataType = t.dataType ?? DT.FLOAT;
  const name = t.name ? `'${t.name}' ` : '';
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new ShapeError(`tensor ${name}has dims [${dims.join(', ')}]; a dimension is a whole number >= 0`);
  }
  checkShape(dims, true);
  const stored = checkStored(t, dataType, dims, name, folder);
  let memo: Tensor | undefined;
  return {
    dims,
    proto: t,
    type: elemTypeOf(dataType),
    value() {
      if (memo) return memo;
      const raw = stored.external ? readExternal(stored.external) : stored.raw;
      const data = raw ? rawValues(raw, dataType) : typedValues(t, dataType);
      if (data.length !== numel(dims))
        throw new ShapeError(`constant holds ${data.length} values for dims [${dims.join(', ')}]`);
      memo = { dims, type: valueTypeOf(dataType), data };
      return memo;
    },
  };
}

/** A node's attributes by name, read with a default. */
export class Attrs {
  private readonly byName = new Map<string, AttributeProto>();
  constructor(node: NodeProto) {
    for (const a of node.attribute ?? []) this.byName.set(a.name ?? '', a);
  }
  has(k: string): boolean {
    return this.byName.has(k);
  }
  int(k: string, d: number): number {
    const a = this.byName.get(k);
    return a ? long(a.i) : d;
  }
  float(k: string, d: number): number {
    const a = this.byName.get(k);
    return a ? Number(a.f) : d;
  }
  ints(k: string): number[] | undefined {
    const a = this.byName.get(k);
    return a ? (a.ints ?? []).map(long) : undefined;
  }
  floats(k: string): number[] | undefined {
    const a = this.byName.get(k);
    return a ? (a.floats ?? []).map(Number) : undefined;
  }
  str(k: string, d: string): string {
    const s = this.byName.get(k)?.s;
    return s ? new TextDecoder().decode(s) : d;
  }
  /** A list of strings (pool_strings), decoded; [] when absent. */
  strs(k: string): string[] {
    return (this.byName.get(k)?.strings ?? []).map((b) => new TextDecoder().decode(b));
  }
  /** Every int and float attribute, and lists of them (for user cost rules). */
  *numeric(): Generator<[string, number | number[]]> {
    for (const [name, a] of this.byName) {
      if (a.ints?.length) yield [name, a.ints.map(long)];
      else if (a.floats?.length) yield [name, a.floats.map(Number)];
      else if (a.type === onnx.AttributeProto.AttributeType.INT) yield [name, long(a.i)];
      else if (a.type === onnx.AttributeProto.AttributeType.FLOAT) yield [name, Number(a.f)];
    }
  }
  tensor(k: string): TensorProto | undefined {
    return this.byName.get(k)?.t ?? undefined;
  }
}

/** The value of a Constant node, as any of its attribute forms gives it. */
export function constantNodeValue(node: NodeProto, folder?: string): Constant {
  const a = new Attrs(node);
  const t = a.tensor('value');
  if (t) return constantOf(t, folder);
  const fixed = (dims: Shape, type: ValueType, data: number[]): Constant => ({
    dims,
    type: type === 'float' ? 'fp32' : 'int64',
    value: () => ({ dims, type, data }),
  });
  if (a.has('value_float')) return fixed([], 'float', [a.float('value_float', 0)]);
  const fs = a.floats('value_floats');
  if (fs) return fixed([fs.length], 'float', fs);
  if (a.has('value_int')) return fixed([], 'int', [a.int('value_int', 0)]);
  const is = a.ints('value_ints');
  if (is) return fixed([is.length], 'int', is);
  throw new ShapeError('a Constant without a value (value, value_float(s) or value_int(s))');
}
