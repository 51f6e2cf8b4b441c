/**
 * Built-in models against published figures. Every number below names its source; all are in
 * ../shared/reference/published-figures.md. "MAdds" is what the papers call FLOPs.
 */
import { describe, expect, it } from 'vitest';
import type { CostReport } from '../../src/cost/analyze.ts';
import { costReport } from '../../src/pipeline.ts';
import { builtinModels, resolveModel, resolveModels } from '../../src/spec/load.ts';

const costs = async (name: string): Promise<CostReport> => costReport(await resolveModel(name));
const M = (n: number) => Math.round(n / 1e6);
/** MAdds without the final linear layer */
const convMadds = (r: CostReport) => r.layers.filter((l) => l.op !== 'linear').reduce((a, l) => a + l.madds, 0);

/** ShuffleNet V2 MAdds in closed form, written from the construction text, not from netcost's specs. */
function v2Madds(c: [number, number, number], c5: number, official: boolean): number {
  let total = 24 * 3 * 9 * 112 * 112; // conv1 3x3 s2
  let cin = 24,
    h = 56; // after the max pool
  [4, 8, 4].forEach((n, i) => {
    const out = c[i],
      o = h / 2,
      half = out / 2;
    const b1 = official ? cin : half,
      b2 = official ? out - cin : half;
    total += cin * 9 * o * o + cin * b1 * o * o; // projection branch: dw s2, pw
    total += cin * half * h * h + half * 9 * o * o + half * b2 * o * o; // main branch: pw, dw s2, pw
    total += (n - 1) * (2 * half * half + 9 * half) * o * o; // stride-1 units on half the channels
    cin = out;
    h = o;
  });
  return total + c[2] * c5 * 7 * 7 + c5 * 1000; // conv5, classifier
}

describe('ShuffleNet V2 MAdds equal the closed form of the construction', () => {
  const widths: [string, [number, number, number], number][] = [
    ['0.5x', [48, 96, 192], 1024],
    ['1.0x', [116, 232, 464], 1024],
    ['1.5x', [176, 352, 704], 1024],
    ['2.0x', [244, 488, 976], 2048],
  ];
  it.each(widths)('%s, both constructions', async (w, c, c5) => {
    expect((await costs(`shufflenet-v2-${w}`)).totals.madds).toBe(v2Madds(c, c5, false));
    expect((await costs(`shufflenet-v2-official-${w}`)).totals.madds).toBe(v2Madds(c, c5, true));
  });
});

