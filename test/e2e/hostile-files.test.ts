/**
 * Hostile input, round four (issue 32): writes through -o and check --update that lost or widened
 * a file, and a config another user owns. Each case ends in a correct result or one line with
 * exit 2 naming the file, node or field and the fix.
 */
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectClean, hostileKit } from '../hostile-kit.ts';

const { dir, file, run, spec } = hostileKit('r4-files');

describe('-o loses nothing and widens nothing', () => {
  const s = spec('s.yaml', '  - { op: conv, out: 8, kernel: 3 }');

  it('check --update -o the baseline file: refused before anything is written', () => {
    const bl = join(dir, 'bl.json');
    expect(run(['check', s, '--baseline', bl, '--update']).code).toBe(0);
    const before = readFileSync(bl, 'utf8');
    expectClean(run(['check', s, '--baseline', bl, '--update', '-o', bl]), /-o .*bl\.json: is the baseline file/);
    expect(readFileSync(bl, 'utf8')).toBe(before);
  });

  it('check --update -o a file in the baseline folder (a model new to it): refused, nothing written', () => {
    const bld = join(dir, 'bld');
    mkdirSync(bld);
    expectClean(
      run(['check', s, '--baseline', bld, '--update', '-o', join(bld, 's.json')]),
      /: is inside the baseline folder .*bld; the report would replace a baseline/,
    );
    expect(existsSync(join(bld, 's.json'))).toBe(false);
  });

  it('-o over a read-only file is refused, and the file stays', () => {
    const ro = file('ro.txt', 'keep me\n');
    chmodSync(ro, 0o444);
    expectClean(run(['report', s, '-o', ro]), /ro\.txt: is read-only; make it writable \(chmod u\+w\) or give another/);
    expect(readFileSync(ro, 'utf8')).toBe('keep me\n');
    expect(statSync(ro).mode & 0o777).toBe(0o444);
  });

  it("a rewrite keeps the file's permissions (0600 stays 0600)", () => {
    const p = file('private.csv', 'old\n');
    chmodSync(p, 0o600);
    expect(run(['report', s, '--format', 'csv', '-o', p]).code).toBe(0);
    expect(readFileSync(p, 'utf8')).toMatch(/^model,name,op,/);
    expect(statSync(p).mode & 0o777).toBe(0o600);
  });

  it('-o to a dangling symlink writes the file it names and keeps the link', () => {
    const link = join(dir, 'dangling.txt');
    symlinkSync('made-through-link.txt', link);
    expect(run(['report', s, '-o', link]).code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'made-through-link.txt'), 'utf8')).toMatch(/^s {2}input 1x3x8x8/);
  });
});

describe('a config another user owns is not trusted', () => {
  it("a parent folder's config owned by uid 4321: ignored with a warning, nothing written where it points", () => {
    const parent = join(dir, 'shared');
    const child = join(parent, 'me');
    mkdirSync(child, { recursive: true });
    const evil = join(dir, 'evil-baselines');
    const config = join(parent, 'netcost.config.json');
    writeFileSync(config, JSON.stringify({ models: ['builtin:examples/resnext-unit'], baseline: evil }));
    chownSync(config, 4321, 4321);
    const r = run(['check', '--update'], child);
    expect(r.stderr).toMatch(/ignoring \.\.\/netcost\.config\.json: it belongs to another user \(uid 4321\)/);
    expect(r.code).toBe(2);
    expect(existsSync(evil)).toBe(false);
  });

  it("an unrelated package.json that does not parse, between here and the project's config, is passed over", () => {
    const project = join(dir, 'proj');
    mkdirSync(join(project, 'pkg'), { recursive: true });
    writeFileSync(join(project, 'netcost.config.json'), JSON.stringify({ models: ['builtin:examples/resnext-unit'] }));
    writeFileSync(join(project, 'pkg', 'package.json'), '{ "name": "broken", ');
    const r = run(['check', '--update'], join(project, 'pkg'));
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(project, 'netcost-baselines', 'resnext-unit.json'))).toBe(true);
  });
});
