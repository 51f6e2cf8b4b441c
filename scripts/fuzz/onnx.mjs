// ONNX files: exported models with bytes flipped and truncated, fields of the decoded model
// changed, and small graphs that amplify (a tiny file whose folded constants would be huge).
import fc from 'fast-check';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export async function onnxFamily(lib) {
  const bases = [];
  for (const [name, view] of [
    ['shufflenet-v1-g2-0.25x', 'original'],
    ['shufflenet-v2-0.5x', 'deploy'],
    ['mobilenet-v2-1.0x', 'original'],
  ]) {
    const g = lib.graphOf(await lib.resolveModel(name), { view, input: [1, 3, 32, 32] });
    bases.push(Uint8Array.from(lib.exportOnnx(g))); // a copy: Buffer.slice would share the bytes
  }
  const check = (bytes, file) => {
    const r = lib.importOnnx(bytes, { file, inputs: { '*': [1, 3, 32, 32] } });
    for (const g of [r.graph, lib.deployGraph(r.graph)]) {
      const c = lib.analyze(g);
      for (const v of Object.values(c.totals)) if (!Number.isFinite(v)) throw new Error(`a total is ${v}`);
    }
  };
  const int = fc.oneof(fc.integer({ min: -3, max: 70 }), fc.constantFrom(0, -1, 2 ** 31, 2 ** 53, -(2 ** 63), 1e6));
  const structural = fc.record({
    base: fc.nat(bases.length - 1),
    edits: fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant('dim'), at: fc.nat(), v: int }),
        fc.record({ kind: fc.constant('attr'), at: fc.nat(), v: int }),
        fc.record({
          kind: fc.constant('op'),
          at: fc.nat(),
          v: fc.constantFrom(
            'Relu',
            'Conv',
            'Reshape',
            'Slice',
            'Gather',
            'Split',
            'Concat',
            'Range',
            'Expand',
            '__proto__',
            'constructor',
            'Where',
            'Pad',
            'Resize',
          ),
        }),
        fc.record({ kind: fc.constant('input'), at: fc.nat(), v: fc.nat() }),
        fc.record({ kind: fc.constant('drop'), at: fc.nat(), v: fc.nat() }),
        fc.record({ kind: fc.constant('raw'), at: fc.nat(), v: fc.nat() }),
        fc.record({ kind: fc.constant('opset'), at: fc.nat(), v: int }),
      ),
      { minLength: 1, maxLength: 4 },
    ),
  });
  function mutate({ base, edits }) {
    const m = onnx.ModelProto.decode(bases[base]);
    const g = m.graph;
    const pick = (arr, at) => (arr.length ? arr[at % arr.length] : undefined);
    for (const e of edits) {
      if (e.kind === 'dim') {
        const t = pick(g.initializer, e.at);
        if (t?.dims.length) t.dims[e.at % t.dims.length] = e.v;
      } else if (e.kind === 'attr') {
        const a = pick(
          g.node.flatMap((n) => n.attribute),
          e.at,
        );
        if (a?.ints?.length) a.ints[e.at % a.ints.length] = e.v;
        else if (a) a.i = e.v;
      } else if (e.kind === 'op') {
        const n = pick(g.node, e.at);
        if (n) n.opType = e.v;
      } else if (e.kind === 'input') {
        const n = pick(g.node, e.at);
        const names = g.node.flatMap((x) => x.output);
        if (n?.input.length) n.input[e.v % n.input.length] = pick(names, e.v) ?? 'x';
      } else if (e.kind === 'drop') {
        const n = pick(g.node, e.at);
        if (n) n.input = n.input.slice(0, e.v % (n.input.length + 1));
      } else if (e.kind === 'raw') {
        const t = pick(g.initializer, e.at);
        if (t?.rawData?.length) t.rawData = t.rawData.slice(0, e.v % t.rawData.length);
      } else if (e.kind === 'opset') m.opsetImport[0].version = e.v;
    }
    return onnx.ModelProto.encode(m).finish();
  }
  const bytewise = fc.record({
    base: fc.nat(bases.length - 1),
    edits: fc.array(fc.record({ at: fc.nat(), byte: fc.nat(255) }), { minLength: 1, maxLength: 8 }),
    cut: fc.option(fc.nat(), { nil: undefined }),
  });
  function flip({ base, edits, cut }) {
    const b = bases[base];
    const bytes = b.slice(0, cut === undefined ? b.length : cut % b.length);
    for (const e of edits) if (bytes.length) bytes[e.at % bytes.length] = e.byte;
    return bytes;
  }

  const amplifier = fc.record({
    dims: fc.array(fc.constantFrom(1, 7, 64, 512, 2048, 4096), { minLength: 1, maxLength: 3 }),
    chain: fc.array(fc.constantFrom('Add', 'Mul', 'Neg', 'Concat', 'Transpose', 'ReduceMax', 'Unsqueeze'), {
      maxLength: 120,
    }),
  });
  const generators = fc.oneof(
    { arbitrary: structural.map((s) => ['structural', s]), weight: 10 },
    { arbitrary: bytewise.map((s) => ['bytes', s]), weight: 10 },
    { arbitrary: amplifier.map((s) => ['amplifier', s]), weight: 1 },
  );
  const bytesOf = ([kind, s]) => (kind === 'structural' ? mutate(s) : kind === 'bytes' ? flip(s) : amplify(s));
  return {
    arbitrary: generators,
    run: ([kind, s]) => check(bytesOf([kind, s]), 'fuzz.onnx'),
    label: (c) => JSON.stringify(c),
  };
}

/**
 * ConstantOfShape(dims) through a chain of element-wise, concatenating and reducing ops, its sum
 * deciding the shape of a Reshape of the input: folding must compute the whole chain (or stop at
 * its budget), on a file of a few hundred bytes.
 */
function amplify({ dims, chain }) {
  const i64 = (name, values) => ({
    name,
    dims: [values.length],
    dataType: 7,
    rawData: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer),
  });
  const node = [{ opType: 'ConstantOfShape', input: ['s'], output: ['c0'] }];
  for (const [k, op] of chain.entries()) {
    const [a, out] = [`c${k}`, `c${k + 1}`];
    if (op === 'Add' || op === 'Mul') node.push({ opType: op, input: [a, a], output: [out] });
    else if (op === 'Concat')
      node.push({ opType: op, input: [a, a], output: [out], attribute: [{ name: 'axis', type: 2, i: 0 }] });
    else if (op === 'Unsqueeze') node.push({ opType: op, input: [a, 'zero'], output: [out] });
    else node.push({ opType: op, input: [a], output: [out] });
  }
  const last = `c${chain.length}`;
  node.push(
    { opType: 'ReduceSum', input: [last], output: ['sum'], attribute: [{ name: 'keepdims', type: 2, i: 0 }] },
    { opType: 'Cast', input: ['sum'], output: ['sumi'], attribute: [{ name: 'to', type: 2, i: 7 }] },
    { opType: 'Add', input: ['sumi', 'base'], output: ['shape'] },
    { opType: 'Reshape', input: ['x', 'shape'], output: ['y'] },
  );
  const value = (name, d) => ({
    name,
    type: { tensorType: { elemType: 1, shape: { dim: d.map((v) => ({ dimValue: v })) } } },
  });
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'amplifier',
        node,
        initializer: [i64('s', dims), i64('zero', [0]), i64('base', [1, 3 * 32 * 32])],
        input: [value('x', [1, 3, 32, 32])],
        output: [value('y', [1, 3 * 32 * 32])],
      },
    }),
  ).finish();
}