describe('ShuffleNet V2, torchvision construction', () => {
  // torchvision model docs: num_params exactly, GFLOPS (= GMAdds) to the digits printed
  it.each([
    ['shufflenet-v2-0.5x', 1_366_792, 0.04, 2],
    ['shufflenet-v2-1.0x', 2_278_604, 0.145, 3],
    ['shufflenet-v2-1.5x', 3_503_624, 0.296, 3],
    ['shufflenet-v2-2.0x', 7_393_996, 0.583, 3],
  ])('%s: params %i (torchvision docs), %f GMAdds', async (name, params, gmadds, digits) => {
    const r = await costs(name);
    expect(r.totals.params).toBe(params);
    expect((r.totals.madds / 1e9).toFixed(digits)).toBe(gmadds.toFixed(digits));
  });

  it('names layers hierarchically and stably', async () => {
    const names = (await costs('shufflenet-v2-1.0x')).layers.map((l) => l.name);
    expect(names).toContain('stage3.unit2.branch2.pw1.conv');
    expect(names).toContain('stage2.unit1.branch1.dw.conv');
    expect(names).toContain('stage4.unit4.shuffle');
    expect(names.filter((n) => n.endsWith('.split'))).toHaveLength(3 + 7 + 3);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('ShuffleNet V2, official (Megvii) construction', () => {
  // paper Table 5 and the Megvii README: 146M / 299M / 591M MAdds, counting convs and the
  // classifier (the authors' rule). Both also print 41M for 0.5x, which this rule does not give:
  // it gives 40.48M (torchvision's docs print 0.04 GFLOPS for the same network); we assert the
  // value and keep the 1.3% gap visible here rather than fudge the counting.
  it.each([
    ['shufflenet-v2-official-1.0x', 146, 2.3],
    ['shufflenet-v2-official-1.5x', 299, 3.5],
    ['shufflenet-v2-official-2.0x', 591, 7.4],
  ])('%s: %iM MAdds, %fM weights (paper Table 5)', async (name, madds, params) => {
    const r = await costs(name);
    expect(M(r.totals.madds)).toBe(madds);
    expect((r.totals.params / 1e6).toFixed(1)).toBe(params.toFixed(1));
  });
  it('shufflenet-v2-official-0.5x: 40.48M MAdds (paper: 41M, see above), 1.4M weights', async () => {
    const r = await costs('shufflenet-v2-official-0.5x');
    expect(M(r.totals.madds)).toBe(40);
    expect(Math.abs(r.totals.madds - 41e6) / 41e6).toBeLessThan(0.015);
    expect((r.totals.params / 1e6).toFixed(1)).toBe('1.4');
  });
  it('differs from torchvision only in stage2.unit1 and the classifier bias', async () => {
    const [t, o] = await Promise.all([costs('shufflenet-v2-1.0x'), costs('shufflenet-v2-official-1.0x')]);
    const diff = t.layers
      .filter((l, i) => l.params !== o.layers[i].params || l.madds !== o.layers[i].madds)
      .map((l) => l.name);
    expect(diff.every((n) => n.startsWith('stage2.unit1.') || n === 'fc')).toBe(true);
    expect(diff).toContain('fc');
  });
});

describe('ShuffleNet V1', () => {
  // paper Table 1: complexity at 1x, reproduced without the final linear layer (conv1 = 24)
  it.each([
    ['shufflenet-v1-g1-1.0x', 143, [144, 288, 576]],
    ['shufflenet-v1-g2-1.0x', 140, [200, 400, 800]],
    ['shufflenet-v1-g3-1.0x', 137, [240, 480, 960]],
    ['shufflenet-v1-g4-1.0x', 133, [272, 544, 1088]],
    ['shufflenet-v1-g8-1.0x', 137, [384, 768, 1536]],
  ])('%s: %iM MAdds without the classifier, stage channels %j (paper Table 1)', async (name, madds, channels) => {
    const r = await costs(name);
    expect(M(convMadds(r))).toBe(madds);
    const stageOut = ['stage2', 'stage3', 'stage4'].map(
      (s) => r.layers.filter((l) => l.name.startsWith(`${s}.`)).at(-1)!.outputShape[1],
    );
    expect(stageOut).toEqual(channels);
  });
  it('with the classifier, g = 2, 4, 8 come to 141M, 134M, 138M (published-figures note)', async () => {
    expect(
      await Promise.all(['g2', 'g4', 'g8'].map(async (g) => M((await costs(`shufflenet-v1-${g}-1.0x`)).totals.madds))),
    ).toEqual([141, 134, 138]);
  });

  // official README (with classifier): FLOPs / params. 1.0x g=3 prints 138M; the same counting gives
  // 137.46M (Table 1's 137M plus the 0.96M classifier), so that one row is asserted to within 0.5%.
  it.each([
    ['shufflenet-v1-g3-0.5x', 38, 0.7],
    ['shufflenet-v1-g3-1.5x', 292, 3.4],
    ['shufflenet-v1-g3-2.0x', 524, 5.4],
    ['shufflenet-v1-g8-0.5x', 40, 1.0],
    ['shufflenet-v1-g8-1.0x', 138, 2.4],
    ['shufflenet-v1-g8-1.5x', 290, 4.3],
    ['shufflenet-v1-g8-2.0x', 522, 6.5],
  ])('%s: %iM MAdds, %fM params (official README)', async (name, madds, params) => {
    const r = await costs(name);
    expect(M(r.totals.madds)).toBe(madds);
    expect((r.totals.params / 1e6).toFixed(1)).toBe(params.toFixed(1));
  });
  it('shufflenet-v1-g3-1.0x: 137.46M MAdds (README: 138M), 1.9M params', async () => {
    const r = await costs('shufflenet-v1-g3-1.0x');
    expect(Math.abs(r.totals.madds - 138e6) / 138e6).toBeLessThan(0.005);
    expect((r.totals.params / 1e6).toFixed(1)).toBe('1.9');
  });

  it('leaves the first 1x1 of stage2 ungrouped and groups every other pointwise conv', async () => {
    const r = await costs('shufflenet-v1-g8-1.0x');
    const g = (n: string) => r.layers.find((l) => l.name === n)!.groups;
    expect(g('stage2.unit1.main.gconv1.conv')).toBe(1);
    expect(g('stage2.unit1.main.gconv2.conv')).toBe(8);
    expect(g('stage2.unit2.main.gconv1.conv')).toBe(8);
    expect(g('stage3.unit1.main.gconv1.conv')).toBe(8);
  });

  it('every variant keeps grouped layers divisible; scaled ones follow the documented rounding rule', async () => {
    const all = (await builtinModels()).filter((m) => m.name.startsWith('shufflenet-v1-'));
    const table1: Record<number, number> = { 1: 144, 2: 200, 3: 240, 4: 272, 8: 384 };
    for (const m of all) {
      const { g, c2, conv1 } = m.vars;
      expect(c2 % (4 * g), m.name).toBe(0);
      expect((c2 - conv1) % g, m.name).toBe(0);
      const s = Number(/-([\d.]+)x$/.exec(m.name)![1]);
      if (s < 1) {
        expect(c2, m.name).toBe(Math.round((s * table1[g]) / (4 * g)) * 4 * g);
        expect(conv1, m.name).toBe(Math.ceil((24 * s) / g) * g);
      }
      expect(() => costReport(m), m.name).not.toThrow();
    }
    const names = all.map((m) => m.name);
    for (const g of [1, 2, 4]) for (const s of ['0.25', '0.5']) expect(names).toContain(`shufflenet-v1-g${g}-${s}x`);
  });

  it('group counts at 1.0x: MAdds stay within 6% while MAC grows with g', async () => {
    const rs = await Promise.all([1, 2, 3, 4, 8].map((g) => costs(`shufflenet-v1-g${g}-1.0x`)));
    const madds = rs.map((r) => r.totals.madds);
    expect(Math.max(...madds) / Math.min(...madds)).toBeLessThan(1.07);
    const mac = rs.map((r) => r.totals.memoryAccess);
    for (let i = 1; i < mac.length; i++) expect(mac[i]).toBeGreaterThan(mac[i - 1]);
  });
});

describe('networks written without touching code', () => {
  it('mobilenet-v2-1.0x: 3,504,872 params and 0.30 GMAdds (torchvision docs; paper 300M)', async () => {
    const r = await costs('mobilenet-v2-1.0x');
    expect(r.totals.params).toBe(3_504_872);
    expect(M(r.totals.madds)).toBe(301);
    expect((r.totals.madds / 1e9).toFixed(2)).toBe('0.30');
    // residual connections exactly where stride is 1 and channels are kept: 10 of 17 blocks
    expect(r.layers.filter((l) => l.op === 'add')).toHaveLength(10);
  });

  it('ResNeXt unit (c=256, m=128, cardinality 32): pointwise convs take 93.4% of MAdds (V1 paper §3.1)', async () => {
    const [m] = await resolveModels(['configs/examples/resnext-unit.yaml']);
    const r = costReport(m);
    const pw = r.layers.filter((l) => l.category === 'pointwise-conv').reduce((a, l) => a + l.madds, 0);
    expect(((100 * pw) / r.totals.madds).toFixed(1)).toBe('93.4');
    expect(r.totals.madds).toBe(56 * 56 * (2 * 256 * 128 + (9 * 128 * 128) / 32));
  });
});
