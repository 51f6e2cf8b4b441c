/**
 * Cost formulas against closed forms: the ShuffleNet V2 paper's Eq. 1 and 2 (MAC of a 1x1 and a
 * grouped 1x1 convolution), the V1 paper's unit costs (§3.1), and textbook conv arithmetic.
 */
import { describe, expect, it } from 'vitest';
import { costsOfYaml } from '../helpers.ts';

const oneConv = (c1: number, c2: number, hw: number, extra = '') => `
name: t
input: [1, ${c1}, ${hw}, ${hw}]
layers:
  - { op: conv, name: c, out: ${c2}, kernel: 1${extra} }
`;

describe('convolution', () => {
  it('counts a 3x3 stride-2 padded conv with bias exactly', () => {
    const r = costsOfYaml(`
name: t
input: [2, 3, 224, 224]
layers: [ { op: conv, name: c, out: 24, kernel: 3, stride: 2, padding: 1, bias: true } ]
`);
    const [l] = r.layers;
    expect(l.outputShape).toEqual([2, 24, 112, 112]);
    expect(l.params).toBe(24 * 3 * 9 + 24);
    expect(l.madds).toBe(2 * 24 * 112 * 112 * 3 * 9);
    expect(l.flops).toBe(2 * l.madds + 2 * 24 * 112 * 112);
    // MAC: input + weights (incl. bias) + output
    expect(l.memoryAccess).toBe(2 * 3 * 224 * 224 + (24 * 27 + 24) + 2 * 24 * 112 * 112);
    expect(l.memoryAccessBytes).toBe(4 * l.memoryAccess);
  });

  it('counts grouped and depthwise convs as Cout·(Cin/g)·k²', () => {
    const r = costsOfYaml(`
name: t
input: [1, 64, 28, 28]
layers:
  - { op: conv, name: g, out: 128, kernel: 3, padding: 1, groups: 4 }
  - { op: conv, name: dw, depthwise: true, kernel: 3, stride: 2, padding: 1 }
`);
    const [g, dw] = r.layers;
    expect(g.params).toBe(128 * 16 * 9);
    expect(g.madds).toBe(28 * 28 * 128 * 16 * 9);
    expect(dw.outputShape).toEqual([1, 128, 14, 14]);
    expect(dw.params).toBe(128 * 9);
    expect(dw.madds).toBe(14 * 14 * 128 * 9);
    expect(dw.category).toBe('depthwise-conv');
    expect(g.category).toBe('conv');
  });

  it('infers output sizes with dilation and uneven padding like PyTorch', () => {
    const r = costsOfYaml(`
name: t
input: [1, 8, 15, 20]
layers: [ { op: conv, name: c, out: 8, kernel: [3, 5], stride: [2, 3], padding: [1, 2], dilation: 2 } ]
`);
    // floor((15 + 2 - 2*2 - 1)/2) + 1 = 7; floor((20 + 4 - 2*4 - 1)/3) + 1 = 6
    expect(r.layers[0].outputShape).toEqual([1, 8, 7, 6]);
  });
});

describe('ShuffleNet V2 Eq. 1 and 2: MAC of 1x1 convolutions', () => {
  it.each([
    [32, 32, 56],
    [22, 44, 56],
    [13, 78, 56],
    [9, 108, 56],
    [128, 256, 14],
  ])('1x1 conv c1=%i c2=%i on %ix%i: MAC = hw(c1+c2) + c1·c2', (c1, c2, hw) => {
    const [l] = costsOfYaml(oneConv(c1, c2, hw)).layers;
    const B = hw * hw * c1 * c2;
    expect(l.madds).toBe(B);
    expect(l.memoryAccess).toBe(hw * hw * (c1 + c2) + c1 * c2);
    // Eq. 1: MAC >= 2·sqrt(hw·B) + B/hw
    expect(l.memoryAccess).toBeGreaterThanOrEqual(2 * Math.sqrt(hw * hw * B) + B / (hw * hw) - 1e-9);
  });
  it('reaches the Eq. 1 lower bound exactly when c1 = c2', () => {
    const [l] = costsOfYaml(oneConv(64, 64, 56)).layers;
    const B = 56 * 56 * 64 * 64;
    expect(l.memoryAccess).toBe(2 * Math.sqrt(56 * 56 * B) + B / (56 * 56));
  });
  it.each([1, 2, 4, 8])('grouped 1x1 conv, g=%i: B = hwc1c2/g, MAC = hw(c1+c2) + c1c2/g (Eq. 2)', (g) => {
    const [l] = costsOfYaml(oneConv(128, 128, 56, `, groups: ${g}`)).layers;
    expect(l.madds).toBe((56 * 56 * 128 * 128) / g);
    expect(l.memoryAccess).toBe(56 * 56 * 256 + (128 * 128) / g);
  });
});

