/**
 * The output options every command shares, checked against the JSON of the same run (the
 * library's result, which no option shapes): --columns, --sort and --top on any command's main
 * table, --format tree, and CSV and --units of any command.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers.ts';
import { testProfile } from '../profiles.ts';

const json = (args: string[]) => JSON.parse(cli([...args, '--format', 'json']).stdout);

describe('--columns adds what a layer is: kernel, stride, groups, dtype', () => {
  it("report --columns kernel,stride,groups: each conv's own attributes, blank for layers without them", () => {
    const r = json(['report', 'shufflenet-v1-g3-1.0x']);
    const csv = cli([
      'report',
      'shufflenet-v1-g3-1.0x',
      '--columns',
      'kernel,stride',
      '--columns',
      'groups',
      '--format',
      'csv',
    ]);
    const [head, ...rows] = csv.stdout.trim().split('\n');
    const cols = head.split(',');
    expect(cols.slice(0, 8)).toEqual(['model', 'name', 'op', 'output', 'kernel', 'stride', 'groups', 'params']);
    const byName = new Map(rows.map((l) => [l.split(',')[1], l.split(',')]));
    for (const l of r.layers) {
      const row = byName.get(l.name) as string[];
      expect(row[4], l.name).toBe(l.kernel ? l.kernel.join('x') : '');
      expect(row[6], l.name).toBe(l.groups === undefined ? '' : String(l.groups));
    }
    // the paper's grouped 1x1 convolution: g = 3
    expect(r.layers.some((l: { kernel?: number[]; groups?: number }) => l.kernel?.[0] === 1 && l.groups === 3)).toBe(
      true,
    );
    const table = cli(['report', 'shufflenet-v1-g3-1.0x', '--columns', 'groups']).stdout.split('\n');
    expect(table[2]).toMatch(/^layer\s+op\s+output\s+groups\s+params/);
  });

  it('a column the table does not have is one line naming those it has', () => {
    const r = cli(['report', 'shufflenet-v2-0.5x', '--columns', 'colour']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^netcost: --columns colour: the table has no such column; name one to add or keep, -name to drop: .*kernel/,
    );
  });

  it('an exact list (--columns madds,mac), or -name to drop one, in every format', () => {
    const csv = cli(['report', 'shufflenet-v2-0.5x', '--columns', 'madds,mac', '--format', 'csv']).stdout;
    expect(csv.split('\n')[0]).toBe('model,name,madds,memoryAccess');
    const exact = cli(['report', 'shufflenet-v2-0.5x', '--columns', 'madds', '--columns', 'mac']).stdout.split('\n');
    expect(exact[2]).toMatch(/^layer\s+MAdds\s+MAC \(el\)$/);
    const dropped = cli(['report', 'shufflenet-v2-0.5x', '--columns=-flops,-bytes', '--columns', 'kernel']).stdout;
    expect(dropped.split('\n')[2]).toMatch(/^layer\s+op\s+output\s+kernel\s+params\s+MAdds\s+MAC \(el\)\s+FLOP\/B\s/);
  });
});

describe('--sort and --top on any command', () => {
  it('compare --sort mac --top 2: the two models with the most memory access, largest first', () => {
    const all = json(['compare', 'shufflenet-v1-g*-1.0x']).models as {
      model: string;
      totals: { memoryAccess: number };
    }[];
    const largest = [...all].sort((a, b) => b.totals.memoryAccess - a.totals.memoryAccess).slice(0, 2);
    const csv = cli(['compare', 'shufflenet-v1-g*-1.0x', '--sort', 'mac', '--top', '2', '--format', 'csv']).stdout;
    expect(
      csv
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[0]),
    ).toEqual(largest.map((m) => m.model));
    const table = cli(['compare', 'shufflenet-v1-g*-1.0x', '--sort', 'mac', '--top', '2']).stdout;
    expect(table).toContain('... 3 more rows (the 2 largest by mac shown)');
  });

  it('list --sort madds --top 1: the built-in with the most multiply-adds', () => {
    const models = json(['list']).models as { name: string; madds: number }[];
    const top = [...models].sort((a, b) => b.madds - a.madds)[0];
    const out = cli(['list', '--sort', 'madds', '--top', '1', '--format', 'csv']).stdout.trim().split('\n');
    expect(out).toHaveLength(2);
    expect(out[1].split(',')[0]).toBe(top.name);
  });
});

describe('--format tree', () => {
  it('shows every level down to --depth, each group with its totals and its members indented under it', () => {
    const r = json(['report', 'shufflenet-v2-0.5x']);
    const lines = cli(['report', 'shufflenet-v2-0.5x', '--format', 'tree', '--depth', '2']).stdout.split('\n');
    const stage2 = r.groups.find((g: { name: string }) => g.name === 'stage2');
    const at = lines.findIndex((l) => /^stage2\s+\[stage\]/.test(l));
    expect(lines[at]).toContain(stage2.params.toLocaleString('en-US'));
    // its four units, indented one level, then the next stage at the top level
    expect(lines.slice(at + 1, at + 5).map((l) => /^ {2}(stage2\.unit\d)\s/.exec(l)?.[1])).toEqual(
      [1, 2, 3, 4].map((i) => `stage2.unit${i}`),
    );
    expect(lines[at + 5]).toMatch(/^stage3\s+\[stage\]/);
  });
});

describe('a very long per-layer table starts at the levels that fit, as torchinfo does', () => {
  const deep = join(mkdtempSync(join(tmpdir(), 'netcost-deep-')), 'deep.yaml');
  writeFileSync(
    deep,
    [
      'name: deep',
      'input: [1, 8, 16, 16]',
      'blocks:',
      '  stage:',
      '    params: { n: null }',
      '    layers:',
      '      - { op: repeat, count: $n, as: i, name: "unit${i + 1}", layers: [ { op: conv, name: c, out: 8, ' +
        'kernel: 3, padding: 1, bn: true, act: relu } ] }',
      'layers:',
      ...[1, 2, 3].map((k) => `  - { op: block, use: stage, name: s${k}, args: { n: 40 } }`),
    ].join('\n'),
  );
  /** rows of the per-layer table: those before its total */
  const rows = (text: string) => {
    const lines = text.split('\n');
    return lines
      .slice(
        0,
        lines.findIndex((l) => l.startsWith('total')),
      )
      .filter((l) => /^s\d/.test(l)).length;
  };

  it('360 layers in 3 stages of 40 units: the stages, a line saying so; --depth all and json keep every layer', () => {
    const text = cli(['report', deep]).stdout;
    expect(rows(text)).toBe(3);
    expect(text).toMatch(/\.\.\. 360 layers, shown to depth 1: --depth N shows N levels, --depth all every layer/);
    expect(text).not.toMatch(/By stage:/);
    expect(rows(cli(['report', deep, '--depth', 'all']).stdout)).toBe(360);
    expect(rows(cli(['report', deep, '--depth', '2']).stdout)).toBe(120);
    expect(json(['report', deep]).layers).toHaveLength(360);
    // a model under 250 layers prints whole
    expect(cli(['report', 'shufflenet-v2-1.0x']).stdout).toMatch(/stage4\.unit4\.branch2\.pw2\.relu/);
  });
});

