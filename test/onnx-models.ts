/** Small ONNX models written node by node, for tests that need a file nobody exported. */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const A = onnx.AttributeProto.AttributeType;

export type AttrValue = number | number[] | string | { f: number } | { floats: number[] } | { g: GraphSpec };
export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  attrs?: Record<string, AttrValue>;
  domain?: string;
}

/** Element types by name, as ONNX codes them. */
export const TYPES = { float: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10 } as const;
export type TypeName = keyof typeof TYPES;

export interface TensorSpec {
  name: string;
  dims: number[];
  /** float32 values (default: zeros); or int64 values */
  floats?: number[];
  ints?: (number | bigint)[];
  /** values of another element type (default type float) */
  type?: TypeName;
  values?: number[];
  /** raw bytes as given, whatever the dims say */
  raw?: Uint8Array;
  /** the ONNX element type code of `raw`, as given (default 1, float) */
  code?: number;
  /** float32 values stored as float_data (not raw_data), as given, whatever the dims say */
  floatData?: number[];
}

export interface GraphSpec {
  nodes: NodeSpec[];
  initializers?: TensorSpec[];
  inputs: { name: string; dims?: number[]; type?: TypeName; dimParams?: (string | number)[]; sequence?: boolean }[];
  /** graph outputs; dims when an op without a rule needs them declared; `sequence` for a sequence of tensors */
  outputs: (string | { name: string; dims?: (number | string)[]; type?: TypeName; sequence?: boolean })[];
}

type AttributeProto = onnxProto.onnx.IAttributeProto;
type GraphProto = onnxProto.onnx.IGraphProto;

function attribute(name: string, v: AttrValue): AttributeProto {
  if (typeof v === 'number') return { name, type: A.INT, i: v };
  if (typeof v === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: A.INTS, ints: v };
  if ('floats' in v) return { name, type: A.FLOATS, floats: v.floats };
  if ('g' in v) return { name, type: A.GRAPH, g: graph(v.g, name) };
  return { name, type: A.FLOAT, f: v.f };
}

function rawOf(type: TypeName, values: number[]): Uint8Array {
  switch (type) {
    case 'float':
      return new Uint8Array(Float32Array.from(values).buffer);
    case 'int8':
      return new Uint8Array(Int8Array.from(values).buffer);
    case 'uint8':
    case 'bool':
      return Uint8Array.from(values);
    case 'int32':
      return new Uint8Array(Int32Array.from(values).buffer);
    case 'int64':
      return new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer);
    case 'float16':
      // only zeros and ones are needed here: 0x0000 and 0x3c00
      return new Uint8Array(Uint16Array.from(values.map((v) => (v === 0 ? 0 : 0x3c00))).buffer);
  }
}

function tensor(t: TensorSpec) {
  const n = t.dims.reduce((a, b) => a * b, 1);
  if (t.floatData) return { name: t.name, dims: t.dims, dataType: 1, floatData: t.floatData };
  if (t.ints) {
    return {
      name: t.name,
      dims: t.dims,
      dataType: 7,
      rawData: new Uint8Array(BigInt64Array.from(t.ints.map(BigInt)).buffer),
    };
  }
  if (t.type && t.type !== 'float') {
    return {
      name: t.name,
      dims: t.dims,
      dataType: TYPES[t.type],
      rawData: rawOf(t.type, t.values ?? new Array(n).fill(0)),
    };
  }
  const raw =
    t.raw ?? new Uint8Array(Float32Array.from(t.values ?? t.floats ?? new Array(Math.max(0, n)).fill(0)).buffer);
  return { name: t.name, dims: t.dims, dataType: t.code ?? 1, rawData: raw };
}

const tensorType = (type: TypeName, dims?: (string | number)[]) => ({
  tensorType: {
    elemType: TYPES[type],
    ...(dims ? { shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } : {}),
  },
});
const valueInfo = (name: string, type: TypeName = 'float', dims?: (string | number)[], sequence = false) => ({
  name,
  type: sequence ? { sequenceType: { elemType: tensorType(type, dims) } } : tensorType(type, dims),
});

