/**
 * calibrate and --predict through the built CLI: the profile's shape and home, predictions that add
 * up, two machines side by side. Times are never asserted (the machine is noisy); the numbers'
 * mechanics are.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import onnxProto from 'onnx-proto';
import { beforeAll, describe, expect, it } from 'vitest';
import { onnxruntime } from '../../src/measure/backend.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { kernelSignature, planKernels, substantial } from '../../src/predict/plan.ts';
import { calibrationModels } from '../../src/predict/sweep.ts';
import { cli } from '../helpers.ts';

const cache = mkdtempSync(join(tmpdir(), 'netcost-cache-'));
const env = { XDG_CACHE_HOME: cache };
const profileFile = join(cache, 'netcost', 'machine-profile.json');
const twoThreads = join(cache, 'two-threads.json');
// a chain --quick measures, held out of the two-thread calibration
const chain = calibrationModels(true).filter((m) => m.purpose === 'sweep')[3];
const heldChain = join(cache, 'held-out.onnx');
writeFileSync(heldChain, chain.bytes);

describe('calibrate and --predict', () => {
  let calibrated: ReturnType<typeof cli>;
  beforeAll(() => {
    calibrated = cli(['calibrate', '--quick', '--format', 'json'], { env, timeoutMs: 120_000 });
    const held = ['calibrate', '--quick', '--threads', '2', '-o', twoThreads, '--hold-out', heldChain];
    cli([...held, '--format', 'json'], { env, timeoutMs: 120_000 });
  }, 250_000);

  it('calibrate --hold-out keeps calibration kernels sharing a signature with the model out of the fit', async () => {
    const p = JSON.parse(readFileSync(twoThreads, 'utf8'));
    const rules = {
      onnxruntime: await onnxruntime.version(),
      level: 'all',
      block: await onnxruntime.layoutBlock(),
    } as const;
    const plan = (m: { bytes: Uint8Array; name: string }) => planKernels(importOnnx(m.bytes, { file: m.name }), rules);
    const mine = plan(chain).filter((k) => substantial(k) && !k.uncertain);
    const sigs = new Set(mine.map(kernelSignature));
    // at least the held chain's own (calibration measured it), at most every kernel of those signatures in any chain
    const everywhere = calibrationModels(true).flatMap((m) => plan(m).filter((k) => sigs.has(kernelSignature(k))));
    expect(mine.length).toBeGreaterThan(3);
    expect(p.calibration.heldOut.models).toBe(1);
    expect(p.calibration.heldOut.kernels).toBeGreaterThanOrEqual(mine.length);
    expect(p.calibration.heldOut.kernels).toBeLessThanOrEqual(everywhere.length);
    // a model that is not there stops calibrate before any timing: exit 2, one line naming it
    const r = cli(['calibrate', '--quick', '--hold-out', join(cache, 'missing.onnx')], { env });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('missing.onnx');
  });

  it('without a profile, --predict says how to make one (exit 2, one line)', () => {
    const empty = mkdtempSync(join(tmpdir(), 'netcost-empty-'));
    const r = cli(['report', 'shufflenet-v2-0.5x', '--predict'], { env: { XDG_CACHE_HOME: empty } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no machine profile at .*run 'netcost calibrate' once/);
  });

  it('calibrate --quick writes a profile that the committed JSON Schema accepts, in the cache folder', () => {
    // without a terminal: a line at each tenth of the way, and a warning only if the machine drifted meanwhile
    const lines = calibrated.stderr.trim().split('\n');
    const progress = lines.filter((l) => /^calibrate: \d+\/\d+ models \(\d+%\)$/.test(l));
    expect(progress.map((l) => l.replace(/.*\((\d+)%\)$/, '$1'))).toEqual([
      '0',
      '10',
      '20',
      '30',
      '40',
      '50',
      '60',
      '70',
      '80',
      '90',
      '100',
    ]);
    const drift = /^(netcost: )?warning: .* drifted .* during calibration/;
    expect(lines.filter((l) => !progress.includes(l) && !drift.test(l))).toEqual([]);
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
    for (const k of ['conv', 'conv-depthwise', 'conv-grouped', 'gemm', 'elementwise', 'reorder', 'data-movement'])
      expect(p.classes[k]?.samples, k).toBeGreaterThanOrEqual(3);
    // every parameter with its interval, and the interval holds the fit
    for (const f of Object.values(p.classes) as {
      params: Record<string, number>;
      lo: Record<string, number>;
      hi: Record<string, number>;
    }[])
      for (const k of Object.keys(f.params)) expect(f.lo[k] <= f.hi[k]).toBe(true);
    expect(p.engine.nchwcBlock).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(readFileSync(twoThreads, 'utf8')).machine.threads).toBe(2);
  });

  it('report --predict: the layers share the kernels; with the fixed cost they make totals.predictedMs', () => {
    const r = cli(['report', 'shufflenet-v2-0.5x', '--predict', '--format', 'json'], { env });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const layers = j.layers.reduce((a: number, l: { predictedMs: number }) => a + l.predictedMs, 0);
    expect(layers).toBeCloseTo(j.prediction.layersMs, 9);
    expect(j.totals.predictedMs).toBe(j.prediction.predictedMs);
    expect(j.prediction.predictedMs).toBeGreaterThan(layers);
    expect(j.prediction.lowMs).toBeLessThanOrEqual(j.prediction.predictedMs);
    expect(j.prediction.highMs).toBeGreaterThanOrEqual(j.prediction.predictedMs);
    // conv, batch norm and ReLU run as one kernel: the three share its time by their FLOPs
    const conv = j.layers.find((l: { name: string }) => l.name === 'conv1.conv');
    const bn = j.layers.find((l: { name: string }) => l.name === 'conv1.bn');
    expect(conv.predictedMs).toBeGreaterThan(0);
    expect(bn.predictedMs / conv.predictedMs).toBeCloseTo(bn.flops / conv.flops, 6);
    expect(conv.bound).toMatch(/^(compute|memory|balanced|overhead)$/);
    const table = cli(['report', 'shufflenet-v2-0.5x', '--predict'], { env });
    expect(table.stdout).toMatch(
      /^predicted \d+\.\d{3} ms per run \(\d+\.\d{3}-\d+\.\d{3} over the profile's uncertainty\) on /m,
    );
    expect(table.stdout).toMatch(/^roofline: peak [\d.]+ GFLOP\/s, [\d.]+ GB\/s from memory/m);
  });

  it('compare --profile a --profile b: one predicted column per machine, ranked per machine', () => {
    const r = cli([
      'compare',
      'shufflenet-v1-g1-0.5x',
      'shufflenet-v1-g8-0.5x',
      '--profile',
      profileFile,
      '--profile',
      twoThreads,
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.predicted.map((p: { profile: string }) => p.profile)).toEqual([profileFile, twoThreads]);
    expect(j.predicted.map((p: { threads: number }) => p.threads)).toEqual([1, 2]);
    for (const p of j.predicted) expect(p.predictedMs).toHaveLength(2);
    expect(j.measured).toBeUndefined();
    const table = cli([
      'compare',
      'shufflenet-v1-g1-0.5x',
      'shufflenet-v1-g8-0.5x',
      '--profile',
      profileFile,
      '--profile',
      twoThreads,
    ]);
    expect(table.stdout).toMatch(/predicted A \(ms\).*predicted B \(ms\)/);
    expect(table.stdout).toMatch(/^predicted A for .*, 1 thread .*fastest first/m);
    expect(table.stdout).toMatch(/^predicted B for .*, 2 threads .*fastest first/m);
  });

  it('one machine where one is meant: two --profile on report is one clear error', () => {
    const r = cli(['report', 'shufflenet-v2-0.5x', '--profile', profileFile, '--profile', twoThreads]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^netcost: --profile: give one machine profile here \(compare takes several/);
  });

  it('bench --per-layer --predict: predicted beside measured; a 2-thread profile for a 1-thread run is named', () => {
    const args = ['bench', 'shufflenet-v2-0.5x', '--input', '1x3x64x64', '--per-layer', '--runs', '3', '--warmup', '1'];
    const r = cli([...args, '--predict', '--format', 'json'], { env, timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.prediction.error).toBeCloseTo(j.prediction.predictedMs / j.latency.medianMs - 1, 9);
    const work = j.perLayer.layers.filter((l: { category: string }) => l.category !== 'view');
    expect(work.every((l: { predictedMs: number }) => l.predictedMs > 0)).toBe(true);
    const byCat = j.perLayer.categories.reduce((a: number, c: { predictedMs: number }) => a + c.predictedMs, 0);
    const byLayer = j.perLayer.layers.reduce((a: number, l: { predictedMs: number }) => a + l.predictedMs, 0);
    expect(byCat).toBeCloseTo(byLayer, 9);
    const other = cli([...args, '--profile', twoThreads, '--format', 'json'], { env, timeoutMs: 60_000 });
    expect(JSON.parse(other.stdout).prediction.notes).toContain(
      `${twoThreads}: the profile was made with threads 2, this run uses 1; its predictions are for 2`,
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
    expect(conv?.docString).toMatch(
      /; predicted \d+\.\d us on .* \((compute|memory|overhead)-bound|compute and memory alike\)$/,
    );
    const totals = JSON.parse(m.metadataProps?.find((p) => p.key === 'netcost.totals')?.value ?? '{}');
    const report = JSON.parse(cli(['report', onnxFile, '--predict', '--format', 'json'], { env }).stdout);
    expect(totals.predictedMs).toBe(report.totals.predictedMs);
  });

  it("guidelines --costs-only --predict: each row's predicted time, and a note computed from the model's terms", () => {
    const r = cli(['guidelines', 'G2', '--costs-only', '--predict', '--format', 'json'], { env });
    expect(r.code).toBe(0);
    const g = JSON.parse(r.stdout).results[0];
    expect(g.rows.every((x: { predictedMs: number }) => x.predictedMs > 0)).toBe(true);
    expect(g.platformNote).toMatch(/^G2 on this machine, from the latency model's terms: /);
    for (const x of g.rows) expect(x.terms.kernels).toBeGreaterThan(0);
  });
});
