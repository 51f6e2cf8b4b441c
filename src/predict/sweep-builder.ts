/**
 * A small ONNX builder for calibration models: a chain of ops with the shapes each produces, and
 * seeded pseudo-random weights. Only what the sweep (sweep.ts) builds: convolutions, pooling,
 * GEMMs and attention's batched MatMuls, element-wise ops, layer norm, Softmax, GELU (as torch
 * exports it) and data movement.
 */
import onnxProto from 'onnx-proto';
import { IR_VERSION, OPSET } from '../onnx/metadata.ts';
import { encodeModel } from '../onnx/model-proto.ts';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;
const A = onnx.AttributeProto.AttributeType;

type Attr = number | number[] | string | { f: number };
const attribute = (name: string, v: Attr): onnxProto.onnx.IAttributeProto =>
  typeof v === 'number'
    ? { name, type: A.INT, i: v }
    : typeof v === 'string'
      ? { name, type: A.STRING, s: new TextEncoder().encode(v) }
      : Array.isArray(v)
        ? { name, type: A.INTS, ints: v }
        : { name, type: A.FLOAT, f: v.f };

export interface SweepModel {
  name: string;
  bytes: Uint8Array;
  input: { name: string; shape: number[] };
}

const numel = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** A tensor of the chain: its name and shape. */
export interface T {
  name: string;
  shape: number[];
}

const asInput = (t: onnxProto.onnx.ITensorProto) => ({
  name: t.name,
  type: { tensorType: { elemType: t.dataType, shape: { dim: (t.dims ?? []).map((d) => ({ dimValue: d })) } } },
});

