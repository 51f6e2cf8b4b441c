// One model of the corpus, checked against references that do not come from netcost's own rules
// (run by scripts/corpus.mjs, one process per model so that memory is returned between models):
//
//   params: every stored floating-point tensor of more than one element, BN running statistics
//           aside (the inputs 4 and 5 of BatchNormalization nodes);
//   shapes: onnxruntime's own, from running the model with every node output exposed as a graph
//           output; each tensor netcost gives a shape is compared;
//   MAdds:  counted here from onnxruntime's shapes and the weights' dims, op by op (Conv,
//           ConvTranspose, Gemm, MatMul, Einsum, their integer and QLinear forms, LSTM, GRU and
//           RNN), with formulas written out below.
//
// A file with If nodes (silero VAD's branch on the sample rate) is checked on the branches
// onnxruntime takes: each If's condition is read from a run of the model (the condition exposed as
// an output), and the If is replaced by that branch's nodes and weights, until none is left; the
// references are then taken on that flattened model, tensors inside the branches included.
//
// Usage: node check-model.mjs FILE [OPTIONS_JSON]  -> one JSON line on standard output.
// OPTIONS_JSON: {"inputs": {"name": [dims]}, "dims": {"name": N}, "values": {"name": [v, ...]}},
// as --input, --dim and --value give them, and "branches": {"If node": "then" | "else"} for an If
// whose condition the data decides (netcost counts the larger branch and says so).
import { readFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import { analyze, importOnnx } from '../../dist/index.js';

const { onnx } = onnxProto;
const file = process.argv[2];
const long = (v) => (typeof v === 'number' ? v : Number(v));
const numel = (s) => s.reduce((a, b) => a * b, 1);
const FLOAT_TYPES = new Set([1, 10, 11, 16]);
const opts = JSON.parse(process.argv[3] ?? '{}');

/**
 * params as stored: float tensors of more than one element, initializers and Constant nodes alike,
 * BN running statistics (inputs 4 and 5 of BatchNormalization) and Resize's roi and scales aside;
 * a one-element weight or bias of a Conv, ConvTranspose, Gemm or recurrent layer counts too; only
 * tensors some node reads (a branch not taken leaves its weights unread)
 */
const WEIGHTED = new Set(['Conv', 'ConvTranspose', 'Gemm', 'LSTM', 'GRU', 'RNN']);
function storedParams(m) {
  const buffers = new Set();
  const weights = new Set();
  const read = new Set();
  const readBy = (nodes) => {
    for (const n of nodes) {
      for (const i of n.input) read.add(i);
      for (const a of n.attribute) if (a.g) readBy(a.g.node);
    }
  };
  readBy(m.graph.node);
  for (const n of m.graph.node) {
    if (WEIGHTED.has(n.opType)) for (const w of n.input.slice(1, 4)) weights.add(w);
    if (n.opType === 'BatchNormalization') for (const k of [3, 4]) buffers.add(n.input[k]);
    if (n.opType === 'Resize' || n.opType === 'Upsample') for (const k of [1, 2]) buffers.add(n.input[k]);
  }
  const counted = (t, name) => {
    const n = numel((t.dims ?? []).map(long));
    const param = FLOAT_TYPES.has(t.dataType) && (n > 1 || weights.has(name)) && read.has(name);
    return param && !buffers.has(name) ? n : 0;
  };
  let total = 0;
  for (const t of m.graph.initializer) total += counted(t, t.name);
  for (const n of m.graph.node) {
    const value = n.opType === 'Constant' ? n.attribute.find((a) => a.name === 'value')?.t : undefined;
    if (value) total += counted(value, n.output[0]);
  }
  return total;
}

const SEQUENCE_MAKERS = new Set([
  'SequenceEmpty',
  'SequenceConstruct',
  'SequenceInsert',
  'SequenceErase',
  'SplitToSequence',
]);

/** The node outputs that are sequences, not tensors (onnxruntime cannot return those as graph outputs). */
function sequenceOutputs(n) {
  if (SEQUENCE_MAKERS.has(n.opType)) return new Set(n.output);
  const out = new Set();
  for (const a of n.attribute) {
    if (!a.g) continue;
    // a Loop's outputs are its body's outputs after the condition; an If's, its branches'
    const shift = n.opType === 'Loop' ? 1 : 0;
    a.g.output.forEach((o, k) => {
      if (o.type?.sequenceType && k - shift >= 0) out.add(n.output[k - shift]);
    });
  }
  return out;
}

/** Every tensor's shape as onnxruntime computes it. */
async function ortShapes(m, feeds) {
  const copy = onnx.ModelProto.decode(onnx.ModelProto.encode(m).finish());
  const outputs = new Set(copy.graph.output.map((o) => o.name));
  for (const n of copy.graph.node) {
    const sequences = sequenceOutputs(n);
    for (const o of n.output) {
      if (o && !outputs.has(o) && !sequences.has(o)) {
        copy.graph.output.push({ name: o });
        outputs.add(o);
      }
    }
  }
  const session = await ort.InferenceSession.create(onnx.ModelProto.encode(copy).finish(), {
    graphOptimizationLevel: 'disabled',
    intraOpNumThreads: 1,
  });
  const result = await session.run(feeds);
  const shapes = new Map();
  for (const [k, v] of Object.entries(result)) shapes.set(k, [...v.dims]);
  for (const [k, v] of Object.entries(feeds)) shapes.set(k, [...v.dims]);
  await session.release();
  return shapes;
}

const ORT_TYPES = {
  1: ['float32', Float32Array],
  6: ['int32', Int32Array],
  7: ['int64', BigInt64Array],
  9: ['bool', Uint8Array],
  2: ['uint8', Uint8Array],
  3: ['int8', Int8Array],
};

/** Feeds for onnxruntime: each input at the shape netcost bound, its given value or random data. */
function feedsOf(m, bound) {
  const declared = new Map(m.graph.input.map((i) => [i.name, i.type?.tensorType?.elemType ?? 1]));
  const feeds = {};
  for (const { name, shape } of bound) {
    const [type, Array_] = ORT_TYPES[declared.get(name)] ?? ORT_TYPES[1];
    const given = opts.values?.[name];
    const n = numel(shape);
    const data = new Array_(n);
    for (let k = 0; k < n; k++) {
      const v = given ? given[given.length === 1 ? 0 : k] : type === 'float32' ? Math.random() - 0.5 : 0;
      data[k] = type === 'int64' ? BigInt(Math.round(v)) : v;
    }
    feeds[name] = new ort.Tensor(type, data, shape);
  }
  return feeds;
}

/** The value of each named tensor, from one run of the model with those tensors exposed. */
async function valuesOf(m, names, feeds) {
  const copy = onnx.ModelProto.decode(onnx.ModelProto.encode(m).finish());
  copy.graph.output = names.map((name) => ({ name }));
  const session = await ort.InferenceSession.create(onnx.ModelProto.encode(copy).finish(), {
    graphOptimizationLevel: 'disabled',
  });
  const out = await session.run(feeds);
  await session.release();
  return names.map((n) => out[n].data[0]);
}

/** Each If replaced by the branch onnxruntime takes (its nodes, weights, outputs through Identity), until none. */
async function flattenIfs(m, feeds) {
  let inlined = 0;
  for (let round = 0; round < 16; round++) {
    const ifs = m.graph.node.filter((n) => n.opType === 'If');
    if (!ifs.length) break;
    const conds = await valuesOf(
      m,
      ifs.map((n) => n.input[0]),
      feeds,
    );
    const nodes = [];
    for (const n of m.graph.node) {
      const k = ifs.indexOf(n);
      if (k < 0) {
        nodes.push(n);
        continue;
      }
      // a condition the network's own data decides (a score past a threshold): the branch the file's entry names
      const taken = opts.branches?.[n.name] ?? (conds[k] ? 'then' : 'else');
      const branch = n.attribute.find((a) => a.name === `${taken}_branch`).g;
      m.graph.initializer.push(...branch.initializer);
      nodes.push(...branch.node);
      branch.output.forEach((o, j) => {
        if (n.output[j]) nodes.push({ opType: 'Identity', input: [o.name], output: [n.output[j]], attribute: [] });
      });
      inlined++;
    }
    m.graph.node = nodes;
  }
  return inlined;
}

/** An einsum's multiply-adds: the product of every index size, times (operands - 1). */
function einsumMadds(equation, shapes) {
  const [lhs] = equation.replace(/\s/g, '').split('->');
  const ops = lhs.split(',');
  const size = new Map();
  let ellipsis = 1;
  ops.forEach((t, k) => {
    const s = shapes[k];
    const letters = t.replace('...', '');
    const extra = s.length - letters.length;
    let axis = 0;
    for (let i = 0; i < t.length; i++) {
      if (t.startsWith('...', i)) {
        ellipsis = Math.max(ellipsis, numel(s.slice(axis, axis + extra)));
        axis += extra;
        i += 2;
        continue;
      }
      size.set(t[i], Math.max(size.get(t[i]) ?? 1, s[axis++]));
    }
  });
  return ops.length < 2 ? 0 : (ops.length - 1) * [...size.values()].reduce((a, b) => a * b, ellipsis);
}

const GATES = { LSTM: 4, GRU: 3, RNN: 1 };

function referenceMadds(m, shapes) {
  const dims = new Map(m.graph.initializer.map((t) => [t.name, (t.dims ?? []).map(long)]));
  const shape = (t) => shapes.get(t) ?? dims.get(t);
  const attr = (n, k, d) => {
    const a = n.attribute.find((x) => x.name === k);
    return a ? (a.s?.length ? new TextDecoder().decode(a.s) : long(a.i)) : d;
  };
  let total = 0;
  for (const n of m.graph.node) {
    const out = shape(n.output[0]);
    if (n.opType === 'Conv') {
      const w = shape(n.input[1]);
      total += numel(out) * w[1] * numel(w.slice(2));
    } else if (n.opType === 'ConvTranspose') {
      const w = shape(n.input[1]);
      total += numel(shape(n.input[0])) * w[1] * numel(w.slice(2));
    } else if (n.opType === 'Gemm') {
      const a = shape(n.input[0]);
      total += numel(out) * (attr(n, 'transA', 0) ? a[0] : a[1]);
    } else if (n.opType === 'MatMul') {
      const a = shape(n.input[0]);
      total += numel(out) * a[a.length - 1];
    } else if (n.opType === 'ConvInteger' || n.opType === 'QLinearConv') {
      const w = shape(n.input[n.opType === 'ConvInteger' ? 1 : 3]);
      total += numel(out) * w[1] * numel(w.slice(2));
    } else if (n.opType === 'MatMulInteger' || n.opType === 'QLinearMatMul') {
      const a = shape(n.input[0]);
      total += numel(out) * a[a.length - 1];
    } else if (n.opType in GATES) {
      // per step, batch row and direction: each gate's hidden units from the input and the last state
      const x = shape(n.input[0]);
      const w = shape(n.input[1]);
      const [steps, batch] = attr(n, 'layout', 0) ? [x[1], x[0]] : [x[0], x[1]];
      const hidden = w[1] / GATES[n.opType];
      total += steps * batch * w[0] * GATES[n.opType] * hidden * (x[2] + hidden);
    } else if (n.opType === 'Einsum') {
      total += einsumMadds(attr(n, 'equation', ''), n.input.map(shape));
    }
  }
  return total;
}

const t0 = performance.now();
const bytes = readFileSync(file);
const m = onnx.ModelProto.decode(bytes);
const rec = { file, nodes: m.graph.node.length, opset: long(m.opsetImport.find((o) => !o.domain)?.version ?? 0) };
try {
  const r = importOnnx(bytes, { file, inputs: opts.inputs, dims: opts.dims, values: opts.values });
  const report = analyze(r.graph);
  rec.layers = report.totals.layers;
  rec.folded = r.folded;
  rec.unknown = Object.fromEntries(r.unknownOps);
  rec.params = {
    netcost: report.totals.params,
    layers: report.params?.layers ?? report.totals.params,
  };
  rec.importMs = Math.round(performance.now() - t0);
  const feeds = feedsOf(m, r.inputs);
  const main = new Set(m.graph.node.flatMap((n) => n.output));
  rec.ifsFlattened = await flattenIfs(m, feeds);
  rec.params.stored = storedParams(m);
  const shapes = await ortShapes(m, feeds);
  rec.madds = { netcost: report.totals.madds, reference: referenceMadds(m, shapes) };
  const mismatched = [];
  let checked = 0;
  for (const n of m.graph.node) {
    for (const o of n.output) {
      if (!o || !shapes.has(o)) continue;
      const mine = r.shapeOf(o);
      // a tensor inside a branch is compared where netcost names it alike
      if (!main.has(o) && !mine) continue;
      checked++;
      if (!mine || mine.join() !== shapes.get(o).join())
        mismatched.push(`${o}: netcost [${mine ?? '?'}], onnxruntime [${shapes.get(o)}]`);
    }
  }
  rec.shapes = { checked, mismatched: mismatched.length, first: mismatched.slice(0, 3) };
  rec.ok =
    Object.keys(rec.unknown).length === 0 &&
    rec.params.netcost === rec.params.stored &&
    rec.madds.netcost === rec.madds.reference &&
    mismatched.length === 0;
} catch (e) {
  rec.ok = false;
  rec.error = String(e.message ?? e)
    .split('\n')[0]
    .slice(0, 400);
}
rec.ms = Math.round(performance.now() - t0);
process.stdout.write(`${JSON.stringify(rec)}\n`);
