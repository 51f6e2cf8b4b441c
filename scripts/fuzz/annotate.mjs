// annotate round trips: a model (an export, its nodes given the user's own doc paragraphs and
// metadata, at IR 8 to 10) is annotated, read back and annotated again. What the file held stays
// byte for byte apart from netcost's own fields; the annotated file reads to the same report; a
// second annotation changes nothing.
import fc from 'fast-check';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export async function annotateFamily(lib) {
  const bases = [];
  for (const name of ['shufflenet-v2-0.5x', 'shufflenet-v1-g3-0.25x']) {
    bases.push(lib.graphOf(await lib.resolveModel(name), { input: [1, 3, 32, 32] }));
  }
  const userText = fc.oneof(
    fc.constantFrom('netcost: my own note', 'netcost: ', 'see README\n\nnetcost: also mine', '', '\u0000\u202e'),
    fc.string({ maxLength: 20 }),
  );
  const arbitrary = fc.record({
    base: fc.nat(bases.length - 1),
    ir: fc.constantFrom(8, 9, 10),
    docs: fc.array(fc.record({ at: fc.nat(), text: userText }), { maxLength: 4 }),
    props: fc.array(
      fc.record({
        at: fc.nat(),
        key: fc.constantFrom('author', 'netcost', 'netcostx', 'x.netcost.y'),
        value: userText,
      }),
      {
        maxLength: 3,
      },
    ),
  });
  const layersOf = (bytes) =>
    lib
      .analyze(lib.importOnnx(bytes, { file: 'm.onnx' }).graph)
      .layers.map((l) => [l.name, l.params, l.madds, l.memoryAccess]);
  return {
    arbitrary,
    label: (c) => JSON.stringify(c),
    run: ({ base, ir, docs, props }) => {
      const m = onnx.ModelProto.decode(lib.exportOnnx(bases[base]));
      m.irVersion = ir;
      const nodes = m.graph.node;
      for (const d of docs) nodes[d.at % nodes.length].docString = d.text;
      const before = onnx.ModelProto.encode(m).finish();
      const withProps = props.length ? addNodeMetadata(before, props) : before;
      const report = lib.analyze(lib.importOnnx(withProps, { file: 'm.onnx' }).graph);
      const once = lib.annotateOnnx(withProps, report, 'fuzz');
      const twice = lib.annotateOnnx(once, report, 'fuzz');
      if (Buffer.compare(Buffer.from(once), Buffer.from(twice)) !== 0)
        throw new Error('a second annotation changed the file');
      if (JSON.stringify(layersOf(once)) !== JSON.stringify(layersOf(withProps)))
        throw new Error('the annotated file reads differently');
      const after = onnx.ModelProto.decode(once);
      for (const [k, n] of m.graph.node.entries()) {
        const doc = after.graph.node[k].docString ?? '';
        if (n.docString && !doc.startsWith(n.docString))
          throw new Error(`node ${k}: the user's doc string was changed`);
      }
      for (const p of props)
        if (!Buffer.from(once).includes(Buffer.from(p.key))) throw new Error(`metadata ${p.key} lost`);
    },
  };
}

/** The model with node metadata_props (field 9, which onnx-proto's NodeProto does not know) appended to nodes. */
function addNodeMetadata(bytes, props) {
  const m = onnx.ModelProto.decode(bytes);
  const enc = new TextEncoder();
  const ld = (field, body) => Buffer.concat([Buffer.from([field * 8 + 2, ...varint(body.length)]), body]);
  const encoded = m.graph.node.map((n) => Buffer.from(onnx.NodeProto.encode(n).finish()));
  for (const p of props) {
    const k = p.at % encoded.length;
    encoded[k] = Buffer.concat([
      encoded[k],
      ld(9, Buffer.concat([ld(1, Buffer.from(enc.encode(p.key))), ld(2, Buffer.from(enc.encode(p.value)))])),
    ]);
  }
  m.graph.node = [];
  const graph = Buffer.concat([Buffer.from(onnx.GraphProto.encode(m.graph).finish()), ...encoded.map((e) => ld(1, e))]);
  m.graph = undefined;
  return Buffer.concat([Buffer.from(onnx.ModelProto.encode(m).finish()), ld(7, graph)]);
}
const varint = (n) => (n < 128 ? [n] : [(n % 128) | 128, ...varint(Math.floor(n / 128))]);