describe('a terminal of COLUMNS columns', () => {
  const widest = (text: string) => Math.max(...text.split('\n').map((l) => l.length));
  const profile = join(mkdtempSync(join(tmpdir(), 'netcost-columns-')), 'profile.json');
  writeFileSync(profile, JSON.stringify(testProfile()));

  it('COLUMNS=100: report, compare --profile (its per-model table in blocks) and check fit; 250 hides nothing', () => {
    const at = (columns: string, args: string[]) => cli(args, { env: { COLUMNS: columns } });
    const report = at('100', ['report', 'shufflenet-v2-1.0x', '--profile', profile]);
    expect(widest(report.stdout)).toBeLessThanOrEqual(100);
    expect(report.stdout).toMatch(/\(hidden to fit 100 columns: MAC \(bytes\)/);
    const compare = at('100', ['compare', 'shufflenet-v2-*', '--profile', profile]);
    expect(widest(compare.stdout)).toBeLessThanOrEqual(100);
    expect(compare.stdout).toMatch(/shufflenet-v2-official-2\.0x/);
    const check = at('100', ['check', 'shufflenet-v2-0.5x', '--baseline', join(tmpdir(), 'netcost-none.json')]);
    expect(widest(check.stdout)).toBeLessThanOrEqual(100);
    const wide = at('250', ['report', 'shufflenet-v2-1.0x', '--profile', profile]).stdout;
    expect(wide).not.toMatch(/hidden to fit/);
    expect(wide.split('\n').find((l) => l.startsWith('layer'))).toMatch(/MAC \(bytes\)\s+FLOP\/B\s+MAdds %\s+MAC %/);
  });
});
