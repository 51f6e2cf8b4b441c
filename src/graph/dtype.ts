/**
 * Element types of tensors and their sizes. Specs have one element type for every tensor (the
 * `--dtype` of a report); an imported ONNX file's tensors each keep their own (int8 activations
 * and weights, int32 biases, fp16 tensors), and memory access in bytes counts each at its size.
 */

/** Storage types ONNX files use, by netcost's short names. */
export const ELEM_BYTES = {
  fp64: 8,
  fp32: 4,
  fp16: 2,
  bf16: 2,
  fp8: 1,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint64: 8,
  uint32: 4,
  uint16: 2,
  uint8: 1,
  int4: 0.5,
  uint4: 0.5,
  /** 2-bit weights packed four to a byte (MatMulNBits, GatherBlockQuantized with bits 2) */
  uint2: 0.25,
  bool: 1,
  string: 8,
} as const;
export type ElemType = keyof typeof ELEM_BYTES;

/** The one element type of every tensor of a spec's report (`--dtype`). */
export type Dtype = 'fp32' | 'fp16' | 'int8';

/** ONNX TensorProto.DataType codes -> element types (complex types are read as their float size). */
const ONNX_TYPES: Record<number, ElemType> = {
  1: 'fp32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'fp16',
  11: 'fp64',
  12: 'uint32',
  13: 'uint64',
  14: 'fp64',
  15: 'fp64',
  16: 'bf16',
  17: 'fp8',
  18: 'fp8',
  19: 'fp8',
  20: 'fp8',
  21: 'uint4',
  22: 'int4',
  23: 'uint4',
};

/** The element type of an ONNX data type code (fp32 for an unknown or missing code: ONNX's default). */
export const elemTypeOf = (code: number | null | undefined): ElemType => (code != null && ONNX_TYPES[code]) || 'fp32';

/** Bytes of `elements` elements of a type (sub-byte types packed, rounded up to whole bytes). */
export const bytesOf = (elements: number, t: ElemType): number => Math.ceil(elements * ELEM_BYTES[t]);

/** The element types an imported layer reads and writes. */
export interface LayerTypes {
  /** each input tensor's type, in the layer's input order */
  inputs: ElemType[];
  /** each output's */
  outputs: ElemType[];
  /** the constants the layer reads: their types, sizes, and whether they are learned weights */
  weights: { type: ElemType; elements: number; param: boolean }[];
}

/**
 * A layer's precision as a report shows it: its learned weights' type when it has some, else its
 * first input's (a quantized convolution is `int8`, a DequantizeLinear `int8->fp32`).
 */
export function precisionOf(t: LayerTypes): string {
  const weight = t.weights.filter((w) => w.param).sort((a, b) => b.elements - a.elements)[0]?.type;
  const data = weight ?? t.inputs[0] ?? t.outputs[0];
  const out = t.outputs[0];
  return out !== undefined && data !== undefined && out !== data && !weight ? `${data}->${out}` : (data ?? 'fp32');
}

/** Bytes per element of each `--dtype`. */
export const DTYPE_BYTES: Record<Dtype, number> = { fp32: 4, fp16: 2, int8: 1 };

/** The ONNX data type code of an element type (the first code that reads as it). */
export const onnxCodeOf = (type: ElemType): number =>
  Number(Object.entries(ONNX_TYPES).find(([, t]) => t === type)?.[0] ?? 1);
