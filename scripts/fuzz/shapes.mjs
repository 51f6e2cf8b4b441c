// ONNX files built around what a mutated export never holds: control flow (Loop, If, Scan with
// trips, conditions and output counts drawn at random), sequences, every element type with raw
// data of any length, and weights in external data (any location, offset, length and file size).
// Each is read, costed in both views, and (when it reads) predicted with a valid profile, whose
// figures must be finite.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const root = mkdtempSync(join(tmpdir(), 'netcost-fuzz-shapes-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
let serial = 0;

const FLOAT = 1;
const i64 = (name, values, dims = [values.length]) => ({
  name,
  dims,
  dataType: 7,
  rawData: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer),
});
const bool = (name, v) => ({ name, dims: [], dataType: 9, rawData: Uint8Array.of(v) });
const floats = (name, dims) => ({
  name,
  dims,
  dataType: FLOAT,
  rawData: new Uint8Array(4 * dims.reduce((a, b) => a * b, 1)),
});
const info = (name, dims, elemType = FLOAT) => ({
  name,
  type: { tensorType: { elemType, ...(dims ? { shape: { dim: dims.map((d) => ({ dimValue: d })) } } : {}) } },
});
const node = (opType, input, output, attribute = []) => ({ opType, input, output, attribute });
const graphAttr = (name, g) => ({ name, type: 5, g });
const X = [1, 4, 8, 8];

/** A body or branch: a conv, a relu, an add or a concat of its carried value, giving `outs` outputs. */
function body(op, outs, withCond) {
  const n = [];
  if (op === 'Conv') n.push(node('Conv', ['h', 'bw'], ['h2'], [{ name: 'pads', type: 7, ints: [1, 1, 1, 1] }]));
  else if (op === 'Concat') n.push(node('Concat', ['h', 'h'], ['h2'], [{ name: 'axis', type: 2, i: 1 }]));
  else if (op === 'Add') n.push(node('Add', ['h', 'h'], ['h2']));
  else n.push(node('Relu', ['h'], ['h2']));
  if (withCond) n.push(node('Identity', ['c'], ['c2']));
  const outputs = [...(withCond ? [info('c2', [], 9)] : []), ...Array.from({ length: outs }, () => info('h2'))];
  return {
    name: 'body',
    node: n,
    initializer: op === 'Conv' ? [floats('bw', [4, 4, 3, 3])] : [],
    input: withCond ? [info('i', [], 7), info('c', [], 9), info('h')] : [],
    output: outputs,
  };
}

function controlModel({ kind, op, trips, outs, cond, scanAxis }) {
  const nodes = [];
  const inits = [];
  if (kind === 'loop') {
    inits.push(i64('M', [trips], []), bool('yes', cond ? 1 : 0));
    nodes.push(
      node(
        'Loop',
        ['M', 'yes', 'x'],
        Array.from({ length: outs }, (_, k) => `y${k}`),
        [graphAttr('body', body(op, 1 + Math.max(0, outs - 1), true))],
      ),
    );
  } else if (kind === 'if') {
    inits.push(bool('c', cond ? 1 : 0));
    const h = (g) => ({ ...g, node: [node('Identity', ['x'], ['h']), ...g.node] });
    nodes.push(
      node(
        'If',
        ['c'],
        Array.from({ length: outs }, (_, k) => `y${k}`),
        [
          graphAttr('then_branch', h(body(op, outs, false))),
          graphAttr('else_branch', h(body('Relu', Math.max(1, outs - 1), false))),
        ],
      ),
    );
    if (op === 'Conv') inits.push(floats('bw', [4, 4, 3, 3]));
  } else if (kind === 'scan') {
    nodes.push(
      node(
        'Scan',
        ['x', 'x'],
        Array.from({ length: outs }, (_, k) => `y${k}`),
        [
          { name: 'num_scan_inputs', type: 2, i: 1 },
          { name: 'scan_input_axes', type: 7, ints: [scanAxis] },
          graphAttr('body', {
            name: 'b',
            node: [node('Add', ['s', 'r'], ['s2']), node('Relu', ['s2'], ['o'])],
            input: [info('s'), info('r')],
            output: [info('s2'), info('o')],
          }),
        ],
      ),
    );
  } else {
    inits.push(i64('parts', [trips]));
    nodes.push(
      node('SplitToSequence', ['x', 'parts'], ['seq'], [{ name: 'axis', type: 2, i: scanAxis }]),
      node('ConcatFromSequence', ['seq'], ['y0'], [{ name: 'axis', type: 2, i: scanAxis }]),
    );
  }
  return model(nodes, inits, [info('y0')]);
}

