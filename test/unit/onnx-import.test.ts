/** ONNX import: exact round trip of netcost's exports, malformed input. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze, type CostReport } from '../../src/cost/analyze.ts';
import { NetcostError } from '../../src/errors.ts';
import { deployGraph } from '../../src/graph/deploy.ts';
import { exportOnnx } from '../../src/onnx/export.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { encodeModel, toModelProto } from '../../src/onnx/model-proto.ts';
import { graphOf } from '../../src/pipeline.ts';
import { builtinModels, resolveModel } from '../../src/spec/load.ts';

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
      new RegExp(
        String.raw`node 'stage2\.unit1\.main\.gconv1\.conv' \(Conv\) ` +
          String.raw`reads 'stage2\.unit1\.main\.gconv1\.conv\.weight', ` +
          "which is neither a graph input, an initializer nor any node's output",
      ),
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
      /node 'conv1\.conv' \(Conv\): the weight has shape \[\d+, \d+\]; netcost reads convolutions of 1, 2 and 3 /,
    );
    const m3 = await smallModel();
    m3.graph!.input![0].type!.tensorType!.shape!.dim = [{ dimValue: 1 }, { dimValue: 3 }, { dimValue: 32 }];
    expectImportError(
      encodeModel(m3),
      /node 'conv1\.conv' \(Conv\): the input has shape \[1, 3, 32\]; a 2-D window \(kernel 3x3\) needs rank 4/,
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
