/**
 * Costs written into an ONNX file for graph viewers: each node's doc_string (Netron shows it as
 * the node's description) and, where the file's IR version has them (10 and later), the node's
 * metadata_props; the totals as model metadata. The file is rewritten at the protobuf wire level:
 * every byte of the graph, the weights and any field netcost does not know is kept as it was, so
 * onnxruntime computes bit-identical outputs.
 */

import type { CostReport, LayerCost } from '../cost/analyze.ts';
import { ownerOf } from '../graph/names.ts';
import { ShapeError } from '../ops/op.ts';
import type { PredictedReport } from '../predict/attach.ts';
import { assignNodeNames } from './node-names.ts';
import { onnx } from './proto.ts';

// ---- the protobuf wire format: just enough to copy messages and append fields -----------------

interface Field {
  field: number;
  wire: number;
  /** the whole field, tag included */
  start: number;
  end: number;
  /** a length-delimited field's payload */
  body?: [number, number];
}

function varint(buf: Uint8Array, at: number): [number, number] {
  let v = 0;
  let scale = 1;
  for (let i = at; i < buf.length && i < at + 10; i++) {
    v += (buf[i] & 0x7f) * scale;
    scale *= 128;
    if (!(buf[i] & 0x80)) return [v, i + 1];
  }
  throw new ShapeError('a truncated varint: not a readable ONNX model');
}

/** The fields of a message, in order. */
export function fields(buf: Uint8Array, start = 0, end = buf.length): Field[] {
  const out: Field[] = [];
  let at = start;
  while (at < end) {
    const [tag, p] = varint(buf, at);
    const f: Field = { field: Math.floor(tag / 8), wire: tag % 8, start: at, end: p };
    if (f.wire === 0) f.end = varint(buf, p)[1];
    else if (f.wire === 1) f.end = p + 8;
    else if (f.wire === 5) f.end = p + 4;
    else if (f.wire === 2) {
      const [len, q] = varint(buf, p);
      f.body = [q, q + len];
      f.end = q + len;
    } else throw new ShapeError(`wire type ${f.wire} at byte ${at}: not a readable ONNX model`);
    if (f.end > end) throw new ShapeError('a field runs past its message: not a readable ONNX model');
    out.push(f);
    at = f.end;
  }
  return out;
}

const encodeVarint = (n: number): number[] => {
  const out: number[] = [];
  let v = n;
  while (v >= 128) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
};
const enc = new TextEncoder();
const dec = new TextDecoder();
const lengthDelimited = (field: number, payload: Uint8Array): Uint8Array =>
  concat([Uint8Array.from([...encodeVarint(field * 8 + 2), ...encodeVarint(payload.length)]), payload]);
const stringEntry = (field: number, key: string, value: string) =>
  lengthDelimited(field, concat([lengthDelimited(1, enc.encode(key)), lengthDelimited(2, enc.encode(value))]));

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// ---- what each node says ----------------------------------------------------------------------

const MODEL = 7;
const MODEL_IR_VERSION = 1;
const MODEL_METADATA = 14;
const GRAPH_NODE = 1;
const NODE_DOC = 6;
const NODE_METADATA = 9;
/** Node metadata_props came with IR version 10 (ONNX 1.16). */
const NODE_METADATA_IR = 10;
const MARK = 'netcost: ';
const isNetcostKey = (key: string) => key.startsWith('netcost.');