/** A bottleneck unit in the V1 paper's terms: c in/out, bottleneck m, on h x w. */
const bottleneck = (c: number, m: number, hw: number, g1: number, g3: number, g2: number) => `
name: unit
input: [1, ${c}, ${hw}, ${hw}]
layers:
  - op: parallel
    name: unit
    join: add
    branches:
      - { name: shortcut, layers: [] }
      - name: main
        layers:
          - { op: conv, name: a, out: ${m}, kernel: 1, groups: ${g1}, bn: true, act: relu }
          - { op: conv, name: b, out: ${m}, kernel: 3, padding: 1, groups: ${g3}, bn: true, act: relu }
          - { op: conv, name: c, out: ${c}, kernel: 1, groups: ${g2}, bn: true }
  - { op: relu }
`;

describe('ShuffleNet V1 §3.1 unit costs', () => {
  const c = 256,
    m = 64,
    hw = 28;
  it('ResNet bottleneck: hw(2cm + 9m²)', () => {
    expect(costsOfYaml(bottleneck(c, m, hw, 1, 1, 1)).totals.madds).toBe(hw * hw * (2 * c * m + 9 * m * m));
  });
  it('ResNeXt unit (cardinality g): hw(2cm + 9m²/g)', () => {
    expect(costsOfYaml(bottleneck(c, m, hw, 1, 32, 1)).totals.madds).toBe(hw * hw * (2 * c * m + (9 * m * m) / 32));
  });
  it.each([2, 4, 8])('ShuffleNet unit, g=%i: hw(2cm/g + 9m)', (g) => {
    expect(costsOfYaml(bottleneck(c, m, hw, g, m, g)).totals.madds).toBe(hw * hw * ((2 * c * m) / g + 9 * m));
  });
});

