/**
 * Int8 versions of a netcost deploy-view export, written the two ways onnxruntime's quantizer
 * writes them, for tests (no quantizer here):
 *
 * - QOperator: QuantizeLinear at the input, QLinearConv, QLinearAdd, QLinearGlobalAveragePool,
 *   data movement (MaxPool, Split, Concat, Reshape, Transpose, Flatten) on int8 tensors, a
 *   DequantizeLinear before the fp32 classifier (Gemm);
 * - QDQ: the fp32 ops, each int8 input behind its own DequantizeLinear and each output followed by
 *   a QuantizeLinear; int8 weights and int32 biases behind DequantizeLinear.
 *
 * Activations after a convolution are dropped, as the quantizer folds them into the output range.
 * Scales are 0.05 and zero points 0: only validity and costs matter here, not accuracy.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type NodeProto = onnxProto.onnx.INodeProto;
type TensorProto = onnxProto.onnx.ITensorProto;
const MS = 'com.microsoft';
const ACTIVATIONS = new Set(['Relu', 'Clip']);
const MOVEMENT = new Set(['MaxPool', 'Split', 'Concat', 'Reshape', 'Transpose', 'Flatten']);

const node = (opType: string, name: string, input: string[], output: string[], domain = ''): NodeProto => ({
  opType,
  name,
  input,
  output,
  domain,
  attribute: [],
});

function int8Of(t: TensorProto, name: string): TensorProto {
  const n = (t.dims ?? []).map(Number).reduce((a, b) => a * b, 1);
  const values = Int8Array.from({ length: n }, (_, i) => ((i * 37) % 21) - 10);
  return { name, dims: t.dims, dataType: 3, rawData: new Uint8Array(values.buffer) };
}
const int32Zeros = (t: TensorProto, name: string): TensorProto => ({
  name,
  dims: t.dims,
  dataType: 6,
  rawData: new Uint8Array(4 * (t.dims ?? []).map(Number).reduce((a, b) => a * b, 1)),
});

/** The fp32 export without its activation nodes (consumers read the convolution's output). */
function withoutActivations(nodes: NodeProto[], outputs: string[]): NodeProto[] {
  const alias = new Map<string, string>();
  const kept: NodeProto[] = [];
  for (const n of nodes) {
    if (ACTIVATIONS.has(n.opType ?? '')) alias.set(n.output?.[0] ?? '', n.input?.[0] ?? '');
    else kept.push(n);
  }
  const a = (t: string) => alias.get(t) ?? t;
  for (const n of kept) n.input = (n.input ?? []).map(a);
  for (const [i, o] of outputs.entries()) outputs[i] = a(o);
  return kept;
}

export function quantizedModel(fp32: Uint8Array, form: 'qdq' | 'qoperator'): Uint8Array {
  const m = onnx.ModelProto.decode(fp32);
  const g = m.graph as NonNullable<typeof m.graph>;
  const outputs = (g.output ?? []).map((o) => o.name ?? '');
  const nodes = withoutActivations(g.node ?? [], outputs);
  const inits = new Map((g.initializer ?? []).map((t) => [t.name ?? '', t]));
  const extra: TensorProto[] = [
    { name: 'q.scale', dims: [], dataType: 1, floatData: [0.05] },
    { name: 'q.zero', dims: [], dataType: 3, rawData: new Uint8Array(1) },
  ];
  const s = 'q.scale';
  const z = 'q.zero';
  const input = g.input?.[0]?.name ?? 'input';
  const out: NodeProto[] = [node('QuantizeLinear', 'input.quantize', [input, s, z], [`${input}.q`])];
  const q = (t: string) => (t === input ? `${input}.q` : t);
  for (const n of nodes) {
    const op = n.opType ?? '';
    const name = n.name ?? '';
    const ins = (n.input ?? []).map(q);
    if (op === 'Gemm') {
      out.push(node('DequantizeLinear', `${name}.dequantize`, [ins[0], s, z], [`${name}.x`]));
      out.push({ ...n, input: [`${name}.x`, ...ins.slice(1)] });
    } else if (form === 'qoperator') {
      out.push(qoperator(n, ins, inits, extra, s, z));
    } else {
      out.push(...qdq(n, ins, inits, extra, s, z));
    }
  }
  g.node = out;
  g.initializer = [...inits.values(), ...extra];
  for (const [i, o] of (g.output ?? []).entries()) o.name = outputs[i];
  g.valueInfo = [];
  m.producerName = 'test';
  m.metadataProps = [];
  m.opsetImport = [...(m.opsetImport ?? []), { domain: MS, version: 1 }];
  return onnx.ModelProto.encode(m).finish();
}

