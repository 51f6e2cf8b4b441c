/**
 * ONNX -> netcost graph. Reads the model with onnx-proto's generated code, folds the small shape
 * subgraphs exporters emit (Shape, Gather, Constant, Cast, Unsqueeze, Concat...) to constants,
 * infers every shape, and maps each remaining node to a netcost op so the same cost model applies.
 * Constant float tensors (initializers or Constant nodes) are weights.
 *
 * netcost's own exports come back exactly: helper nodes `<layer>#<suffix>` are lifted into the
 * layer they belong to (Reshape-Transpose-Reshape -> shuffle, Conv + `#relu` -> conv with a fused
 * activation), and group names are rebuilt from the dotted layer names.
 */

import { basename } from 'node:path';
import onnxProto from 'onnx-proto';
import { NetcostError } from '../errors.ts';
import type { Graph, Group, Layer, OpAttrs, OpKind, Pair, Shape, View } from '../graph/types.ts';
import { broadcast } from '../ops/broadcast.ts';
import { normAxis } from '../ops/concat.ts';
import { inferShapes, ShapeError } from '../ops/index.ts';
import { numel } from '../ops/op.ts';
import { sliceShape } from '../ops/slice.ts';

const { onnx } = onnxProto;
type NodeProto = onnxProto.onnx.INodeProto;
type TensorProto = onnxProto.onnx.ITensorProto;
const DT = onnx.TensorProto.DataType;

export class ImportError extends NetcostError {}

export interface ImportOptions {
  /** file name for messages */
  file: string;
  /** shapes for inputs with symbolic dimensions; key '*' applies to a model's only input */
  inputs?: Record<string, number[]>;
  /** unknown ops are an error instead of a warning */
  strict?: boolean;
}

export interface ImportResult {
  graph: Graph;
  /** every graph input (not initializers) with its shape */
  inputs: { name: string; shape: Shape }[];
  warnings: string[];
  /** ONNX ops netcost has no cost rule for, with their counts (costed as 0) */
  unknownOps: Record<string, number>;
  /** nodes folded into constants (shape arithmetic) */
  folded: number;
  nodes: number;
}

/** A constant: dims, element type, and values decoded on demand (weights are never decoded). */
interface Const {
  dims: number[];
  dtype: number;
  proto?: TensorProto;
  values?: number[];
}
interface TensorInfo {
  shape: Shape;
  const?: Const;
}

const long = (v: unknown): number =>
  typeof v === 'number'
    ? v
    : v && typeof v === 'object' && 'toNumber' in v
      ? (v as { toNumber(): number }).toNumber()
      : Number(v);

function decodeValues(c: Const): number[] {
  if (c.values) return c.values;
  const t = c.proto!;
  const raw = t.rawData?.length ? t.rawData : undefined;
  const n = numel(c.dims);
  let v: number[];
  if (raw) {
    const buf = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
    switch (c.dtype) {
      case DT.FLOAT:
        v = [...new Float32Array(buf)];
        break;
      case DT.DOUBLE:
        v = [...new Float64Array(buf)];
        break;
      case DT.INT64:
        v = [...new BigInt64Array(buf)].map(Number);
        break;
      case DT.INT32:
        v = [...new Int32Array(buf)];
        break;
      case DT.UINT8:
      case DT.BOOL:
        v = [...new Uint8Array(buf)];
        break;
      case DT.INT8:
        v = [...new Int8Array(buf)];
        break;
      default:
        throw new ShapeError(`constant of element type ${c.dtype} cannot be read`);
    }
  } else {
    switch (c.dtype) {
      case DT.FLOAT:
        v = [...(t.floatData ?? [])];
        break;
      case DT.DOUBLE:
        v = [...(t.doubleData ?? [])];
        break;
      case DT.INT64:
        v = (t.int64Data ?? []).map(long);
        break;
      default:
        v = (t.int32Data ?? []).map(long);
    }
  }
  if (v.length !== n) throw new ShapeError(`constant holds ${v.length} values for dims [${c.dims.join(', ')}]`);
  c.values = v;
  return v;
}

const constOf = (t: TensorProto): Const => ({
  dims: (t.dims ?? []).map(long),
  dtype: t.dataType ?? DT.FLOAT,
  proto: t,
});

function attrsOf(n: NodeProto): Record<string, onnxProto.onnx.IAttributeProto> {
  return Object.fromEntries((n.attribute ?? []).map((a) => [a.name ?? '', a]));
}
const attrInt = (a: Record<string, onnxProto.onnx.IAttributeProto>, k: string, d: number) => (a[k] ? long(a[k].i) : d);
const attrFloat = (a: Record<string, onnxProto.onnx.IAttributeProto>, k: string, d: number) =>
  a[k] ? Number(a[k].f) : d;
const attrInts = (a: Record<string, onnxProto.onnx.IAttributeProto>, k: string): number[] | undefined =>
  a[k] ? (a[k].ints ?? []).map(long) : undefined;
const attrStr = (a: Record<string, onnxProto.onnx.IAttributeProto>, k: string, d: string) =>
  a[k]?.s ? new TextDecoder().decode(a[k].s!) : d;

