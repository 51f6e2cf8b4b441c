/**
 * Sweeps (issue 31): `--dim batch=1,8,32` and `--input` given twice ask for the model at each
 * size; report and compare give one row per size, bench times each with its throughput.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers.ts';
import { expectClean } from '../hostile-kit.ts';
import { onnxModel, type TensorSpec } from '../onnx-models.ts';

const w = (name: string, dims: number[]): TensorSpec => ({
  name,
  dims,
  floats: new Array(dims.reduce((a, b) => a * b, 1)).fill(0.01),
});
const dir = mkdtempSync(join(tmpdir(), 'netcost-sweep-'));
/** x[batch, 3, h, h] -> 3x3 conv to 16 -> relu -> 3x3 stride-2 conv to 32 */
const model = join(dir, 'batch.onnx');
writeFileSync(
  model,
  onnxModel({
    inputs: [{ name: 'x', dims: ['batch', 3, 'h', 'h'] }],
    initializers: [w('w1', [16, 3, 3, 3]), w('w2', [32, 16, 3, 3])],
    nodes: [
      { op: 'Conv', name: 'c1', inputs: ['x', 'w1'], outputs: ['a'], attrs: { pads: [1, 1, 1, 1] } },
      { op: 'Relu', name: 'r1', inputs: ['a'], outputs: ['b'] },
      { op: 'Conv', name: 'c2', inputs: ['b', 'w2'], outputs: ['y'], attrs: { pads: [1, 1, 1, 1], strides: [2, 2] } },
    ],
    outputs: ['y'],
  }),
);
/** the closed form: batch x (16·3·9·h² + 32·16·9·(h/2)²) */
const madds = (batch: number, h: number) => batch * (16 * 27 * h * h + 32 * 16 * 9 * (h / 2) ** 2);
type Row = { model: string; input: number[]; totals: { madds: number } };
const rows = (stdout: string) => (JSON.parse(stdout) as { models: Row[] }).models;

describe('sizes of real inputs', () => {
  it('two minutes of 16 kHz audio (1,920,000 samples) is a size netcost reads; the hint speaks of audio too', () => {
    const audio = join(dir, 'audio.onnx');
    writeFileSync(
      audio,
      onnxModel({
        inputs: [{ name: 'pcm', dims: [1, 'samples'] }],
        nodes: [{ op: 'Abs', name: 'abs', inputs: ['pcm'], outputs: ['y'] }],
        outputs: ['y'],
      }),
    );
    const r = cli(['report', audio, '--dim', 'samples=1920000', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).layers[0].outputShape).toEqual([1, 1_920_000]);
    expectClean(cli(['report', audio, '--input', 'pcm=1xlots']), /1x16000 for a second of 16 kHz audio/);
  });
});