function qoperator(
  n: NodeProto,
  ins: string[],
  inits: Map<string, TensorProto>,
  extra: TensorProto[],
  s: string,
  z: string,
): NodeProto {
  const op = n.opType ?? '';
  const name = n.name ?? '';
  if (op === 'Conv') {
    const [x, w, b] = ins;
    extra.push(int8Of(inits.get(w) as TensorProto, `${w}.q`), int32Zeros(inits.get(b) as TensorProto, `${b}.q`));
    inits.delete(w);
    inits.delete(b);
    return {
      ...node('QLinearConv', name, [x, s, z, `${w}.q`, s, z, s, z, `${b}.q`], n.output ?? []),
      attribute: n.attribute,
    };
  }
  if (op === 'Add') return node('QLinearAdd', name, [ins[0], s, z, ins[1], s, z, s, z], n.output ?? [], MS);
  if (op === 'GlobalAveragePool')
    return node('QLinearGlobalAveragePool', name, [ins[0], s, z, s, z], n.output ?? [], MS);
  if (!MOVEMENT.has(op)) throw new Error(`no QOperator form for ${op}`);
  return { ...n, input: ins };
}

function qdq(
  n: NodeProto,
  ins: string[],
  inits: Map<string, TensorProto>,
  extra: TensorProto[],
  s: string,
  z: string,
): NodeProto[] {
  const op = n.opType ?? '';
  const name = n.name ?? '';
  if (op !== 'Conv' && op !== 'Add' && op !== 'GlobalAveragePool' && !MOVEMENT.has(op)) {
    throw new Error(`no QDQ form for ${op}`);
  }
  const before: NodeProto[] = [];
  // int8 data inputs: every input but constants (weights, shapes, split sizes)
  const data = ins.map((t, k) => {
    if (inits.has(t) || !t) return t;
    const f = `${name}.in${k}`;
    before.push(node('DequantizeLinear', `${name}.dequantize${k}`, [t, s, z], [f]));
    return f;
  });
  if (op === 'Conv') {
    const [, w, b] = ins;
    const zero32 = `${b}.zero`;
    extra.push(int8Of(inits.get(w) as TensorProto, `${w}.q`), int32Zeros(inits.get(b) as TensorProto, `${b}.q`), {
      name: zero32,
      dims: [],
      dataType: 6,
      rawData: new Uint8Array(4),
    });
    inits.delete(w);
    inits.delete(b);
    before.push(node('DequantizeLinear', `${name}.weight`, [`${w}.q`, s, z], [`${name}.w`]));
    before.push(node('DequantizeLinear', `${name}.bias`, [`${b}.q`, s, zero32], [`${name}.b`]));
    data[1] = `${name}.w`;
    data[2] = `${name}.b`;
  }
  const outs = (n.output ?? []).map((o) => `${o}.f`);
  const after = (n.output ?? []).map((o, k) => node('QuantizeLinear', `${name}.quantize${k}`, [outs[k], s, z], [o]));
  return [...before, { ...n, input: data, output: outs }, ...after];
}

/** float32 -> float16 bits, rounded to nearest (normal range; tiny values flush to zero). */
function toHalf(x: number): number {
  const u = new Uint32Array(new Float32Array([x]).buffer)[0];
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 112;
  if (exp <= 0) return sign;
  if (exp >= 31) return sign | 0x7c00;
  const mant = u & 0x7fffff;
  const half = sign | (exp << 10) | (mant >>> 13);
  return mant & 0x1000 ? half + 1 : half;
}

/** The same model in fp16: every float tensor (weights, input, output) stored as float16. */
export function halfModel(fp32: Uint8Array): Uint8Array {
  const m = onnx.ModelProto.decode(fp32);
  const g = m.graph as NonNullable<typeof m.graph>;
  for (const t of g.initializer ?? []) {
    if (t.dataType !== 1) continue;
    const raw = t.rawData as Uint8Array;
    const f = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    t.dataType = 10;
    t.rawData = new Uint8Array(Uint16Array.from(f, toHalf).buffer);
  }
  for (const v of [...(g.input ?? []), ...(g.output ?? [])]) {
    if (v.type?.tensorType?.elemType === 1) v.type.tensorType.elemType = 10;
  }
  g.valueInfo = [];
  m.producerName = 'test';
  m.metadataProps = [];
  return onnx.ModelProto.encode(m).finish();
}

/** The export as another tool's file: no netcost producer or metadata (its helper nodes stay nodes). */
export function asForeign(bytes: Uint8Array): Uint8Array {
  const m = onnx.ModelProto.decode(bytes);
  m.producerName = 'test';
  m.metadataProps = [];
  return onnx.ModelProto.encode(m).finish();
}
