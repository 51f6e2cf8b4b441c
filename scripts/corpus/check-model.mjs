// One model of the corpus, checked against references that do not come from netcost's own rules
// (run by scripts/corpus.mjs, one process per model so that memory is returned between models):
//
//   params: every stored floating-point tensor of more than one element, BN running statistics
//           aside (the inputs 4 and 5 of BatchNormalization nodes);
//   shapes: onnxruntime's own, from running the model with every node output exposed as a graph
//           output; each tensor netcost gives a shape is compared;
//   MAdds:  counted here from onnxruntime's shapes and the weights' dims, op by op (Conv,
//           ConvTranspose, Gemm, MatMul, Einsum), with formulas written out below.
//
// Usage: node check-model.mjs FILE  -> one JSON line on standard output.
import { readFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import { analyze, importOnnx } from '../../dist/index.js';

const { onnx } = onnxProto;
const file = process.argv[2];
const long = (v) => (typeof v === 'number' ? v : Number(v));
const numel = (s) => s.reduce((a, b) => a * b, 1);
const FLOAT_TYPES = new Set([1, 10, 11, 16]);

/** params as stored: float initializers of more than one element, BN running statistics aside */
function storedParams(m) {
  const buffers = new Set();
  for (const n of m.graph.node) if (n.opType === 'BatchNormalization') for (const k of [3, 4]) buffers.add(n.input[k]);
  let total = 0;
  for (const t of m.graph.initializer) {
    const n = numel((t.dims ?? []).map(long));
    if (FLOAT_TYPES.has(t.dataType) && n > 1 && !buffers.has(t.name)) total += n;
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
async function ortShapes(m) {
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
  const init = new Set(m.graph.initializer.map((t) => t.name));
  const feeds = {};
  for (const i of m.graph.input) {
    if (init.has(i.name)) continue;
    const dims = i.type.tensorType.shape.dim.map((d) => long(d.dimValue));
    feeds[i.name] = new ort.Tensor(
      'float32',
      new Float32Array(numel(dims)).map(() => Math.random()),
      dims,
    );
  }
  const result = await session.run(feeds);
  const shapes = new Map();
  for (const [k, v] of Object.entries(result)) shapes.set(k, [...v.dims]);
  for (const [k, v] of Object.entries(feeds)) shapes.set(k, [...v.dims]);
  await session.release();
  return shapes;
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
  const r = importOnnx(bytes, { file });
  const report = analyze(r.graph);
  rec.layers = report.totals.layers;
  rec.folded = r.folded;
  rec.unknown = Object.fromEntries(r.unknownOps);
  rec.params = {
    netcost: report.totals.params,
    layers: report.params?.layers ?? report.totals.params,
    stored: storedParams(m),
  };
  rec.importMs = Math.round(performance.now() - t0);
  const shapes = await ortShapes(m);
  rec.madds = { netcost: report.totals.madds, reference: referenceMadds(m, shapes) };
  const mismatched = [];
  let checked = 0;
  for (const n of m.graph.node) {
    for (const o of n.output) {
      if (!o || !shapes.has(o)) continue;
      const mine = r.shapeOf(o);
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
