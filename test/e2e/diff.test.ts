/**
 * `netcost diff A B` (issue 31): a ResNet-50 against the same network with its third stage pruned
 * shows the changed layers only, in every format; layers whose names differ are matched by position.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import type { DiffResult } from '../../src/cost/diff.ts';
import { cli } from '../helpers.ts';
import { testProfile } from '../profiles.ts';

const SPEC = 'configs/examples/resnet-50.yaml';
const full = `${SPEC}#resnet-50`;
const narrow = `${SPEC}#resnet-50-layer3-narrow`;
const short = `${SPEC}#resnet-50-layer3-short`;
const dir = mkdtempSync(join(tmpdir(), 'netcost-diff-'));

const diffJson = (...args: string[]): DiffResult => {
  const r = cli(['diff', ...args, '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as DiffResult;
};
const changedNames = (d: DiffResult) => d.rows.filter((r) => r.status !== 'same').map((r) => r.b ?? r.a);

describe('netcost diff', () => {
  it('ResNet-50 (25,557,032 params) against a narrower third stage: only that stage and what it feeds change', () => {
    const d = diffJson(full, narrow);
    expect(d.a.totals.params).toBe(25_557_032);
    const changed = changedNames(d);
    // every layer of layer3 (6 units), and the two layers of layer4 that read its output
    expect(changed.every((n) => n?.startsWith('layer3.') || n?.startsWith('layer4.unit1.'))).toBe(true);
    expect(changed.filter((n) => n?.startsWith('layer4.'))).toEqual([
      'layer4.unit1.shortcut.proj.conv',
      'layer4.unit1.main.conv1.conv',
    ]);
    expect(changed).toHaveLength(62 + 2);
    // a 3x3 convolution of the stage, 256 -> 192 channels at 14x14: C·C·9·196 MAdds each side
    const conv2 = d.rows.find((r) => r.b === 'layer3.unit2.main.conv2.conv');
    expect([conv2?.before?.madds, conv2?.after?.madds]).toEqual([256 * 256 * 9 * 196, 192 * 192 * 9 * 196]);
    expect(d.rows.filter((r) => r.status === 'same')).toHaveLength(175 - 64);
  });

  it('a shorter third stage: its last two units (20 layers) removed, nothing else', () => {
    const d = diffJson(full, short);
    const removed = d.rows.filter((r) => r.status === 'removed').map((r) => r.a);
    expect(removed).toHaveLength(20);
    expect(removed.every((n) => /^layer3\.unit[56]\./.test(n ?? ''))).toBe(true);
    expect(d.rows.filter((r) => r.status === 'changed' || r.status === 'added')).toEqual([]);
    expect((d.b.totals.madds ?? 0) - (d.a.totals.madds ?? 0)).toBe(-2 * (2 * 256 * 1024 + 256 * 256 * 9) * 196);
  });

  it('the same network with every node renamed: all matched by position, nothing changed', () => {
    const exported = join(dir, 'x.onnx');
    expect(cli(['export', 'shufflenet-v2-0.5x', '-o', exported]).code).toBe(0);
    // as another exporter wrote it (netcost groups its own helper nodes back into layers by name)
    const m = onnxProto.onnx.ModelProto.decode(readFileSync(exported));
    m.producerName = 'other';
    const a = join(dir, 'a.onnx');
    writeFileSync(a, onnxProto.onnx.ModelProto.encode(m).finish());
    for (const [i, n] of (m.graph?.node ?? []).entries()) n.name = `node_${i}`;
    const b = join(dir, 'b.onnx');
    writeFileSync(b, onnxProto.onnx.ModelProto.encode(m).finish());
    const d = diffJson(a, b);
    expect(d.rows.filter((r) => r.status !== 'same')).toEqual([]);
    expect(d.rows.every((r) => r.byPosition === true || r.a === r.b)).toBe(true);
    expect(d.rows.filter((r) => r.byPosition).length).toBeGreaterThan(100);
  });

  it('every format shows the changed layers only', () => {
    for (const format of ['table', 'tree', 'md', 'csv', 'html']) {
      const r = cli(['diff', full, short, '--format', format]);
      expect(r.code, `${format}: ${r.stderr}`).toBe(0);
      // the page's inline JSON result holds every row, as --format json does
      const shown = r.stdout.replace(/<script[^>]*application\/json[\s\S]*?<\/script>/, '');
      expect(shown, format).toContain('layer3.unit6.main.conv2.conv');
      expect(shown, format).not.toContain('layer3.unit4.main.conv2.conv');
    }
    const svg = cli(['diff', full, short, '--format', 'svg']);
    expect(svg.code, svg.stderr).toBe(0);
    expect(svg.stdout).toMatch(/^<svg/);
    expect(cli(['diff', full, short]).stdout).toMatch(/0 changed, 0 added, 20 removed; 155 unchanged layers folded/);
  });

  it('--profile adds predicted time, its totals those report --profile gives each model', () => {
    const profile = join(dir, 'profile.json');
    writeFileSync(profile, JSON.stringify(testProfile()));
    const d = diffJson(full, narrow, '--profile', profile);
    const predicted = (m: string) =>
      JSON.parse(cli(['report', m, '--profile', profile, '--format', 'json']).stdout).totals.predictedMs;
    expect(d.time).toBe('predicted');
    expect(d.a.totals.ms).toBeCloseTo(predicted(full), 9);
    expect(d.b.totals.ms).toBeCloseTo(predicted(narrow), 9);
  });
});