const n0 = (x: number) => String(Math.round(x)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const pct = (x: number, t: number) => (t > 0 ? `${((100 * x) / t).toFixed(1)}%` : '0%');

/** With a machine profile (`--predict`): the layer's predicted time and what bounds it. */
function predicted(l: LayerCost, r: CostReport): string {
  const machine = (r as Partial<PredictedReport>).prediction?.machine.cpu;
  if (typeof l.predictedMs !== 'number' || machine === undefined) return '';
  if (l.bound === 'none') return `; runs no kernel of its own on ${machine}`;
  const bound = l.bound === 'balanced' ? 'compute and memory alike' : `${String(l.bound)}-bound`;
  return `; predicted ${(1000 * l.predictedMs).toFixed(1)} us on ${machine} (${bound})`;
}

const fusedMembers = new WeakMap<CostReport, Map<string, LayerCost>>();
/** Each node a fused layer stands for, with that layer. */
function partOf(r: CostReport): Map<string, LayerCost> {
  let m = fusedMembers.get(r);
  if (!m) {
    m = new Map();
    for (const l of r.layers) for (const f of l.fusedFrom ?? []) if (f !== l.name) m.set(f, l);
    fusedMembers.set(r, m);
  }
  return m;
}

/** A node's annotation: the cost of the layer it is, or what became of it. */
function describe(
  name: string,
  layers: Map<string, LayerCost>,
  r: CostReport,
): { doc: string; props: [string, string][] } {
  const l = layers.get(name);
  if (!l) {
    // a node of a fused pattern (a decomposed layer norm, a QDQ convolution), or a netcost helper node
    const owner = partOf(r).get(name) ?? layers.get(ownerOf(name));
    if (owner) {
      return {
        doc: `${MARK}part of layer ${owner.name}, which carries its cost`,
        props: [['netcost.layer', owner.name]],
      };
    }
    const group = r.groups.find((g) => g.name === name && ['if', 'loop', 'scan'].includes(g.kind));
    if (group) {
      return {
        doc:
          `${MARK}${group.kind} whose subgraph's ${group.layers} layers carry its cost: MAdds ${n0(group.madds)}, ` +
          `FLOPs ${n0(group.flops)}, MAC ${n0(group.memoryAccess)} elements (counted per inference)`,
        props: [['netcost.madds', String(group.madds)]],
      };
    }
    return { doc: `${MARK}a constant (shape arithmetic folded when the model loads): no cost at run time`, props: [] };
  }
  const t = r.totals;
  const rule = typeof l.rule === 'string' ? `; costed by the user rule ${l.rule}` : '';
  const unknown = l.op === 'unknown' ? '; no cost rule: counted as 0' : '';
  const doc =
    `${MARK}${typeof l.foreignOp === 'string' ? l.foreignOp : l.op} (${l.category}): params ${n0(l.params)}, ` +
    `MAdds ${n0(l.madds)} (${pct(l.madds, t.madds)} of the model), ` +
    `FLOPs ${n0(l.flops)}, MAC ${n0(l.memoryAccess)} elements = ${n0(l.memoryAccessBytes)} bytes at ` +
    `${l.dtype ?? r.dtype} ` +
    `(${pct(l.memoryAccess, t.memoryAccess)}), intensity ${l.intensity.toFixed(2)} FLOP/B${rule}${unknown}` +
    predicted(l, r);
  return {
    doc,
    props: [
      ...(typeof l.predictedMs === 'number'
        ? [
            ['netcost.predictedMs', String(l.predictedMs)] as [string, string],
            ['netcost.bound', String(l.bound)] as [string, string],
          ]
        : []),
      ['netcost.op', l.op],
      ['netcost.params', String(l.params)],
      ['netcost.madds', String(l.madds)],
      ['netcost.flops', String(l.flops)],
      ['netcost.memoryAccess', String(l.memoryAccess)],
      ['netcost.maddsShare', (t.madds > 0 ? l.madds / t.madds : 0).toFixed(6)],
      ['netcost.memoryAccessShare', (t.memoryAccess > 0 ? l.memoryAccess / t.memoryAccess : 0).toFixed(6)],
      ...(typeof l.rule === 'string' ? [['netcost.rule', l.rule] as [string, string]] : []),
    ],
  };
}

/**
 * A doc string with netcost's annotation appended. An earlier one is replaced only where netcost
 * wrote it: the last paragraph, in a file netcost annotated before; a user's own paragraph that
 * happens to start with "netcost: " is theirs and stays.
 */
function mergeDoc(old: string, ours: string, annotatedBefore: boolean): string {
  const parts = old === '' ? [] : old.split('\n\n');
  if (annotatedBefore && parts.at(-1)?.startsWith(MARK)) parts.pop();
  return [...parts, ours].join('\n\n');
}

/**
 * The file's bytes with every node annotated from `r` (the report of the same file, as imported:
 * layers are named after nodes the way `assignNodeNames` names them) and the totals as metadata.
 */
export function annotateOnnx(bytes: Uint8Array, r: CostReport, version: string): Uint8Array {
  const decoded = onnx.ModelProto.decode(bytes);
  const names = assignNodeNames(decoded.graph?.node ?? []);
  const layers = new Map(r.layers.map((l) => [l.name, l]));
  const top = fields(bytes);
  const irField = top.find((f) => f.field === MODEL_IR_VERSION && f.wire === 0);
  const ir = irField ? varint(bytes, varint(bytes, irField.start)[1])[0] : 0;
  let index = 0;

  const node = (f: Field): Uint8Array => {
    const [s, e] = f.body as [number, number];
    const own = fields(bytes, s, e);
    const old = own.find((x) => x.field === NODE_DOC && x.body);
    const { doc, props } = describe(names[index++], layers, r);
    // the node's own metadata stays; netcost's keys from an earlier annotation are replaced
    const keep = own.filter((x) => x.field !== NODE_DOC && !(x.field === NODE_METADATA && isOurs(x, isNetcostKey)));
    const payload = concat([
      ...keep.map((x) => bytes.subarray(x.start, x.end)),
      lengthDelimited(
        NODE_DOC,
        enc.encode(
          mergeDoc(old ? dec.decode(bytes.subarray(...(old.body as [number, number]))) : '', doc, annotatedBefore),
        ),
      ),
      ...(ir >= NODE_METADATA_IR ? props.map(([k, v]) => stringEntry(NODE_METADATA, k, v)) : []),
    ]);
    return lengthDelimited(GRAPH_NODE, payload);
  };
  /** a metadata entry an earlier annotation wrote (re-annotating replaces it) */
  const isOurs = (x: Field, ours: (key: string) => boolean): boolean => {
    if (!x.body) return false;
    const key = fields(bytes, ...x.body).find((k) => k.field === 1 && k.body);
    return !!key && ours(dec.decode(bytes.subarray(...(key.body as [number, number]))));
  };
  const annotatedBefore = top.some((f) => f.field === MODEL_METADATA && isOurs(f, (k) => k === 'netcost.annotated'));
  const graph = (f: Field): Uint8Array => {
    const [s, e] = f.body as [number, number];
    const parts = fields(bytes, s, e).map((x) =>
      x.field === GRAPH_NODE && x.body ? node(x) : bytes.subarray(x.start, x.end),
    );
    return lengthDelimited(MODEL, concat(parts));
  };
  const t = r.totals;
  const totals = {
    params: t.params,
    madds: t.madds,
    flops: t.flops,
    memoryAccess: t.memoryAccess,
    memoryAccessBytes: t.memoryAccessBytes,
  };
  const meta: [string, string][] = [
    [
      'netcost.totals',
      JSON.stringify({
        ...totals,
        dtype: r.dtype,
        view: r.view,
        layers: t.layers,
        ...((r as Partial<PredictedReport>).prediction
          ? { predictedMs: (r as PredictedReport).totals.predictedMs }
          : {}),
      }),
    ],
    ['netcost.annotated', `costs by netcost ${version}; each node's doc_string holds its own`],
  ];
  return concat([
    ...top
      .filter((f) => !(f.field === MODEL_METADATA && isOurs(f, (k) => meta.some(([m]) => m === k))))
      .map((f) => (f.field === MODEL && f.body ? graph(f) : bytes.subarray(f.start, f.end))),
    ...meta.map(([k, v]) => stringEntry(MODEL_METADATA, k, v)),
  ]);
}
