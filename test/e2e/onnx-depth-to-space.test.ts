/**
 * DepthToSpace (DCR and CRD) and SpaceToDepth, read from a file: shapes, counts and values against
 * onnxruntime on the same input (the values through the op's own rule, which constant folding uses).
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/cost/analyze.ts';
import { ort } from '../../src/measure/runner.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { depthtospace } from '../../src/ops/depthtospace.ts';
import { type NodeSpec, onnxModel } from '../onnx-models.ts';

const SHAPE = [1, 8, 2, 3];
const X = Array.from({ length: 48 }, (_, i) => i);

const node = (op: string, input: string, output: string, attrs: NodeSpec['attrs']): NodeSpec => ({
  op,
  name: output,
  inputs: [input],
  outputs: [output],
  attrs,
});
const model = (nodes: NodeSpec[], outputs: string[]) =>
  onnxModel({ inputs: [{ name: 'x', dims: SHAPE }], nodes, outputs, opset: 13 });

describe('DepthToSpace and SpaceToDepth', () => {
  it('shapes, counts and values agree with onnxruntime', async () => {
    const bytes = model(
      [
        node('DepthToSpace', 'x', 'dcr', { blocksize: 2, mode: 'DCR' }),
        node('DepthToSpace', 'x', 'crd', { blocksize: 2, mode: 'CRD' }),
        node('SpaceToDepth', 'dcr', 'back', { blocksize: 2 }),
      ],
      ['dcr', 'crd', 'back'],
    );
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
    const bytes = model([node('DepthToSpace', 'x', 'y', { blocksize: 3 })], ['y']);
    expect(() => importOnnx(bytes, { file: 'bad.onnx' })).toThrow(/channels 8 must be a multiple of blocksize² \(9\)/);
  });
});
