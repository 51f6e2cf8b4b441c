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
  it('--units G keeps three significant digits (40.48 M MAdds is 0.0405 G), params too, and k is K', () => {
    const madds = 40.48e6;
    expect(cli(['list', '--units', 'G']).stdout).toMatch(
      new RegExp(`shufflenet-v2-0\\.5x\\s+0\\.00137\\s+${(madds / 1e9).toPrecision(3).replace('.', '\\.')}\\s`),
    );
    expect(cli(['list', '--units', 'M']).stdout).toMatch(/params \(M\)\s+MAdds \(M\)/);
    expect(cli(['list', '--units', 'k']).stdout).toBe(cli(['list', '--units', 'K']).stdout);
    // a title that names its unit takes the scale inside it
    const head = cli(['report', 'shufflenet-v2-0.5x', '--units', 'G']).stdout.split('\n')[2];
    expect(head).toMatch(/params \(G\)\s+MAdds \(G\)\s+FLOPs \(G\)\s+MAC \(G el\)\s/);
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

  it('table (with --legend) and md carry a legend that states the conventions and units', () => {
    const plain = cli(['report', 'shufflenet-v1-g3-1.0x']).stdout;
    expect(plain).not.toMatch(/Legend:|MAdds: multiply-adds/);
    expect(plain.trimEnd().split('\n').at(-1)).toBe('(--legend: what each column counts and the rule of each op)');
    const t = cli(['report', 'shufflenet-v1-g3-1.0x', '--legend']).stdout;
    expect(t).toMatch(/MAdds: multiply-adds of convolutions and linear layers only/);
    expect(t).toMatch(/MAC: memory access cost/);
    expect(t).toMatch(/By stage:/);
    expect(t).not.toMatch(/--legend:/);
    const md = cli(['report', 'shufflenet-v1-g3-1.0x', '--format', 'md', '--depth', '2']).stdout;
    expect(md).toMatch(/^### netcost report: shufflenet-v1-g3-1\.0x/);
    expect(md).toMatch(/^#### By stage$/m);
    expect(md).toMatch(/^- MAdds: multiply-adds/m);
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
      /--sort speed: the table has no such number column; choose one of params, madds, flops, mac, bytes/,
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
      /--format 'xml' is not one of table, tree, md, csv, json, html, svg/,
    ));
  it('an unknown flag is a usage error', () => {
    expect(cli(['report', 'shufflenet-v2-1.0x', '--bogus']).code).toBe(2);
  });
});