/** FLOPs per element of the element-wise ops without a netcost op of their own. */
const UNARY_FLOPS: Record<string, number> = {
  LeakyRelu: 2,
  HardSigmoid: 4,
  Clip: 2,
  Sqrt: 1,
  Exp: 1,
  Log: 1,
  Tanh: 1,
  Erf: 1,
  Abs: 1,
  Neg: 1,
  Reciprocal: 1,
  Floor: 1,
  Ceil: 1,
  Elu: 3,
  Selu: 4,
  Softplus: 3,
  Mish: 6,
  Gelu: 8,
  Cast: 0,
  Identity: 0,
  Dropout: 0,
};

/** Shape-arithmetic ops folded when every input is constant. */
const FOLDABLE = new Set([
  'Constant',
  'Shape',
  'Gather',
  'Cast',
  'Unsqueeze',
  'Squeeze',
  'Concat',
  'Slice',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Reshape',
  'Identity',
  'ConstantOfShape',
  'Range',
  'Equal',
  'Where',
  'ReduceProd',
  'Floor',
  'Ceil',
  'Sqrt',
  'Size',
  'Max',
  'Min',
  'Flatten',
  'Transpose',
  'Expand',
  'Neg',
]);

interface Built {
  op: OpKind;
  attrs: OpAttrs[OpKind];
  inputs: string[];
}

