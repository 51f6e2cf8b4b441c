/** Small ONNX models written node by node, for tests that need a file nobody exported. */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const A = onnx.AttributeProto.AttributeType;

export type AttrValue = number | number[] | string | { f: number };
export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  attrs?: Record<string, AttrValue>;
  domain?: string;
}
export interface TensorSpec {
  name: string;
  dims: number[];
  /** float32 values (default: zeros); or int64 values */
  floats?: number[];
  ints?: (number | bigint)[];
  /** raw bytes as given, whatever the dims say */
  raw?: Uint8Array;
}

function attribute(name: string, v: AttrValue) {
  if (typeof v === 'number') return { name, type: A.INT, i: v };
  if (typeof v === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: A.INTS, ints: v };
  return { name, type: A.FLOAT, f: v.f };
}

function tensor(t: TensorSpec) {
  const n = t.dims.reduce((a, b) => a * b, 1);
  if (t.ints) {
    return {
      name: t.name,
      dims: t.dims,
      dataType: 7,
      rawData: new Uint8Array(BigInt64Array.from(t.ints.map(BigInt)).buffer),
    };
  }
  const raw = t.raw ?? new Uint8Array(Float32Array.from(t.floats ?? new Array(Math.max(0, n)).fill(0)).buffer);
  return { name: t.name, dims: t.dims, dataType: 1, rawData: raw };
}

export function onnxModel(m: {
  nodes: NodeSpec[];
  initializers?: TensorSpec[];
  inputs: { name: string; dims: number[] }[];
  outputs: string[];
  opset?: number;
  metadata?: Record<string, string>;
  producer?: string;
  /** shapes of graph outputs (value infos an op without a rule needs) */
  outputShapes?: Record<string, number[]>;
  irVersion?: number;
}): Uint8Array {
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: m.irVersion ?? 8,
      opsetImport: [{ domain: '', version: m.opset ?? 17 }],
      producerName: m.producer ?? 'test',
      metadataProps: Object.entries(m.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: 'g',
        node: m.nodes.map((n, i) => ({
          opType: n.op,
          name: n.name ?? `${n.op.toLowerCase()}_${i}`,
          domain: n.domain,
          input: n.inputs,
          output: n.outputs,
          attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)),
        })),
        initializer: (m.initializers ?? []).map(tensor),
        input: m.inputs.map((i) => ({
          name: i.name,
          type: { tensorType: { elemType: 1, shape: { dim: i.dims.map((d) => ({ dimValue: d })) } } },
        })),
        output: m.outputs.map((name) => {
          const dims = m.outputShapes?.[name];
          return {
            name,
            type: {
              tensorType: { elemType: 1, ...(dims ? { shape: { dim: dims.map((d) => ({ dimValue: d })) } } : {}) },
            },
          };
        }),
      },
    }),
  ).finish();
}
