/** ONNX export: loads in onnxruntime-node, shapes agree, shuffle numerics, weights = params. */

import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/cost/analyze.ts';
import { buildGraph } from '../../src/graph/build.ts';
import { Runner } from '../../src/measure/runner.ts';
import { exportOnnx } from '../../src/onnx/export.ts';
import { importOnnx } from '../../src/onnx/import.ts';

const decodeModel = (bytes: Uint8Array) => onnxProto.onnx.ModelProto.decode(bytes);

import { shufflePermutation } from '../../src/ops/shuffle.ts';
import { graphOf } from '../../src/pipeline.ts';
import { builtinModels, resolveModel } from '../../src/spec/load.ts';
import { modelFromYaml } from '../helpers.ts';

const models = await builtinModels();

describe('every built-in model exports, loads in onnxruntime, and its shapes match netcost', () => {
  it.each(models.map((m) => [m.name]))('%s', async (name) => {
    const m = models.find((x) => x.name === name)!;
    for (const view of ['original', 'deploy'] as const) {
      if (view === 'deploy' && !/-1\.0x$/.test(name)) continue; // deploy view: one width per family is enough
      // a small input keeps the suite fast; shapes still exercise every op
      const g = graphOf(m, { view, input: [1, 3, 64, 64] });
      const bytes = exportOnnx(g, { exposeAll: true });
      const r = await Runner.open(
        bytes,
        [{ name: 'input', shape: g.input.shape }],
        { threads: 1, optLevel: 'basic' },
        name,
      );
      try {
        const out = await r.outputs();
        for (const l of g.layers) {
          l.outputs.forEach((t, i) => {
            expect(out[t]?.dims, `${name} ${view}: ${t}`).toEqual(l.outputShapes[i]);
          });
        }
        expect([...(out[g.output.name].data as Float32Array)].every(Number.isFinite)).toBe(true);
      } finally {
        await r.close();
      }
    }
  });
});

describe('exported file', () => {
  it('names nodes after layers, carries shapes and metadata, opset 17', async () => {
    const g = graphOf(await resolveModel('shufflenet-v2-0.5x'));
    const m = decodeModel(exportOnnx(g, { seed: 7 }));
    expect(Number(m.opsetImport[0].version)).toBe(17);
    expect(m.producerName).toBe('netcost');
    const meta = Object.fromEntries(m.metadataProps.map((p) => [p.key, p.value]));
    expect(meta).toMatchObject({
      'netcost.model': 'shufflenet-v2-0.5x',
      'netcost.spec': 'configs/shufflenet-v2.yaml',
      'netcost.view': 'original',
      'netcost.seed': '7',
    });
    const nodeNames = new Set(m.graph!.node!.map((n) => n.name));
    for (const l of g.layers) expect(nodeNames.has(l.name), l.name).toBe(true);
    expect(m.graph!.node!.every((n) => g.layers.some((l) => l.name === n.name!.split('#')[0]))).toBe(true);
    expect(m.graph!.input![0].type!.tensorType!.shape!.dim!.map((d) => Number(d.dimValue))).toEqual([1, 3, 224, 224]);
    expect(m.graph!.output![0].type!.tensorType!.shape!.dim!.map((d) => Number(d.dimValue))).toEqual([1, 1000]);
    const shuffle = m.graph!.node!.filter((n) => n.name!.startsWith('stage2.unit1.shuffle'));
    expect(shuffle.map((n) => n.opType)).toEqual(['Reshape', 'Transpose', 'Reshape']);
    expect(m.graph!.node!.find((n) => n.name === 'stage2.unit2.split')?.opType).toBe('Split');
  });

  it('is deterministic for a seed, and the seed changes the weights', async () => {
    const g = graphOf(await resolveModel('shufflenet-v1-g3-0.25x'));
    const a = exportOnnx(g, { seed: 1 });
    expect(Buffer.from(exportOnnx(g, { seed: 1 })).equals(Buffer.from(a))).toBe(true);
    expect(Buffer.from(exportOnnx(g, { seed: 2 })).equals(Buffer.from(a))).toBe(false);
  });

  it.each(['original', 'deploy'] as const)(
    'weights of convolutions and linear layers add up to their params (%s view)',
    async (view) => {
      for (const name of ['shufflenet-v2-1.0x', 'shufflenet-v1-g8-1.0x', 'mobilenet-v2-1.0x']) {
        const g = graphOf(await resolveModel(name), { view });
        const m = decodeModel(exportOnnx(g));
        const weightInputs = new Set(
          m.graph!.node!.filter((n) => n.opType === 'Conv' || n.opType === 'Gemm').flatMap((n) => n.input!.slice(1)),
        );
        const inFile = m
          .graph!.initializer!.filter((t) => weightInputs.has(t.name!))
          .reduce((a, t) => a + t.dims!.reduce((x, y) => x * Number(y), 1), 0);
        const fromCosts = analyze(g)
          .layers.filter((l) => l.op === 'conv' || l.op === 'linear')
          .reduce((a, l) => a + l.params, 0);
        expect(inFile, `${name} ${view}`).toBe(fromCosts);
      }
    },
  );

  it('reads back to the same totals, weights of one element included (a BN on 1 channel: 2 params)', () => {
    const g = buildGraph(
      modelFromYaml(
        'name: s\ninput: [1, 1, 4, 4]\nlayers: [ { op: bn }, { op: conv, out: 1, kernel: 1, bias: true } ]\n',
      ),
    );
    const spec = analyze(g).totals;
    const back = analyze(importOnnx(exportOnnx(g), { file: 's.onnx' }).graph).totals;
    expect(spec.params).toBe(2 + 2);
    expect([back.params, back.madds, back.memoryAccess]).toEqual([spec.params, spec.madds, spec.memoryAccess]);
  });
});

describe('channel shuffle numerics', () => {
  /** plain TypeScript: output channel i = input channel (i mod g)·(C/g) + floor(i/g) */
  function shuffleTs(x: Float32Array, c: number, hw: number, g: number): Float32Array {
    const perm = shufflePermutation(c, g);
    const y = new Float32Array(x.length);
    for (let i = 0; i < c; i++) y.set(x.subarray(perm[i] * hw, perm[i] * hw + hw), i * hw);
    return y;
  }
  it('is the ShuffleNet permutation: transpose of a g x C/g channel grid', () => {
    expect(shufflePermutation(6, 2)).toEqual([0, 3, 1, 4, 2, 5]);
    expect(shufflePermutation(6, 3)).toEqual([0, 2, 4, 1, 3, 5]);
  });
  it.each([
    [12, 3],
    [24, 8],
    [58 * 2, 2],
  ])('onnxruntime computes the same values for C=%i, g=%i', async (c, g) => {
    const graph = buildGraph(
      modelFromYaml(`name: s\ninput: [1, ${c}, 3, 5]\nlayers: [ { op: shuffle, name: sh, groups: ${g} } ]\n`),
    );
    const r = await Runner.open(
      exportOnnx(graph),
      [{ name: 'input', shape: [1, c, 3, 5] }],
      { threads: 1, optLevel: 'all' },
      'shuffle',
    );
    try {
      const x = r.feeds.input.data as Float32Array;
      const out = (await r.outputs()).sh.data as Float32Array;
      expect([...out]).toEqual([...shuffleTs(x, c, 15, g)]);
    } finally {
      await r.close();
    }
  });
});