function graph(g: GraphSpec, name = 'g'): GraphProto {
  return {
    name,
    node: g.nodes.map((n, i) => ({
      opType: n.op,
      name: n.name ?? `${n.op.toLowerCase()}_${i}`,
      domain: n.domain,
      input: n.inputs,
      output: n.outputs,
      attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)),
    })),
    initializer: (g.initializers ?? []).map(tensor),
    input: g.inputs.map((i) => valueInfo(i.name, i.type, i.dimParams ?? i.dims, i.sequence)),
    output: g.outputs.map((o) =>
      typeof o === 'string' ? valueInfo(o) : valueInfo(o.name, o.type, o.dims, o.sequence),
    ),
  };
}

export function onnxModel(m: {
  nodes: NodeSpec[];
  initializers?: TensorSpec[];
  inputs: { name: string; dims: (number | string)[]; type?: TypeName }[];
  outputs: string[];
  opset?: number;
  /** opsets of other domains (com.microsoft: 1) */
  opsets?: Record<string, number>;
  metadata?: Record<string, string>;
  producer?: string;
  /** shapes of graph outputs (value infos an op without a rule needs) */
  outputShapes?: Record<string, (number | string)[]>;
  irVersion?: number;
}): Uint8Array {
  const g = graph({
    nodes: m.nodes,
    initializers: m.initializers,
    inputs: m.inputs.map((i) => ({ name: i.name, type: i.type, dimParams: i.dims })),
    outputs: m.outputs.map((name) => ({ name, dims: m.outputShapes?.[name] })),
  });
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: m.irVersion ?? 8,
      opsetImport: [
        { domain: '', version: m.opset ?? 17 },
        ...Object.entries(m.opsets ?? {}).map(([domain, version]) => ({ domain, version })),
      ],
      producerName: m.producer ?? 'test',
      metadataProps: Object.entries(m.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: g,
    }),
  ).finish();
}

const SEQUENCE_MAKERS = new Set([
  'SequenceEmpty',
  'SequenceConstruct',
  'SequenceInsert',
  'SequenceErase',
  'SplitToSequence',
]);

/** A node's outputs that are sequences (onnxruntime returns only tensors as graph outputs). */
function sequenceOutputs(n: onnxProto.onnx.INodeProto): Set<string> {
  if (SEQUENCE_MAKERS.has(n.opType ?? '')) return new Set(n.output ?? []);
  const out = new Set<string>();
  // a Loop's outputs are its body's after the condition; an If's, its branches'
  const shift = n.opType === 'Loop' ? 1 : 0;
  for (const a of n.attribute ?? []) {
    for (const [k, o] of (a.g?.output ?? []).entries()) {
      if (o.type?.sequenceType && k >= shift) out.add(n.output?.[k - shift] ?? '');
    }
  }
  return out;
}

/** The model with every tensor its main graph's nodes write as a graph output (onnxruntime then gives every shape). */
export function withAllOutputs(bytes: Uint8Array): Uint8Array {
  const m = onnx.ModelProto.decode(bytes);
  const g = m.graph as NonNullable<typeof m.graph>;
  const seen = new Set((g.output ?? []).map((o) => o.name));
  for (const n of g.node ?? []) {
    const sequences = sequenceOutputs(n);
    for (const o of n.output ?? []) {
      if (o && !seen.has(o) && !sequences.has(o)) {
        g.output?.push({ name: o });
        seen.add(o);
      }
    }
  }
  return onnx.ModelProto.encode(m).finish();
}

/**
 * The model as older exporters wrote it (torch's `keep_initializers_as_inputs`): every initializer
 * also named among the graph's inputs, at the IR version given.
 */
export function withInitializersAsInputs(bytes: Uint8Array, irVersion: number): Uint8Array {
  const m = onnx.ModelProto.decode(bytes);
  const g = m.graph as NonNullable<typeof m.graph>;
  for (const t of g.initializer ?? []) {
    const dim = (t.dims ?? []).map((d) => ({ dimValue: d }));
    g.input?.push({ name: t.name, type: { tensorType: { elemType: t.dataType, shape: { dim } } } });
  }
  m.irVersion = irVersion;
  return onnx.ModelProto.encode(m).finish();
}