describe('other ops', () => {
  const r = costsOfYaml(`
name: t
input: [1, 16, 8, 8]
layers:
  - { op: bn, name: bn }
  - { op: relu6, name: r6 }
  - { op: hardswish, name: hs }
  - { op: sigmoid, name: sg }
  - { op: maxpool, name: mp, kernel: 3, stride: 2, padding: 1 }
  - { op: avgpool, name: ap, kernel: 2 }
  - { op: shuffle, name: sh, groups: 4 }
  - op: parallel
    name: p
    join: concat
    split: [4, 12]
    branches:
      - { name: a, layers: [] }
      - { name: b, layers: [ { op: relu, name: r } ] }
  - { op: gap, name: gap }
  - { op: flatten, name: fl }
  - { op: linear, name: fc, out: 10 }
`);
  const by = Object.fromEntries(r.layers.map((l) => [l.name, l]));
  const n = 16 * 8 * 8;
  it('batch norm: 2 params per channel, 2 FLOPs per element, reads its 2 folded values per channel', () => {
    expect(by.bn.params).toBe(32);
    expect(by.bn.flops).toBe(2 * n);
    expect(by.bn.memoryAccess).toBe(2 * n + 32);
  });
  it('activations: relu6 2, hardswish 5, sigmoid 4 FLOPs per element', () => {
    expect(by.r6.flops).toBe(2 * n);
    expect(by.hs.flops).toBe(5 * n);
    expect(by.sg.flops).toBe(4 * n);
    expect(by.sg.memoryAccess).toBe(2 * n);
  });
  it('pooling: shapes and k²-1 / k² FLOPs per output', () => {
    expect(by.mp.outputShape).toEqual([1, 16, 4, 4]);
    expect(by.mp.flops).toBe(16 * 16 * 8);
    expect(by.ap.outputShape).toEqual([1, 16, 2, 2]);
    expect(by.ap.flops).toBe(16 * 4 * 4);
  });
  it('shuffle, split and concat do no arithmetic but read and write everything (G4)', () => {
    const m = 16 * 2 * 2;
    for (const name of ['sh', 'p.split', 'p.concat']) {
      expect(by[name].flops, name).toBe(0);
      expect(by[name].memoryAccess, name).toBe(2 * m);
    }
    expect(by['p.split'].outputShapes).toEqual([
      [1, 4, 2, 2],
      [1, 12, 2, 2],
    ]);
  });
  it('flatten is a free view; linear counts F·out (+ bias)', () => {
    expect(by.fl.memoryAccess).toBe(0);
    expect(by.fl.outputShape).toEqual([1, 16]);
    expect(by.fc.params).toBe(16 * 10 + 10);
    expect(by.fc.madds).toBe(160);
    expect(by.fc.flops).toBe(2 * 160 + 10);
  });
  it('totals are the sums of the layers, and groups sum their members', () => {
    const sum = (k: 'params' | 'madds' | 'flops' | 'memoryAccess') => r.layers.reduce((a, l) => a + l[k], 0);
    expect(r.totals.flops).toBe(sum('flops'));
    expect(r.totals.memoryAccess).toBe(sum('memoryAccess'));
    const p = r.groups.find((g) => g.name === 'p')!;
    expect(p.memoryAccess).toBe(by['p.split'].memoryAccess + by['p.b.r'].memoryAccess + by['p.concat'].memoryAccess);
    expect(p.layers).toBe(3);
  });
});

describe('summaries', () => {
  it('memory: params, input, all activations and the peak of live ones, in execution order', () => {
    // in 3x8x8 = 192; conv 8x8x8 = 512; relu 512; gap 8. Peak during relu: conv out + relu out = 1024
    const r = costsOfYaml(`
name: t
input: [1, 3, 8, 8]
layers:
  - { op: conv, name: c, out: 8, kernel: 1 }
  - { op: relu, name: r }
  - { op: gap, name: g }
  - { op: flatten, name: f }
`);
    const m = r.summary.memory;
    expect(m.paramsBytes).toBe(4 * 24);
    expect(m.inputBytes).toBe(4 * 192);
    expect(m.activationBytes).toBe(4 * (512 + 512 + 8));
    expect(m.peakActivationBytes).toBe(4 * 1024);
    expect(m.peakAt).toBe('r');
    expect(m.totalBytes).toBe(4 * (24 + 192 + 1024));
  });
  it('by operator and by category: the totals, split', () => {
    const r = costsOfYaml(`
name: t
input: [1, 16, 8, 8]
layers:
  - { op: conv, name: a, out: 16, kernel: 1, bn: true, act: relu }
  - { op: conv, name: b, depthwise: true, kernel: 3, padding: 1, bn: true }
`);
    expect(r.summary.byOp.map((b) => [b.name, b.layers])).toEqual([
      ['conv', 2],
      ['bn', 2],
      ['relu', 1],
    ]);
    expect(r.summary.byCategory.map((b) => b.name)).toEqual(['pointwise-conv', 'depthwise-conv', 'elementwise']);
    for (const key of ['params', 'madds', 'flops', 'memoryAccess'] as const) {
      expect(r.summary.byOp.reduce((a, b) => a + b[key], 0)).toBe(r.totals[key]);
      expect(r.summary.byCategory.reduce((a, b) => a + b[key], 0)).toBe(r.totals[key]);
    }
  });
});