function model(node, initializer, output) {
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: { name: 'fuzz', node, initializer, input: [info('x', X)], output },
    }),
  ).finish();
}

/** Bits per value of each ONNX element type (onnx.proto), to draw data of exactly the right size too. */
const BITS = {
  1: 32,
  2: 8,
  3: 8,
  4: 16,
  5: 16,
  6: 32,
  7: 64,
  9: 8,
  10: 16,
  11: 64,
  12: 32,
  13: 64,
  14: 64,
  15: 128,
  16: 16,
};
for (const c of [17, 18, 19, 20]) BITS[c] = 8;
for (const c of [21, 22, 23]) BITS[c] = 4;
const exactBytes = (code, dims) => Math.ceil((dims.reduce((a, b) => a * b, 1) * (BITS[code] ?? 8)) / 8);
const sized = (v, code, dims) => (v === 'exact' ? Math.min(exactBytes(code, dims), 2 ** 24) : v);

/** A weight of element type `code` whose data is `bytes` long, raw or in external data, read by a Shape. */
function typedModel({ code, dims, bytes, external }) {
  const w = { name: 'w', dims, dataType: code };
  if (external) {
    w.dataLocation = 1;
    const entry = { ...external.entry };
    if (entry.length === 'exact') entry.length = String(exactBytes(code, dims));
    w.externalData = Object.entries(entry).map(([key, value]) => ({ key, value }));
  } else w.rawData = new Uint8Array(sized(bytes, code, dims));
  return model([node('Relu', ['x'], ['y0']), node('Shape', ['w'], ['s'])], [w], [info('y0'), info('s', null, 7)]);
}

export function shapesFamily(lib, profile) {
  const control = fc.record({
    kind: fc.constantFrom('loop', 'loop', 'if', 'scan', 'sequence'),
    op: fc.constantFrom('Conv', 'Relu', 'Add', 'Concat'),
    trips: fc.oneof(fc.constantFrom(0, 1, 2, 3, 8, 300), fc.integer({ min: -2, max: 40 })),
    outs: fc.integer({ min: 1, max: 4 }),
    cond: fc.boolean(),
    scanAxis: fc.integer({ min: -5, max: 5 }),
  });
  const typed = fc.record({
    dims: fc.array(fc.constantFrom(0, 1, 3, 9, 64, 2 ** 16, 2 ** 20), { maxLength: 3 }),
    // mostly a type ONNX has
    code: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 23 }), weight: 4 }, fc.integer({ min: 0, max: 25 })),
    bytes: fc.oneof({ arbitrary: fc.constant('exact'), weight: 3 }, fc.constantFrom(0, 1, 4, 5, 9, 36, 256)),
    external: fc.option(
      fc.record({
        entry: fc.record(
          {
            location: fc.constantFrom(
              'w.bin',
              'w.bin',
              '../w.bin',
              '/etc/hostname',
              'missing.bin',
              'sub',
              'w.bin\u001b[2J',
              '',
            ),
            offset: fc.constantFrom('0', '0', '4', '-1', '1e3', '99999999999'),
            length: fc.constantFrom('exact', 'exact', '0', '4', '256', 'x'),
          },
          { requiredKeys: ['location'] },
        ),
        fileSize: fc.constantFrom('exact', 'exact', 0, 4, 256),
      }),
      { nil: undefined },
    ),
  });
  return {
    arbitrary: fc.oneof(
      control.map((c) => ['control', c]),
      typed.map((t) => ['typed', t]),
    ),
    label: (c) => JSON.stringify(c),
    run: ([kind, c]) => {
      const dir = join(root, String(serial++));
      mkdirSync(join(dir, 'sub'), { recursive: true });
      if (c.external) writeFileSync(join(dir, 'w.bin'), new Uint8Array(sized(c.external.fileSize, c.code, c.dims)));
      const bytes = kind === 'control' ? controlModel(c) : typedModel(c);
      const file = join(dir, 'm.onnx');
      writeFileSync(file, bytes);
      const r = lib.importOnnx(bytes, { file });
      for (const g of [r.graph, lib.deployGraph(r.graph)]) {
        const t = lib.analyze(g).totals;
        for (const v of Object.values(t)) if (!Number.isFinite(v)) throw new Error(`a total is ${v}`);
      }
      const m = lib.predict(profile, { kind: 'onnx', file, bytes });
      for (const v of [m.predictedMs, m.lowMs, m.highMs])
        if (!Number.isFinite(v) || v <= 0) throw new Error(`a prediction of ${v} ms`);
    },
  };
}