export function importOnnx(bytes: Uint8Array, opts: ImportOptions): ImportResult {
  const file = opts.file;
  const fail = (msg: string): never => {
    throw new ImportError(`${file}: ${msg}`);
  };
  let m: onnxProto.onnx.ModelProto;
  try {
    m = onnx.ModelProto.decode(bytes);
  } catch (e) {
    return fail(`not a readable ONNX model (${(e as Error).message}); check that the file is a complete .onnx export`);
  }
  const g = m.graph;
  if (!g?.node || g.node.length === 0)
    fail('not an ONNX model: it has no graph or no nodes; check that the file is a complete .onnx export');
  const opset = long((m.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 13) || 13;
  const warnings: string[] = [];
  const unknownOps: Record<string, number> = {};
  const tensors = new Map<string, TensorInfo>();
  const valueShapes = new Map<string, Shape>();
  for (const v of [...(g!.valueInfo ?? []), ...(g!.output ?? [])]) {
    const dims = v.type?.tensorType?.shape?.dim;
    if (dims?.every((d) => d.dimValue != null && long(d.dimValue) > 0))
      valueShapes.set(
        v.name ?? '',
        dims.map((d) => long(d.dimValue)),
      );
  }
  for (const t of g!.initializer ?? []) {
    const c = constOf(t);
    tensors.set(t.name ?? '', { shape: c.dims, const: c });
  }

  // graph inputs: shapes from the model, or from --input
  const inputs = (g!.input ?? []).filter((i) => !tensors.has(i.name ?? ''));
  if (inputs.length === 0) fail('the graph has no inputs');
  for (const i of inputs) {
    const name = i.name ?? '';
    const given = opts.inputs?.[name] ?? (inputs.length === 1 ? opts.inputs?.['*'] : undefined);
    const dims = i.type?.tensorType?.shape?.dim ?? [];
    if (given) {
      if (dims.length && given.length !== dims.length)
        fail(`input '${name}' has rank ${dims.length}; --input gave ${given.length} dimensions (${given.join('x')})`);
      dims.forEach((d, k) => {
        if (d.dimValue != null && long(d.dimValue) > 0 && long(d.dimValue) !== given[k])
          fail(`input '${name}' has dimension ${k} fixed to ${long(d.dimValue)}; --input gave ${given[k]}`);
      });
      tensors.set(name, { shape: [...given] });
      continue;
    }
    const shape = dims.map((d) => (d.dimValue != null && long(d.dimValue) > 0 ? long(d.dimValue) : NaN));
    if (dims.length === 0 || shape.some(Number.isNaN)) {
      const shown = dims
        .map((d) => (d.dimValue != null && long(d.dimValue) > 0 ? String(long(d.dimValue)) : d.dimParam || '?'))
        .join(' x ');
      fail(
        `input '${name}' has a symbolic or unknown dimension (${shown || 'no shape'}); give its shape with --input ${inputs.length > 1 ? `${name}=` : ''}NxCxHxW`,
      );
    }
    tensors.set(name, { shape });
  }

  // topological order (exporters usually emit one; verify it and report cycles and missing tensors)
  const nodes = g!.node!;
  const producers = new Map<string, number>();
  for (const [i, n] of nodes.entries()) for (const o of n.output ?? []) if (o) producers.set(o, i);
  const order: number[] = [];
  {
    const done = new Set<string>(tensors.keys());
    const pending = nodes.map((_, i) => i);
    while (pending.length) {
      const before = pending.length;
      for (let k = 0; k < pending.length; k++) {
        const n = nodes[pending[k]];
        if ((n.input ?? []).every((x) => !x || done.has(x))) {
          order.push(pending[k]);
          for (const o of n.output ?? []) done.add(o);
          pending.splice(k--, 1);
        }
      }
      if (pending.length === before) {
        const n = nodes[pending[0]];
        const missing = (n.input ?? []).find((x) => x && !done.has(x) && !producers.has(x));
        if (missing)
          fail(
            `node '${n.name || n.output?.[0] || n.opType}' (${n.opType}) reads '${missing}', which is neither a graph input, an initializer nor any node's output (a missing initializer?)`,
          );
        fail(
          `nodes ${pending
            .slice(0, 4)
            .map((i) => `'${nodes[i].name || nodes[i].output?.[0]}'`)
            .join(', ')}${pending.length > 4 ? ', ...' : ''} form a cycle; an ONNX graph must be acyclic`,
        );
      }
    }
  }

  const layers: Layer[] = [];
  let folded = 0;
  const nodeNames = assignNodeNames(nodes);

  for (const idx of order) {
    const n = nodes[idx];
    const opType = n.opType ?? '';
    const domain = n.domain ?? '';
    const ins = (n.input ?? []).map((x) => (x ? tensors.get(x)! : undefined));
    const outs = (n.output ?? []).filter((o) => o);
    const name = nodeNames[idx];
    const where = `node '${name}' (${opType})`;
    try {
      // constants and shape arithmetic fold away
      const allConst = ins.every((t) => !t || t.const);
      if (
        (domain === '' || domain === 'ai.onnx') &&
        (opType === 'Constant' ||
          opType === 'Shape' ||
          opType === 'Size' ||
          (allConst && FOLDABLE.has(opType) && ins.some((t) => t)))
      ) {
        const values = fold(opType, n, ins, opset);
        if (values) {
          values.forEach((c, k) => {
            if (outs[k]) tensors.set(outs[k], { shape: c.dims, const: c });
          });
          folded++;
          continue;
        }
      }
      const built = domain === '' || domain === 'ai.onnx' ? mapNode(opType, n, ins, opset) : undefined;
      if (!built) {
        unknownOps[domain ? `${domain}.${opType}` : opType] =
          (unknownOps[domain ? `${domain}.${opType}` : opType] ?? 0) + 1;
        const shapes = outs.map((o) => valueShapes.get(o));
        if (shapes.some((s) => !s))
          fail(
            `${where}: netcost has no rule for ${opType} and the model gives no shape for its output; add value_info shapes, or ask for ${opType} support`,
          );
        const inputsT = (n.input ?? []).filter((x) => x && !tensors.get(x)!.const);
        pushLayer(layers, name, 'unknown', { onnxOp: opType, outputShapes: shapes as Shape[] }, inputsT, outs, tensors);
        continue;
      }
      pushLayer(layers, name, built.op, built.attrs, built.inputs, outs, tensors);
    } catch (e) {
      if (e instanceof ShapeError) fail(`${where}: ${e.message}`);
      throw e;
    }
  }
  if (Object.keys(unknownOps).length) {
    const list = Object.entries(unknownOps)
      .map(([k, v]) => `${k} x${v}`)
      .join(', ');
    if (opts.strict) fail(`ops netcost has no cost rule for: ${list} (--strict); drop --strict to cost them as 0`);
    warnings.push(`no cost rule for ${list}: counted as 0 (use --strict to make this an error)`);
  }

  const meta = Object.fromEntries((m.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
  const ours = m.producerName === 'netcost';
  const lifted = ours ? liftNetcostGroups(layers) : layers;
  const outName = g!.output?.[0]?.name ?? '';
  const out = tensors.get(outName);
  if (!out) fail(`graph output '${outName}' is produced by no node`);
  const inName = inputs[0].name ?? '';
  return {
    graph: {
      model: meta['netcost.model'] || basename(file).replace(/\.onnx$/i, ''),
      file,
      view: (meta['netcost.view'] === 'deploy' ? 'deploy' : 'spec') as View,
      input: { name: inName, shape: tensors.get(inName)!.shape },
      output: { name: outName, shape: out!.shape },
      layers: lifted,
      groups: ours ? groupsOf(lifted) : [],
    },
    inputs: inputs.map((i) => ({ name: i.name ?? '', shape: tensors.get(i.name ?? '')!.shape })),
    warnings,
    unknownOps,
    folded,
    nodes: nodes.length,
  };
}

/**
 * A unique name per node, in file order: its own name, else its first output's, else op_index.
 * The importer names layers this way, and `withNodeNames` writes the same names into a model
 * before onnxruntime profiles it, so kernel times join layers by name.
 */
export function assignNodeNames(nodes: NodeProto[]): string[] {
  const seen = new Set<string>();
  return nodes.map((n, i) => {
    const base = (n.name || n.output?.find((o) => o) || `${n.opType}_${i}`).replace(/\s+/g, '_');
    let name = base;
    for (let k = 2; seen.has(name); k++) name = `${base}_${k}`;
    seen.add(name);
    return name;
  });
}

/** The model with every node named as the importer names it (for profiling). */
export function withNodeNames(bytes: Uint8Array): Uint8Array {
  const m = onnx.ModelProto.decode(bytes);
  const nodes = m.graph?.node ?? [];
  const names = assignNodeNames(nodes);
  nodes.forEach((n, i) => {
    n.name = names[i];
  });
  return onnx.ModelProto.encode(m).finish();
}

function pushLayer(
  layers: Layer[],
  name: string,
  op: OpKind,
  attrs: OpAttrs[OpKind],
  inputs: string[],
  outs: string[],
  tensors: Map<string, TensorInfo>,
): void {
  const inputShapes = inputs.map((t) => tensors.get(t)!.shape);
  const shapes = inferShapes(op, attrs, inputShapes);
  if (shapes.length < outs.length)
    throw new ShapeError(`gives ${shapes.length} outputs, the model names ${outs.length}`);
  for (const [k, o] of outs.entries()) tensors.set(o, { shape: shapes[k] });
  layers.push({
    name,
    op,
    attrs,
    inputs,
    outputs: outs,
    inputShapes,
    outputShapes: shapes.slice(0, outs.length),
  } as Layer);
}

const pair = (v: number[] | undefined, d: number): Pair => (v && v.length >= 2 ? [v[0], v[1]] : [d, d]);

/** 2-D window geometry of Conv/Pool nodes, auto_pad included. */
function windowAttrs(
  a: ReturnType<typeof attrsOf>,
  x: Shape,
  kernel: Pair,
): { stride: Pair; padding: Pair; padEnd?: Pair; dilation: Pair } {
  const stride = pair(attrInts(a, 'strides'), 1);
  const dilation = pair(attrInts(a, 'dilations'), 1);
  const auto = attrStr(a, 'auto_pad', 'NOTSET');
  let pads = attrInts(a, 'pads') ?? [0, 0, 0, 0];
  if (auto === 'SAME_UPPER' || auto === 'SAME_LOWER') {
    const p: number[] = [];
    for (let i = 0; i < 2; i++) {
      const inp = x[2 + i];
      const out = Math.ceil(inp / stride[i]);
      const total = Math.max(0, (out - 1) * stride[i] + dilation[i] * (kernel[i] - 1) + 1 - inp);
      p.push(total);
    }
    const lo = p.map((t) => (auto === 'SAME_UPPER' ? Math.floor(t / 2) : Math.ceil(t / 2)));
    pads = [lo[0], lo[1], p[0] - lo[0], p[1] - lo[1]];
  } else if (auto === 'VALID') pads = [0, 0, 0, 0];
  if (pads.length !== 4) throw new ShapeError(`pads [${pads.join(', ')}] are not 2-D`);
  const padding: Pair = [pads[0], pads[1]];
  const end: Pair = [pads[2], pads[3]];
  return { stride, dilation, padding, ...(end[0] !== padding[0] || end[1] !== padding[1] ? { padEnd: end } : {}) };
}

const ACT: Record<string, 'relu' | 'sigmoid' | 'hardswish'> = {
  Relu: 'relu',
  Sigmoid: 'sigmoid',
  HardSwish: 'hardswish',
};

/** Map one ONNX node to a netcost op; undefined when netcost has no rule for it. */
function mapNode(opType: string, n: NodeProto, ins: (TensorInfo | undefined)[], opset: number): Built | undefined {
  const a = attrsOf(n);
  const names = n.input ?? [];
  const data = (k: number) => names[k];
  const dyn = names.filter((x, k) => x && ins[k] && !ins[k]!.const);
  const constAt = (k: number) => ins[k]?.const;
  const need = (k: number, what: string) => {
    const c = constAt(k);
    if (!c) throw new ShapeError(`${what} must be a constant (initializer or Constant node)`);
    return c;
  };
  const x = ins[0]?.shape;
  switch (opType) {
    case 'Conv':
    case 'ConvTranspose': {
      const w = need(1, 'the weight').dims;
      if (w.length < 3)
        throw new ShapeError(`the weight has shape [${w.join(', ')}]; a convolution weight has rank 3 or more`);
      if (w.length !== 4) return undefined; // 1-D and 3-D convolutions: no rule yet
      if (x?.length !== 4)
        throw new ShapeError(`the input has shape [${(x ?? []).join(', ')}]; a 2-D convolution takes an NxCxHxW input`);
      const kernel: Pair = [w[2], w[3]];
      const groups = attrInt(a, 'group', 1);
      const geo = windowAttrs(a, x, kernel);
      const bias = !!names[2];
      if (opType === 'Conv')
        return { op: 'conv', attrs: { outChannels: w[0], kernel, groups, bias, ...geo }, inputs: [data(0)] };
      return {
        op: 'convtranspose',
        attrs: {
          outChannels: w[1] * groups,
          kernel,
          groups,
          bias,
          ...geo,
          outputPadding: pair(attrInts(a, 'output_padding'), 0),
        },
        inputs: [data(0)],
      };
    }
    case 'BatchNormalization':
      return { op: 'bn', attrs: {}, inputs: [data(0)] };
    case 'Relu':
    case 'Sigmoid':
    case 'HardSwish':
      return { op: ACT[opType], attrs: {}, inputs: [data(0)] };
    case 'Clip': {
      const lo =
        opset >= 11 ? (names[1] ? decodeValues(need(1, 'min'))[0] : -Infinity) : attrFloat(a, 'min', -Infinity);
      const hi = opset >= 11 ? (names[2] ? decodeValues(need(2, 'max'))[0] : Infinity) : attrFloat(a, 'max', Infinity);
      if (lo === 0 && hi === 6) return { op: 'relu6', attrs: {}, inputs: [data(0)] };
      return { op: 'unary', attrs: { fn: 'clip', onnxOp: 'Clip', flopsPerElement: 2 }, inputs: [data(0)] };
    }
    case 'MaxPool':
    case 'AveragePool': {
      if (x?.length !== 4) return undefined;
      const kernel = pair(attrInts(a, 'kernel_shape'), 1);
      const geo = windowAttrs(a, x, kernel);
      return {
        op: opType === 'MaxPool' ? 'maxpool' : 'avgpool',
        attrs: {
          kernel,
          stride: geo.stride,
          padding: geo.padding,
          ...(geo.padEnd ? { padEnd: geo.padEnd } : {}),
          ceilMode: attrInt(a, 'ceil_mode', 0) === 1,
          ...(opType === 'AveragePool' ? { countIncludePad: attrInt(a, 'count_include_pad', 0) === 1 } : {}),
        },
        inputs: [data(0)],
      };
    }
    case 'GlobalAveragePool':
      return x?.length === 4
        ? { op: 'gap', attrs: {}, inputs: [data(0)] }
        : {
            op: 'reduce',
            attrs: { fn: 'mean', axes: x!.slice(2).map((_, i) => i + 2), keepdims: true },
            inputs: [data(0)],
          };
    case 'GlobalMaxPool':
      return {
        op: 'reduce',
        attrs: { fn: 'max', axes: x!.slice(2).map((_, i) => i + 2), keepdims: true },
        inputs: [data(0)],
      };
    case 'Gemm': {
      const b = constAt(1);
      if (b && b.dims.length !== 2) throw new ShapeError(`B has shape [${b.dims.join(', ')}]; Gemm needs a 2-D B`);
      if (x && x.length !== 2)
        throw new ShapeError(`A has shape [${x.join(', ')}]; Gemm needs a 2-D A (flatten first)`);
      if (b && x?.length === 2 && attrInt(a, 'transA', 0) === 0) {
        const transB = attrInt(a, 'transB', 0) === 1;
        return {
          op: 'linear',
          attrs: { outFeatures: transB ? b.dims[0] : b.dims[1], bias: !!names[2] },
          inputs: [data(0)],
        };
      }
      return undefined;
    }
    case 'MatMul': {
      const b = constAt(1);
      return b
        ? { op: 'matmul', attrs: { bShape: b.dims }, inputs: [data(0)] }
        : { op: 'matmul', attrs: {}, inputs: dyn };
    }
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div':
    case 'Pow':
    case 'Max':
    case 'Min':
    case 'Sum': {
      const constShapes = names
        .map((nm, k) => (nm && ins[k]?.const ? ins[k]!.const!.dims : undefined))
        .filter((s): s is number[] => !!s);
      const shapes = dyn.map((_, k) => ins[names.indexOf(dyn[k])]!.shape);
      if (
        (opType === 'Add' || opType === 'Sum') &&
        constShapes.length === 0 &&
        dyn.length >= 2 &&
        shapes.every((s) => s.join() === shapes[0].join())
      ) {
        return { op: 'add', attrs: {}, inputs: dyn };
      }
      const fn = (opType === 'Sum' ? 'add' : opType.toLowerCase()) as OpAttrs['eltwise']['fn'];
      broadcast([...shapes, ...constShapes]);
      return { op: 'eltwise', attrs: { fn, constShapes }, inputs: dyn };
    }
    case 'LeakyRelu':
    case 'HardSigmoid':
    case 'Sqrt':
    case 'Exp':
    case 'Log':
    case 'Tanh':
    case 'Erf':
    case 'Abs':
    case 'Neg':
    case 'Reciprocal':
    case 'Floor':
    case 'Ceil':
    case 'Elu':
    case 'Selu':
    case 'Softplus':
    case 'Mish':
    case 'Gelu':
    case 'Cast':
    case 'Identity':
    case 'Dropout':
      return {
        op: 'unary',
        attrs: { fn: opType.toLowerCase(), onnxOp: opType, flopsPerElement: UNARY_FLOPS[opType] },
        inputs: [data(0)],
      };
    case 'Softmax':
    case 'LogSoftmax':
      return { op: 'softmax', attrs: { axis: attrInt(a, 'axis', opset >= 13 ? -1 : 1) }, inputs: [data(0)] };
    case 'ReduceMean':
    case 'ReduceSum':
    case 'ReduceMax':
    case 'ReduceMin': {
      const axes = names[1] && constAt(1) ? decodeValues(constAt(1)!) : (attrInts(a, 'axes') ?? []);
      return {
        op: 'reduce',
        attrs: { fn: opType.slice(6).toLowerCase() as 'mean', axes, keepdims: attrInt(a, 'keepdims', 1) === 1 },
        inputs: [data(0)],
      };
    }
    case 'Transpose':
      return { op: 'transpose', attrs: { perm: attrInts(a, 'perm') ?? [] }, inputs: [data(0)] };
    case 'Flatten': {
      if (attrInt(a, 'axis', 1) === 1 && (x?.length ?? 0) >= 2) return { op: 'flatten', attrs: {}, inputs: [data(0)] };
      const ax = normAxis(attrInt(a, 'axis', 1), x!.length || 1);
      return {
        op: 'reshape',
        attrs: { shape: [numel(x!.slice(0, ax)), numel(x!.slice(ax))], onnxOp: 'Flatten' },
        inputs: [data(0)],
      };
    }
    case 'Reshape':
      return {
        op: 'reshape',
        attrs: {
          shape: reshapeTarget(x!, decodeValues(need(1, 'the target shape')), attrInt(a, 'allowzero', 0) === 1),
          onnxOp: 'Reshape',
        },
        inputs: [data(0)],
      };
    case 'Squeeze':
    case 'Unsqueeze': {
      const axes = names[1] ? decodeValues(need(1, 'axes')) : (attrInts(a, 'axes') ?? []);
      return {
        op: 'reshape',
        attrs: { shape: opType === 'Squeeze' ? squeezeShape(x!, axes) : unsqueezeShape(x!, axes), onnxOp: opType },
        inputs: [data(0)],
      };
    }
    case 'Concat':
      return { op: 'concat', attrs: { axis: attrInt(a, 'axis', 1) }, inputs: dyn };
    case 'Split': {
      const axis = normAxis(attrInt(a, 'axis', 0), x!.length);
      const outs = (n.output ?? []).length;
      let sizes = names[1] && constAt(1) ? decodeValues(constAt(1)!) : attrInts(a, 'split');
      if (!sizes || sizes.length === 0) {
        const per = Math.ceil(x![axis] / outs);
        sizes = Array.from({ length: outs }, (_, i) => Math.max(0, Math.min(per, x![axis] - i * per)));
      }
      return { op: 'split', attrs: { sizes, axis }, inputs: [data(0)] };
    }
    case 'Slice': {
      let starts: number[], ends: number[], axes: number[] | undefined, steps: number[] | undefined;
      if (opset >= 10) {
        starts = decodeValues(need(1, 'starts'));
        ends = decodeValues(need(2, 'ends'));
        axes = names[3] ? decodeValues(need(3, 'axes')) : undefined;
        steps = names[4] ? decodeValues(need(4, 'steps')) : undefined;
      } else {
        starts = attrInts(a, 'starts') ?? [];
        ends = attrInts(a, 'ends') ?? [];
        axes = attrInts(a, 'axes');
      }
      const ax = axes ?? starts.map((_, i) => i);
      return {
        op: 'slice',
        attrs: { starts, ends: ends.map((e) => Math.min(e, 2 ** 53)), axes: ax, steps: steps ?? ax.map(() => 1) },
        inputs: [data(0)],
      };
    }
    case 'Pad': {
      const pads = opset >= 11 ? decodeValues(need(1, 'pads')) : (attrInts(a, 'pads') ?? []);
      return { op: 'pad', attrs: { pads, mode: attrStr(a, 'mode', 'constant') }, inputs: [data(0)] };
    }
    case 'Resize':
    case 'Upsample': {
      const mode = attrStr(a, 'mode', 'nearest');
      let outShape: number[] | undefined;
      const sizesIdx = opType === 'Resize' && opset >= 11 ? 3 : -1;
      const scalesIdx = opType === 'Resize' ? (opset >= 11 ? 2 : 1) : 1;
      if (sizesIdx > 0 && names[sizesIdx] && constAt(sizesIdx) && numel(constAt(sizesIdx)!.dims) > 0)
        outShape = decodeValues(constAt(sizesIdx)!);
      else if (names[scalesIdx] && constAt(scalesIdx)) {
        const scales = decodeValues(constAt(scalesIdx)!);
        outShape = x!.map((d, i) => Math.floor(d * (scales[i] ?? 1)));
      } else if (attrInts(a, 'scales')) outShape = x!;
      if (!outShape) throw new ShapeError('the output size must come from constant scales or sizes');
      return { op: 'resize', attrs: { outShape, mode: mode === 'bilinear' ? 'linear' : mode }, inputs: [data(0)] };
    }
    default:
      return undefined;
  }
}

function reshapeTarget(x: Shape, target: number[], allowZero: boolean): number[] {
  const out = target.map((d, i) => (d === 0 && !allowZero ? x[i] : d));
  const minus = out.indexOf(-1);
  if (minus >= 0) {
    const rest = numel(out.filter((_, i) => i !== minus));
    if (rest === 0 || numel(x) % rest !== 0)
      throw new ShapeError(`cannot reshape [${x.join(', ')}] to [${target.join(', ')}]`);
    out[minus] = numel(x) / rest;
  }
  if (numel(out) !== numel(x))
    throw new ShapeError(`cannot reshape [${x.join(', ')}] (${numel(x)} elements) to [${target.join(', ')}]`);
  return out;
}
function squeezeShape(x: Shape, axes: number[]): number[] {
  const ax = new Set(
    (axes.length ? axes : x.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)).map((a) => normAxis(a, x.length)),
  );
  return x.filter((_, i) => !ax.has(i));
}
function unsqueezeShape(x: Shape, axes: number[]): number[] {
  const rank = x.length + axes.length;
  const ax = new Set(axes.map((a) => normAxis(a, rank)));
  const out: number[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) out.push(ax.has(i) ? 1 : x[k++]);
  return out;
}

// ---- constant folding -------------------------------------------------------------------------

const mk = (dims: number[], values: number[], dtype: number = DT.INT64): Const => ({ dims, dtype, values });

function fold(opType: string, n: NodeProto, ins: (TensorInfo | undefined)[], opset: number): Const[] | undefined {
  const a = attrsOf(n);
  const v = (k: number) => decodeValues(ins[k]!.const!);
  const d = (k: number) => ins[k]!.const!.dims;
  switch (opType) {
    case 'Constant': {
      if (a.value?.t) return [constOf(a.value.t)];
      if (a.value_float) return [mk([], [Number(a.value_float.f)], DT.FLOAT)];
      if (a.value_floats)
        return [mk([(a.value_floats.floats ?? []).length], [...(a.value_floats.floats ?? [])], DT.FLOAT)];
      if (a.value_int) return [mk([], [long(a.value_int.i)])];
      if (a.value_ints) return [mk([(a.value_ints.ints ?? []).length], (a.value_ints.ints ?? []).map(long))];
      throw new ShapeError('Constant without a value');
    }
    case 'Shape': {
      const s = ins[0]!.shape;
      const start = attrInt(a, 'start', 0),
        end = attrInt(a, 'end', s.length);
      const sl = s.slice(start < 0 ? start + s.length : start, end < 0 ? end + s.length : end);
      return [mk([sl.length], sl)];
    }
    case 'Size':
      return [mk([], [numel(ins[0]!.shape)])];
    case 'Identity':
      return [ins[0]!.const!];
    case 'Cast': {
      const to = attrInt(a, 'to', DT.FLOAT);
      const vals = v(0);
      const intTypes: number[] = [DT.INT64, DT.INT32, DT.INT8, DT.INT16, DT.UINT8];
      return [mk(d(0), intTypes.includes(to) ? vals.map(Math.trunc) : vals, to)];
    }
    case 'Gather': {
      const data = v(0),
        idx = v(1),
        dims = d(0);
      const axis = normAxis(attrInt(a, 'axis', 0), dims.length || 1);
      if (dims.length !== 1 || axis !== 0) return undefined;
      return [
        mk(
          d(1),
          idx.map((i) => data[i < 0 ? i + dims[0] : i]),
          ins[0]!.const!.dtype,
        ),
      ];
    }
    case 'Unsqueeze':
    case 'Squeeze': {
      const axes = opset >= 13 && n.input?.[1] ? v(1) : (attrInts(a, 'axes') ?? []);
      const dims = opType === 'Unsqueeze' ? unsqueezeShape(d(0), axes) : squeezeShape(d(0), axes);
      return [mk(dims, v(0), ins[0]!.const!.dtype)];
    }
    case 'Concat': {
      const parts = ins.filter((t): t is TensorInfo => !!t);
      if (parts.some((t) => t.const!.dims.length > 1)) return undefined;
      const vals = parts.flatMap((t) => decodeValues(t.const!));
      return [mk([vals.length], vals, parts[0].const!.dtype)];
    }
    case 'Slice': {
      if (d(0).length !== 1) return undefined;
      const starts = opset >= 10 ? v(1) : (attrInts(a, 'starts') ?? []);
      const ends = opset >= 10 ? v(2) : (attrInts(a, 'ends') ?? []);
      const steps = opset >= 10 && n.input?.[4] ? v(4) : [1];
      const [len] = sliceShape(d(0), { starts, ends, axes: [0], steps });
      const vals = v(0);
      const s0 = starts[0] < 0 ? Math.max(0, starts[0] + vals.length) : Math.min(starts[0], vals.length);
      const out = Array.from({ length: len }, (_, i) => vals[s0 + i * steps[0]]);
      return [mk([len], out, ins[0]!.const!.dtype)];
    }
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div':
    case 'Max':
    case 'Min':
    case 'Equal': {
      const [x, y] = [v(0), v(1)];
      if (x.length > 1024 || y.length > 1024) return undefined; // weights arithmetic is not shape arithmetic
      const dims = broadcast([d(0), d(1)]);
      const len = numel(dims);
      if (!(x.length === len || x.length === 1) || !(y.length === len || y.length === 1)) return undefined;
      const intDiv = ins[0]!.const!.dtype === DT.INT64 || ins[0]!.const!.dtype === DT.INT32;
      const f = {
        Add: (p: number, q: number) => p + q,
        Sub: (p: number, q: number) => p - q,
        Mul: (p: number, q: number) => p * q,
        Div: (p: number, q: number) => (intDiv ? Math.trunc(p / q) : p / q),
        Max: Math.max,
        Min: Math.min,
        Equal: (p: number, q: number) => (p === q ? 1 : 0),
      }[opType]!;
      return [
        mk(
          dims,
          Array.from({ length: len }, (_, i) => f(x[x.length === 1 ? 0 : i], y[y.length === 1 ? 0 : i])),
          opType === 'Equal' ? DT.BOOL : ins[0]!.const!.dtype,
        ),
      ];
    }
    case 'Reshape': {
      const target = reshapeTarget(d(0), v(1), attrInt(a, 'allowzero', 0) === 1);
      const c = ins[0]!.const!;
      return [{ ...c, dims: target }];
    }
    case 'Flatten': {
      const dims = d(0);
      const ax = normAxis(attrInt(a, 'axis', 1), dims.length || 1);
      return [{ ...ins[0]!.const!, dims: [numel(dims.slice(0, ax)), numel(dims.slice(ax))] }];
    }
    case 'ConstantOfShape': {
      const dims = v(0);
      const val = a.value?.t ? decodeValues(constOf(a.value.t))[0] : 0;
      if (numel(dims) > 1 << 20) return undefined;
      return [mk(dims, new Array(numel(dims)).fill(val), a.value?.t?.dataType ?? DT.FLOAT)];
    }
    case 'Range': {
      const [s, l, dl] = [v(0)[0], v(1)[0], v(2)[0]];
      const len = Math.max(0, Math.ceil((l - s) / dl));
      return [
        mk(
          [len],
          Array.from({ length: len }, (_, i) => s + i * dl),
          ins[0]!.const!.dtype,
        ),
      ];
    }
    case 'ReduceProd':
      return [mk([], [v(0).reduce((p, q) => p * q, 1)])];
    case 'Where': {
      const [c, x, y] = [v(0), v(1), v(2)];
      const dims = broadcast([d(0), d(1), d(2)]);
      const len = numel(dims);
      if (len > 1024) return undefined;
      const at = (arr: number[], i: number) => arr[arr.length === 1 ? 0 : i];
      return [
        mk(
          dims,
          Array.from({ length: len }, (_, i) => (at(c, i) ? at(x, i) : at(y, i))),
          ins[1]!.const!.dtype,
        ),
      ];
    }
    case 'Floor':
    case 'Ceil':
    case 'Sqrt':
    case 'Neg': {
      const f = { Floor: Math.floor, Ceil: Math.ceil, Sqrt: Math.sqrt, Neg: (p: number) => -p }[opType]!;
      if (numel(d(0)) > 1024) return undefined;
      return [mk(d(0), v(0).map(f), ins[0]!.const!.dtype)];
    }
    case 'Expand': {
      const dims = broadcast([d(0), v(1)]);
      if (numel(dims) > 1024 || numel(d(0)) !== 1) return undefined;
      return [mk(dims, new Array(numel(dims)).fill(v(0)[0]), ins[0]!.const!.dtype)];
    }
    default:
      return undefined;
  }
}

// ---- netcost's own exports: lift helper nodes back into their layers ---------------------------

function liftNetcostGroups(layers: Layer[]): Layer[] {
  const out: Layer[] = [];
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i];
    // shuffle: <name>#split (Reshape 5-D), <name> (Transpose), <name>#merge (Reshape)
    if (l.op === 'reshape' && l.name.endsWith('#split')) {
      const base = l.name.slice(0, -'#split'.length);
      const t = layers[i + 1],
        r = layers[i + 2];
      if (t?.name === base && t.op === 'transpose' && r?.name === `${base}#merge` && l.outputShapes[0].length === 5) {
        out.push({
          name: base,
          op: 'shuffle',
          attrs: { groups: l.outputShapes[0][1] },
          inputs: l.inputs,
          outputs: r.outputs,
          inputShapes: l.inputShapes,
          outputShapes: r.outputShapes,
        });
        i += 2;
        continue;
      }
    }
    // deploy view: Conv <name> followed by its activation <name>#<act>
    const next = layers[i + 1];
    if (
      l.op === 'conv' &&
      next &&
      next.name.startsWith(`${l.name}#`) &&
      (next.op === 'relu' || next.op === 'relu6' || next.op === 'sigmoid' || next.op === 'hardswish')
    ) {
      out.push({
        ...l,
        attrs: { ...l.attrs, act: next.op },
        outputs: next.outputs,
        outputShapes: next.outputShapes,
      } as Layer);
      i += 1;
      continue;
    }
    out.push(l);
  }
  return out;
}

/** Groups from dotted layer names; a group of a conv with its BN and activation is kind 'conv'. */
function groupsOf(layers: Layer[]): Group[] {
  const children = new Map<string, string[]>();
  for (const l of layers) {
    const parts = l.name.split('.');
    for (let k = 1; k < parts.length; k++) {
      const g = parts.slice(0, k).join('.');
      if (!children.has(g)) children.set(g, []);
      if (k === parts.length - 1) children.get(g)!.push(parts[k]);
    }
  }
  return [...children].map(([name, kids]) => ({
    name,
    kind:
      kids.length > 0 &&
      kids[0] === 'conv' &&
      kids.every((k) => ['conv', 'bn', 'relu', 'relu6', 'sigmoid', 'hardswish'].includes(k))
        ? 'conv'
        : 'group',
  }));
}
