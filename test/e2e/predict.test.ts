/**
 * calibrate and --predict through the built CLI: the profile's shape and home, and predictions
 * that add up. Times are never asserted (the machine is noisy); the numbers' mechanics are.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import onnxProto from 'onnx-proto';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers.ts';

const cache = mkdtempSync(join(tmpdir(), 'netcost-cache-'));
const env = { XDG_CACHE_HOME: cache };
const profileFile = join(cache, 'netcost', 'machine-profile.json');

describe('calibrate and --predict', () => {
  let calibrated: ReturnType<typeof cli>;
  beforeAll(() => {
    calibrated = cli(['calibrate', '--quick', '--format', 'json'], { env, timeoutMs: 120_000 });
  }, 150_000);

  it('without a profile, --predict says how to make one (exit 2, one line)', () => {
    const empty = mkdtempSync(join(tmpdir(), 'netcost-empty-'));
    const r = cli(['report', 'shufflenet-v2-0.5x', '--predict'], { env: { XDG_CACHE_HOME: empty } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no machine profile at .*run 'netcost calibrate' once/);
  });

  it('calibrate --quick writes a profile that the committed JSON Schema accepts, in the cache folder', () => {
    expect(calibrated.stderr).toBe('');
    expect(calibrated.code).toBe(0);
    expect(existsSync(profileFile)).toBe(true);
    const p = JSON.parse(readFileSync(profileFile, 'utf8'));
    expect(JSON.parse(calibrated.stdout)).toEqual(p);
    const schema = JSON.parse(
      readFileSync(new URL('../../configs/schema/machine-profile.schema.json', import.meta.url), 'utf8'),
    );
    const validate = new Ajv2020.default({ strict: false }).compile(schema);
    expect(validate(p), JSON.stringify(validate.errors)).toBe(true);
    expect(p.calibration.quick).toBe(true);
    for (const k of ['conv', 'pointwise', 'grouped-pointwise', 'depthwise', 'elementwise', 'concat', 'shuffle'])
      expect(p.classes[k]?.samples, k).toBeGreaterThanOrEqual(3);
    expect(p.roofline.bandwidth.length).toBeGreaterThanOrEqual(3);
  });

  it('report --predict: per-layer predictions and the fixed cost add up to totals.predictedMs', () => {
    const r = cli(['report', 'shufflenet-v2-0.5x', '--predict', '--format', 'json'], { env });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const layers = j.layers.reduce((a: number, l: { predictedMs: number }) => a + l.predictedMs, 0);
    expect(layers).toBeCloseTo(j.prediction.layersMs, 9);
    expect(j.totals.predictedMs).toBe(j.prediction.predictedMs);
    expect(j.prediction.predictedMs).toBeGreaterThan(layers);
    // conv+bn+relu run as one kernel: the time sits on the conv, the others say where they went
    const bn = j.layers.find((l: { name: string }) => l.name === 'conv1.bn');
    expect(bn).toMatchObject({ predictedMs: 0, bound: 'fused', fusedInto: 'conv1' });
    expect(j.layers.find((l: { name: string }) => l.name === 'conv1.conv').bound).toMatch(/compute|memory|overhead/);
    const table = cli(['report', 'shufflenet-v2-0.5x', '--predict'], { env });
    expect(table.stdout).toMatch(/^predicted \d+\.\d{3} ms per run on /m);
    expect(table.stdout).toMatch(/^roofline: peak [\d.]+ GFLOP\/s, [\d.]+ GB\/s from memory/m);
  });

  it('--profile FILE reads a profile from anywhere; compare --predict ranks without running', () => {
    const r = cli([
      'compare',
      'shufflenet-v1-g1-0.5x',
      'shufflenet-v1-g8-0.5x',
      '--profile',
      profileFile,
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.predicted.profile).toBe(profileFile);
    expect(j.predicted.predictedMs).toHaveLength(2);
    expect(j.measured).toBeUndefined();
  });

  it('bench --per-layer --predict sets predicted beside measured, per layer and category', () => {
    const r = cli(
      [
        'bench',
        'shufflenet-v2-0.5x',
        '--input',
        '1x3x64x64',
        '--per-layer',
        '--predict',
        '--runs',
        '3',
        '--warmup',
        '1',
        '--format',
        'json',
      ],
      { env, timeoutMs: 60_000 },
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.prediction.error).toBeCloseTo(j.prediction.predictedMs / j.latency.medianMs - 1, 9);
    const work = j.perLayer.layers.filter((l: { category: string }) => l.category !== 'view');
    expect(work.every((l: { predictedMs: number; bound: string }) => l.predictedMs > 0 && l.bound !== 'none')).toBe(
      true,
    );
    const byCat = j.perLayer.categories.reduce((a: number, c: { predictedMs: number }) => a + c.predictedMs, 0);
    expect(byCat).toBeCloseTo(
      j.perLayer.layers.reduce((a: number, l: { predictedMs: number }) => a + l.predictedMs, 0),
      9,
    );
  });

  it("annotate --predict writes each node's predicted time and bound, and the total, into the file", () => {
    const out = join(cache, 'annotated.onnx');
    const onnxFile = join(cache, 'v2.onnx');
    expect(cli(['export', 'shufflenet-v2-0.5x', '-o', onnxFile]).code).toBe(0);
    const r = cli(['annotate', onnxFile, '-o', out, '--predict'], { env });
    expect(r.code).toBe(0);
    const m = onnxProto.onnx.ModelProto.decode(readFileSync(out));
    const conv = m.graph?.node?.find((n) => n.name === 'conv1.conv');
    expect(conv?.docString).toMatch(/; predicted \d+\.\d us on .* \((compute|memory|overhead)-bound\)$/);
    const bn = m.graph?.node?.find((n) => n.name === 'conv1.bn');
    expect(bn?.docString).toMatch(/; runs inside layer conv1's kernel on /);
    const totals = JSON.parse(m.metadataProps?.find((p) => p.key === 'netcost.totals')?.value ?? '{}');
    const report = JSON.parse(cli(['report', onnxFile, '--predict', '--format', 'json'], { env }).stdout);
    expect(totals.predictedMs).toBe(report.totals.predictedMs);
  });

  it('guidelines --costs-only --predict answers in milliseconds with the bound of each row', () => {
    const r = cli(['guidelines', 'G2', '--costs-only', '--predict', '--format', 'json'], { env });
    expect(r.code).toBe(0);
    const g = JSON.parse(r.stdout).results[0];
    expect(g.rows.every((x: { predictedMs: number }) => x.predictedMs > 0)).toBe(true);
    expect(g.platformNote).toMatch(/^G2 on this machine: predicted time is \d+% compute-bound/);
  });
});