export class Builder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly inits: onnxProto.onnx.ITensorProto[] = [];
  private n = 0;
  private seed = 1;
  /**
   * Name the float initializers among the graph's inputs too, as older exporters did: onnxruntime
   * then treats them as values a caller may override and runs plain convolutions on them.
   */
  overridable = false;
  readonly input: T;
  constructor(
    readonly name: string,
    shape: number[],
  ) {
    this.input = { name: 'x', shape };
  }

  private id(op: string): string {
    return `${op.toLowerCase()}${++this.n}`;
  }

  /** seeded values in [-a, a) */
  weight(dims: number[], fanIn: number): string {
    const name = `w${++this.n}`;
    const a = Math.sqrt(3 / Math.max(1, fanIn));
    const data = new Float32Array(numel(dims));
    for (let i = 0; i < data.length; i++) {
      this.seed = (Math.imul(this.seed, 1103515245) + 12345) >>> 0;
      data[i] = ((this.seed / 2 ** 32) * 2 - 1) * a;
    }
    this.inits.push({ name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer) });
    return name;
  }

  /** bytes of the initializers so far */
  get initBytes(): number {
    return this.inits.reduce((a, t) => a + (t.rawData?.length ?? 0), 0);
  }

  /** a weight of zeros (cheap to make at any size: a kernel reads zeros as fast as anything) */
  zeros(dims: number[]): string {
    const name = `z${++this.n}`;
    this.inits.push({ name, dims, dataType: FLOAT, rawData: new Uint8Array(4 * numel(dims)) });
    return name;
  }

  scalar(v: number): string {
    const name = `c${++this.n}`;
    this.inits.push({ name, dims: [], dataType: FLOAT, rawData: new Uint8Array(new Float32Array([v]).buffer) });
    return name;
  }

  ints(values: number[]): string {
    const name = `i${++this.n}`;
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.inits.push({ name, dims: [values.length], dataType: INT64, rawData: new Uint8Array(data.buffer) });
    return name;
  }

  /** one node; returns its output with the given shape */
  op(op: string, inputs: string[], shape: number[], attrs: Record<string, Attr> = {}): T {
    const out = this.id(op);
    this.nodes.push({
      opType: op,
      name: out,
      input: inputs,
      output: [out],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return { name: out, shape };
  }

  conv(x: T, out: number, k: number, o: { stride?: number; groups?: number; act?: string; dilation?: number } = {}): T {
    const [n, c, h, w] = x.shape;
    const s = o.stride ?? 1;
    const g = o.groups ?? 1;
    const d = o.dilation ?? 1;
    // 'same' padding for the dilated window (d·(k-1)+1 wide)
    const span = d * (k - 1) + 1;
    const p = Math.floor(span / 2);
    const shape = [n, out, Math.floor((h + 2 * p - span) / s) + 1, Math.floor((w + 2 * p - span) / s) + 1];
    const wt = this.weight([out, c / g, k, k], (c / g) * k * k);
    const b = this.weight([out], 1);
    const y = this.op('Conv', [x.name, wt, b], shape, {
      kernel_shape: [k, k],
      strides: [s, s],
      pads: [p, p, p, p],
      group: g,
      ...(d > 1 ? { dilations: [d, d] } : {}),
    });
    return o.act ? this.op(o.act, [y.name], shape) : y;
  }

  depthwise(x: T, k: number, stride = 1, act?: string): T {
    return this.conv(x, x.shape[1], k, { stride, groups: x.shape[1], act });
  }

  pool(x: T, op: 'MaxPool' | 'AveragePool', k: number, s: number): T {
    const [n, c, h, w] = x.shape;
    const p = Math.floor(k / 2);
    const shape = [n, c, Math.floor((h + 2 * p - k) / s) + 1, Math.floor((w + 2 * p - k) / s) + 1];
    return this.op(op, [x.name], shape, { kernel_shape: [k, k], strides: [s, s], pads: [p, p, p, p] });
  }

  /** x [.., K] times a [K, N] weight (of zeros with `zeros`), plus a bias (a Gemm) unless `bias` is false */
  linear(x: T, nOut: number, bias = true, zeros = false): T {
    const k = x.shape[x.shape.length - 1];
    const shape = [...x.shape.slice(0, -1), nOut];
    const w = zeros ? this.zeros([k, nOut]) : this.weight([k, nOut], k);
    const y = this.op('MatMul', [x.name, w], shape);
    return bias ? this.op('Add', [y.name, this.weight([nOut], 1)], shape) : y;
  }

  matmul(a: T, b: T): T {
    return this.op('MatMul', [a.name, b.name], [...a.shape.slice(0, -1), b.shape[b.shape.length - 1]]);
  }

  transpose(x: T, perm: number[]): T {
    return this.op(
      'Transpose',
      [x.name],
      perm.map((p) => x.shape[p]),
      { perm },
    );
  }

  reshape(x: T, shape: number[]): T {
    return this.op('Reshape', [x.name, this.ints(shape)], shape);
  }

  unary(op: string, x: T, attrs: Record<string, Attr> = {}): T {
    return this.op(op, [x.name], x.shape, attrs);
  }

  binary(op: string, a: T, b: T | string): T {
    return this.op(op, [a.name, typeof b === 'string' ? b : b.name], a.shape);
  }

  layerNorm(x: T): T {
    const d = x.shape[x.shape.length - 1];
    return this.op('LayerNormalization', [x.name, this.weight([d], 1), this.weight([d], 1)], x.shape, { axis: -1 });
  }

  /** GELU as torch exports it (x/sqrt2 -> Erf -> +1 -> times x -> times 1/2): onnxruntime's Gelu */
  gelu(x: T): T {
    const d = this.binary('Div', x, this.scalar(Math.SQRT2));
    const e = this.unary('Erf', d);
    const a = this.binary('Add', e, this.scalar(1));
    const m = this.binary('Mul', x, a);
    return this.binary('Mul', m, this.scalar(0.5));
  }

  concat(xs: T[], axis: number): T {
    const shape = [...xs[0].shape];
    shape[axis] = xs.reduce((a, x) => a + x.shape[axis], 0);
    return this.op(
      'Concat',
      xs.map((x) => x.name),
      shape,
      { axis },
    );
  }

  slice(x: T, axis: number, start: number, end: number): T {
    const shape = [...x.shape];
    shape[axis] = end - start;
    return this.op('Slice', [x.name, this.ints([start]), this.ints([end]), this.ints([axis])], shape);
  }

  reduceMean(x: T, axes: number[]): T {
    const shape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    return this.op('ReduceMean', [x.name], shape, { axes, keepdims: 1 });
  }

  resize(x: T, factor: number, mode: 'nearest' | 'linear' = 'nearest'): T {
    const [n, c, h, w] = x.shape;
    const attrs: Record<string, Attr> =
      mode === 'nearest'
        ? { mode, coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }
        : { mode, coordinate_transformation_mode: 'half_pixel' };
    return this.op('Resize', [x.name, '', this.floats([1, 1, factor, factor])], [n, c, h * factor, w * factor], attrs);
  }

  floats(values: number[]): string {
    const name = `f${++this.n}`;
    this.inits.push({
      name,
      dims: [values.length],
      dataType: FLOAT,
      rawData: new Uint8Array(new Float32Array(values).buffer),
    });
    return name;
  }

  /** the model, with `outputs` as its graph outputs */
  build(...outputs: T[]): SweepModel {
    const vi = (t: T) => ({
      name: t.name,
      type: { tensorType: { elemType: FLOAT, shape: { dim: t.shape.map((d) => ({ dimValue: d })) } } },
    });
    const bytes = encodeModel({
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET }],
      producerName: 'netcost-calibration',
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.inits,
        input: [
          vi(this.input),
          ...(this.overridable ? this.inits.filter((t) => t.dataType === FLOAT) : []).map(asInput),
        ],
        output: outputs.map(vi),
      },
    });
    return { name: this.name, bytes, input: { name: this.input.name, shape: this.input.shape } };
  }
}
