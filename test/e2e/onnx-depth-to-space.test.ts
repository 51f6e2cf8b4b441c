/**
 * DepthToSpace (DCR and CRD) and SpaceToDepth, read from a file: shapes, counts and values against
 * onnxruntime on the same input (the values through the op's own rule, which constant folding uses).
 */
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/cost/analyze.ts';
import { ort } from '../../src/measure/runner.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { depthtospace } from '../../src/ops/depthtospace.ts';

const { onnx } = onnxProto;
const A = onnx.AttributeProto.AttributeType;
const SHAPE = [1, 8, 2, 3];
const X = Array.from({ length: 48 }, (_, i) => i);

const attrs = (blocksize: number, mode?: string) => [
  { name: 'blocksize', type: A.INT, i: blocksize },
  ...(mode ? [{ name: 'mode', type: A.STRING, s: new TextEncoder().encode(mode) }] : []),
];
const node = (opType: string, input: string, output: string, attribute: object[]) => ({
  opType,
  name: output,
  input: [input],
  output: [output],
  attribute,
});

function model(): Uint8Array {
  const vi = (name: string) => ({ name, type: { tensorType: { elemType: 1 } } });
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'd2s',
        node: [
          node('DepthToSpace', 'x', 'dcr', attrs(2, 'DCR')),
          node('DepthToSpace', 'x', 'crd', attrs(2, 'CRD')),
          node('SpaceToDepth', 'dcr', 'back', attrs(2)),
        ],
        input: [
          { name: 'x', type: { tensorType: { elemType: 1, shape: { dim: SHAPE.map((d) => ({ dimValue: d })) } } } },
        ],
        output: ['dcr', 'crd', 'back'].map(vi),
      },
    }),
  ).finish();
}

describe('DepthToSpace and SpaceToDepth', () => {
  it('shapes, counts and values agree with onnxruntime', async () => {
    const bytes = model();
    const r = importOnnx(bytes, { file: 'd2s.onnx' });
    expect(r.warnings).toEqual([]);
    const rt = await ort();
    const session = await rt.InferenceSession.create(bytes);
    const out = await session.run({ x: new rt.Tensor('float32', Float32Array.from(X), SHAPE) });
    const by = Object.fromEntries(analyze(r.graph).layers.map((l) => [l.name, l]));
    for (const l of r.graph.layers) {
      const theirs = out[l.outputs[0]];
      expect(l.outputShapes[0], l.name).toEqual(theirs.dims);
      // no arithmetic; 48 elements read and 48 written
      expect([by[l.name].params, by[l.name].madds, by[l.name].flops, by[l.name].memoryAccess]).toEqual([0, 0, 0, 96]);
      const input = l.name === 'back' ? Array.from(out.dcr.data as Float32Array) : X;
      const inShape = l.name === 'back' ? [...out.dcr.dims] : SHAPE;
      const operand = { shape: inShape, value: () => ({ dims: inShape, type: 'float' as const, data: input }) };
      const [mine] = depthtospace.evaluate!([operand], l.attrs as never, [l.outputShapes[0]]);
      expect(mine.data, l.name).toEqual(Array.from(theirs.data as Float32Array));
    }
    // SpaceToDepth undoes DepthToSpace (DCR)
    expect(Array.from(out.back.data as Float32Array)).toEqual(X);
    await session.release();
  });

  it('a blocksize that does not divide the channels is refused with the numbers and the fix', () => {
    const bytes = onnx.ModelProto.encode(
      onnx.ModelProto.create({
        irVersion: 8,
        opsetImport: [{ domain: '', version: 13 }],
        graph: {
          name: 'bad',
          node: [node('DepthToSpace', 'x', 'y', attrs(3))],
          input: [
            { name: 'x', type: { tensorType: { elemType: 1, shape: { dim: SHAPE.map((d) => ({ dimValue: d })) } } } },
          ],
          output: [{ name: 'y', type: { tensorType: { elemType: 1 } } }],
        },
      }),
    ).finish();
    expect(() => importOnnx(bytes, { file: 'bad.onnx' })).toThrow(/channels 8 must be a multiple of blocksize² \(9\)/);
  });
});
