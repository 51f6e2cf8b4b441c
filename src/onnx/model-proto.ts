/**
 * Graph -> ONNX (opset 17), encoded with onnx-proto's generated protobuf code. The same graph the
 * cost model reads: node names equal layer names (helper nodes are `<layer>#<suffix>`), tensor
 * names equal netcost's, weights are seeded pseudo-random (LeCun-uniform, so activations stay in
 * range) and deterministic for a given seed.
 */
import onnxProto from 'onnx-proto';
import type { Graph, Shape } from '../graph/types.ts';
import { emitOnnx, type OnnxEmitter } from '../ops/index.ts';
import type { OnnxAttr } from '../ops/op.ts';
import { mulberry32 } from '../util/random.ts';
import type { ExportOptions } from './export-options.ts';
import { IR_VERSION, META, OPSET, structureMetadata } from './metadata.ts';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;
const A = onnx.AttributeProto.AttributeType;

/** FNV-1a over the string, mixed with the seed: a per-tensor PRNG seed. */
function hash(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

const numel = (d: number[]) => d.reduce((a, b) => a * b, 1);

function attribute(name: string, v: OnnxAttr): onnxProto.onnx.IAttributeProto {
  if (typeof v === 'number') return { name, type: A.INT, i: v };
  if (typeof v === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: A.INTS, ints: v };
  return { name, type: A.FLOAT, f: v.f };
}

function valueInfo(name: string, shape?: Shape): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: { elemType: FLOAT, ...(shape ? { shape: { dim: shape.map((d) => ({ dimValue: d })) } } : {}) },
    },
  };
}

/** The ONNX ModelProto of a graph, as an object (see `encodeModel`). */
export function toModelProto(g: Graph, opts: ExportOptions = {}): onnxProto.onnx.IModelProto {
  const seed = opts.seed ?? 0;
  const nodes: onnxProto.onnx.INodeProto[] = [];
  const inits: onnxProto.onnx.ITensorProto[] = [];
  const e: OnnxEmitter = {
    weight(name, dims, fanIn) {
      const r = mulberry32(hash(name, seed));
      const a = Math.sqrt(3 / Math.max(1, fanIn));
      const data = new Float32Array(numel(dims));
      for (let i = 0; i < data.length; i++) data[i] = (2 * r() - 1) * a;
      inits.push({ name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer) });
      return name;
    },
    floats(name, dims, values) {
      const n = numel(dims);
      const data = Float32Array.from({ length: n }, (_, i) => (typeof values === 'function' ? values(i) : values[i]));
      inits.push({ name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer) });
      return name;
    },
    int64s(name, values) {
      const data = BigInt64Array.from(values.map((v) => BigInt(v)));
      inits.push({ name, dims: [values.length], dataType: INT64, rawData: new Uint8Array(data.buffer) });
      return name;
    },
    node(opType, name, inputs, outputs, attrs = {}) {
      nodes.push({
        opType,
        name,
        input: inputs,
        output: outputs,
        attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
      });
    },
  };
  for (const l of g.layers) emitOnnx(l, e);

  const shapes = new Map<string, Shape>();
  for (const l of g.layers) for (const [i, t] of l.outputs.entries()) shapes.set(t, l.outputShapes[i]);
  const outputs = [valueInfo(g.output.name, g.output.shape)];
  if (opts.exposeAll) for (const [t] of shapes) if (t !== g.output.name) outputs.push(valueInfo(t));
  return {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'netcost',
    producerVersion: opts.producerVersion ?? '',
    docString: `${g.model} (${g.view} view) exported by netcost from ${g.file}`,
    metadataProps: [
      { key: META.model, value: g.model },
      { key: META.specFile, value: g.file },
      { key: META.view, value: g.view },
      { key: META.seed, value: String(seed) },
      { key: META.note, value: 'weights are seeded pseudo-random values, for timing and shape checks only' },
      ...structureMetadata(g.groups, g.layers),
    ],
    graph: {
      name: g.model,
      node: nodes,
      initializer: inits,
      input: [valueInfo(g.input.name, g.input.shape)],
      output: outputs,
      valueInfo: opts.exposeAll
        ? []
        : [...shapes].filter(([t]) => t !== g.output.name).map(([t, s]) => valueInfo(t, s)),
    },
  };
}

export function encodeModel(m: onnxProto.onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(m)).finish();
}
