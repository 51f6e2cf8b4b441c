/** The deploy view: BN folded into the preceding conv, activations fused, nothing else changed. */
import { describe, expect, it } from 'vitest';
import { costReport } from '../../src/pipeline.ts';
import { resolveModel } from '../../src/spec/load.ts';

describe('deploy view', () => {
  it.each(['shufflenet-v2-1.0x', 'shufflenet-v1-g3-1.0x', 'mobilenet-v2-1.0x'])(
    '%s: same MAdds; BN params become conv biases; fewer layers and less MAC',
    async (name) => {
      const m = await resolveModel(name);
      const spec = costReport(m);
      const dep = costReport(m, { view: 'deploy' });
      const bns = spec.layers.filter((l) => l.op === 'bn');
      const acts = spec.layers.filter((l) => ['relu', 'relu6'].includes(l.op));
      const fusedActs = dep.layers.filter((l) => l.act !== undefined).length;
      expect(dep.totals.madds).toBe(spec.totals.madds);
      // every BN in these models follows a conv: its 2C params become C bias params
      expect(dep.totals.params).toBe(spec.totals.params - bns.reduce((a, l) => a + l.params / 2, 0));
      expect(dep.layers.length).toBe(spec.layers.length - bns.length - fusedActs);
      expect(fusedActs).toBeLessThanOrEqual(acts.length);
      expect(dep.totals.memoryAccess).toBeLessThan(spec.totals.memoryAccess);
      // every spec layer is accounted for exactly once
      const covered = dep.layers.flatMap((l) => l.fusedFrom ?? [l.name]);
      expect(covered.sort()).toEqual(spec.layers.map((l) => l.name).sort());
    },
  );

  it('names a fused conv+bn+relu after its group and keeps the chain in fusedFrom', async () => {
    const dep = costReport(await resolveModel('shufflenet-v2-1.0x'), { view: 'deploy' });
    const pw1 = dep.layers.find((l) => l.name === 'stage3.unit2.branch2.pw1')!;
    expect(pw1.fusedFrom).toEqual([
      'stage3.unit2.branch2.pw1.conv',
      'stage3.unit2.branch2.pw1.bn',
      'stage3.unit2.branch2.pw1.relu',
    ]);
    expect(pw1.bias).toBe(true);
    expect(pw1.act).toBe('relu');
    // MAC of the fused layer: its input, its weights and bias, its output; no intermediate tensors
    const c = 116,
      hw = 14 * 14;
    expect(pw1.memoryAccess).toBe(c * hw + (c * c + c) + c * hw);
    // FLOPs: 2 per MAdd, 1 per output for the bias, 1 per output for the ReLU
    expect(pw1.flops).toBe(2 * c * c * hw + 2 * c * hw);
  });

  it('leaves a ReLU after an add or a concat unfused (only a conv takes activations)', async () => {
    const dep = costReport(await resolveModel('shufflenet-v1-g3-1.0x'), { view: 'deploy' });
    expect(dep.layers.find((l) => l.name === 'stage2.unit2.relu')?.op).toBe('relu');
    expect(dep.layers.find((l) => l.name === 'stage2.unit1.main.dwconv')?.fusedFrom).toEqual([
      'stage2.unit1.main.dwconv.conv',
      'stage2.unit1.main.dwconv.bn',
    ]);
  });
});
