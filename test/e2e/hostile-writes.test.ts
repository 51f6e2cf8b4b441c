/**
 * Hostile input, round three: writes. Nothing netcost reads is replaced by what it writes, one
 * baseline has one lock however it is named, and a killed run's temporary file does not outlive
 * the next write.
 */
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../../src/onnx/export.ts';
import { graphOf } from '../../src/pipeline.ts';
import { resolveModel } from '../../src/spec/load.ts';
import { expectClean, hostileKit } from '../hostile-kit.ts';

const { dir, file, run } = hostileKit('writes');
const model = file('m.onnx', exportOnnx(graphOf(await resolveModel('shufflenet-v2-0.5x'))));
const modelBytes = readFileSync(model);
const spec = file('s.yaml', 'name: s\ninput: [1, 3, 8, 8]\nlayers: [ { op: conv, out: 8, kernel: 3 } ]\n');
const specText = readFileSync(spec, 'utf8');

describe('an output over an input is refused, and the input stays as it was', () => {
  it.each([
    ['report m.onnx -o m.onnx', ['report', model, '-o', model]],
    ['report m.onnx -o (a symlink to m.onnx)', ['report', model, '-o', symlinkTo(model, 'link.onnx')]],
    ['report m.onnx -o (a hard link to m.onnx)', ['report', model, '-o', hardLinkTo(model, 'hard.onnx')]],
    ['annotate m.onnx -o m.onnx', ['annotate', model, '-o', model]],
    ['compare m.onnx s.yaml -o s.yaml', ['compare', model, spec, '-o', spec]],
  ])('%s', (_, args) => {
    expectClean(run(args), /: is (an input of this command|the input .*); writing there would replace it/);
    expect(readFileSync(model).equals(modelBytes)).toBe(true);
    expect(readFileSync(spec, 'utf8')).toBe(specText);
  });

  it('export s.yaml -o s.yaml', () => {
    expectClean(run(['export', spec, '-o', spec]), /s\.yaml: is an input of this command/);
    expect(readFileSync(spec, 'utf8')).toBe(specText);
  });

  it('check --update rewrites the baseline it read (that is its job)', () => {
    const base = join(dir, 'base.json');
    expect(run(['check', spec, '--baseline', base, '--update']).code).toBe(0);
    // 8 filters of 3x3x3 over 6x6 outputs, then 16
    expect(readFileSync(base, 'utf8')).toContain('"totals": {"params":216,"madds":7776');
    writeFileSync(spec.replace('s.yaml', 's2.yaml'), specText.replace('out: 8', 'out: 16'));
    const r = run(['check', spec.replace('s.yaml', 's2.yaml'), '--baseline', base, '--update']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(base, 'utf8')).toContain('"totals": {"params":432,"madds":15552');
  });
});

function symlinkTo(target: string, name: string): string {
  const p = join(dir, name);
  symlinkSync(target, p);
  return p;
}
function hardLinkTo(target: string, name: string): string {
  const p = join(dir, name);
  linkSync(target, p);
  return p;
}

describe('locks and temporary files', () => {
  it('a baseline named through a symlink takes the lock of its target', () => {
    const real = join(dir, 'real.json');
    const link = symlinkTo(real, 'alias.json');
    writeFileSync(`${real}.lock`, String(process.pid)); // a live update through the real name
    expectClean(run(['check', spec, '--baseline', link, '--update']), /another netcost \(process \d+\) is updating it/);
  });

  it('a lock that is a folder: one line naming it', () => {
    const base = join(dir, 'dirlock.json');
    mkdirSync(`${base}.lock`);
    expectClean(
      run(['check', spec, '--baseline', base, '--update']),
      /dirlock\.json\.lock: is a folder, not a lock netcost wrote; remove it/,
    );
  });

  it('--update into a new folder under a file: one line', () => {
    const f = file('plain', 'x');
    expectClean(
      run(['check', spec, '--baseline', join(f, 'sub', 'base'), '--update']),
      /cannot create the folder \(E(NOTDIR|EXIST)\)/,
    );
  });

  it("a killed run's temporary file is removed by the next write to the same target", () => {
    const out = join(dir, 'out.json');
    // a pid past Linux's pid_max: no process has it
    const orphan = join(dir, '.out.json.4194999.tmp');
    writeFileSync(orphan, 'x'.repeat(1000));
    expect(run(['report', 'shufflenet-v2-0.5x', '--format', 'json', '-o', out]).code).toBe(0);
    expect(existsSync(orphan)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('.out.json.'))).toEqual([]);
    expect(JSON.parse(readFileSync(out, 'utf8')).model).toBe('shufflenet-v2-0.5x');
  });
});