describe('sweeps', () => {
  it('report --dim batch=1,8,32 gives three rows, each the closed form at its batch', () => {
    const r = cli(['report', model, '--dim', 'batch=1,8,32', '--dim', 'h=64', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const got = rows(r.stdout);
    expect(got.map((m) => m.model)).toEqual(['batch (batch=1)', 'batch (batch=8)', 'batch (batch=32)']);
    expect(got.map((m) => m.totals.madds)).toEqual([1, 8, 32].map((b) => madds(b, 64)));
  });

  it('two varying flags give their product, the last varying fastest', () => {
    const r = cli(['compare', model, '--dim', 'batch=1,8', '--dim', 'h=32,64', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const got = rows(r.stdout);
    expect(got.map((m) => m.input)).toEqual([
      [1, 3, 32, 32],
      [1, 3, 64, 64],
      [8, 3, 32, 32],
      [8, 3, 64, 64],
    ]);
    expect(got.map((m) => m.totals.madds)).toEqual([madds(1, 32), madds(1, 64), madds(8, 32), madds(8, 64)]);
  });

  it('--input twice sweeps a spec: the 224 row is the report at 224', () => {
    const r = cli([
      'report',
      'shufflenet-v2-0.5x',
      '--input',
      '1x3x160x160',
      '--input',
      '1x3x224x224',
      '--format',
      'json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const single = JSON.parse(cli(['report', 'shufflenet-v2-0.5x', '--format', 'json']).stdout).totals.madds;
    const got = rows(r.stdout);
    expect(got.map((m) => m.model)).toEqual(['shufflenet-v2-0.5x (1x3x160x160)', 'shufflenet-v2-0.5x (1x3x224x224)']);
    expect(got[1].totals.madds).toBe(single);
    expect(got[0].totals.madds).toBeLessThan(single);
  });

  it('bench --dim batch=1,8 times each size and gives its throughput (batch / latency)', () => {
    const r = cli([
      'bench',
      model,
      '--dim',
      'batch=1,8',
      '--dim',
      'h=32',
      '--runs',
      '5',
      '--warmup',
      '1',
      '--format',
      'json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { models: Row[]; measured: { latencies: { latency: { medianMs: number } }[] } };
    expect(j.models.map((m) => m.input[0])).toEqual([1, 8]);
    expect(j.measured.latencies).toHaveLength(2);
    const table = cli(['bench', model, '--dim', 'batch=1,8', '--dim', 'h=32', '--runs', '5', '--warmup', '1']).stdout;
    expect(table).toMatch(/items\/s/);
  });

  it('refused: a sweep where one size is taken, --per-layer over a sweep, a --dim name twice, too many sizes', () => {
    expectClean(
      cli(['annotate', model, '--dim', 'batch=1,8', '--dim', 'h=8', '-o', join(dir, 'a.onnx')]),
      /annotate takes one size per input; 2 were given .* a sweep is for report, compare and bench/,
    );
    expectClean(
      cli(['bench', model, '--dim', 'batch=1,8', '--dim', 'h=8', '--per-layer']),
      /--per-layer times one size; drop it, or give --input and --dim one size each/,
    );
    expectClean(
      cli(['report', model, '--dim', 'batch=1', '--dim', 'batch=8']),
      /two --dim flags for 'batch'; give its sizes in one: batch=1,8/,
    );
    const many = Array.from({ length: 9 }, (_, i) => i + 1).join(',');
    expectClean(
      cli(['report', model, '--dim', `batch=${many}`, '--dim', `h=${many}`]),
      /ask for 81 sizes; a sweep takes at most 64/,
    );
  });
});

describe('a project config binds sizes and values as the flags do', () => {
  it('dims in netcost.config.json size the model check records; a flag still wins', () => {
    const project = mkdtempSync(join(tmpdir(), 'netcost-config-dims-'));
    writeFileSync(join(project, 'm.onnx'), readFileSync(model));
    writeFileSync(
      join(project, 'netcost.config.json'),
      JSON.stringify({ models: ['m.onnx'], dims: { batch: 2, h: 16 }, values: { unused: [1, 2] } }),
    );
    // a value for an input the model lacks is named, as --value would be
    const bad = cli(['check', '--update'], { cwd: project });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unused/);
    writeFileSync(
      join(project, 'netcost.config.json'),
      JSON.stringify({ models: ['m.onnx'], dims: { batch: 2, h: 16 } }),
    );
    const r = cli(['check', '--update'], { cwd: project });
    expect(r.code, r.stderr).toBe(0);
    const recorded = JSON.parse(readFileSync(join(project, 'netcost-baselines', 'm.json'), 'utf8'));
    expect(JSON.stringify(recorded)).toContain(String(madds(2, 16)));
    // the flag wins: batch 1 halves every count, and the changed input fails the check
    const flag = cli(['check', '--dim', 'batch=1', '--dim', 'h=16'], { cwd: project });
    expect(flag.code).toBe(1);
    expect(flag.stdout).toMatch(/madds\s+811,008\s+405,504\s+-50\.00%/);
  });
});
