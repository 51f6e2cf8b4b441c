/**
 * Hostile input, round three: the project config. Each is read as every user file is (a regular
 * file, size-capped), never echoes what it holds, and says which key is wrong and the fix.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectClean, hostileKit } from '../hostile-kit.ts';

const { dir, run } = hostileKit('config');

/** A project folder holding the given files. */
function project(name: string, files: Record<string, string>): string {
  const p = join(dir, name);
  mkdirSync(p);
  for (const [f, text] of Object.entries(files)) writeFileSync(join(p, f), text);
  return p;
}
const json = (v: unknown) => JSON.stringify(v);

describe('the config file is read like every other input', () => {
  it('a FIFO is refused at once, not read forever', () => {
    const p = project('fifo', {});
    execFileSync('mkfifo', [join(p, 'netcost.config.json')]);
    expectClean(run(['check'], p), /netcost\.config\.json: not a regular file/);
  });

  it('a symlink to /dev/zero is refused, not read into memory', () => {
    const p = project('zero', {});
    symlinkSync('/dev/zero', join(p, 'netcost.config.json'));
    expectClean(run(['check'], p), /netcost\.config\.json: not a regular file/);
  });

  it('a symlink to /etc/passwd: the error quotes a position, never the file', () => {
    const p = project('passwd', {});
    symlinkSync('/etc/passwd', join(p, 'netcost.config.json'));
    const r = run(['check'], p);
    expectClean(r, /netcost\.config\.json: not valid JSON/);
    expect(r.stderr).not.toMatch(/root|:x:/);
  });

  it('a 70,000-character glob: one line, no crash in the glob matcher', () => {
    const p = project('glob', { 'netcost.config.json': json({ models: ['*'.repeat(70_000)] }) });
    expectClean(run(['check'], p), /models\[0\]: Too big/);
  });

  it('"*" named 1,000 times checks each built-in once', () => {
    const p = project('stars', { 'netcost.config.json': json({ models: Array(1000).fill('*') }) });
    const r = run(['check', '--format', 'json'], p);
    expect(r.code).toBe(1); // no baselines yet: every model is new
    expect(JSON.parse(r.stdout).findings.filter((f: { kind: string }) => f.kind === 'model-added')).toHaveLength(28);
  });

  it('more than 1,000 entries are refused', () => {
    const p = project('many', { 'netcost.config.json': json({ models: Array(1001).fill('*') }) });
    expectClean(run(['check'], p), /models: Too big: expected array to have <=1000 items/);
  });
});

describe('keys: misspelled, prototype names, duplicates', () => {
  it.each([
    [
      'tolerance for tolerances',
      { models: ['*'], tolerance: { params: 1 } },
      /unknown key "tolerance"; did you mean 'tolerances'\?/,
    ],
    [
      '__proto__ among tolerances',
      { models: ['*'] },
      /tolerances: unknown key "__proto__"/,
      '"tolerances":{"__proto__":{"params":5}}',
    ],
    [
      'a tolerance misspelled',
      { models: ['*'], tolerances: { mads: 1 } },
      /tolerances: unknown key "mads"; did you mean 'madds'\?/,
    ],
    ['a negative tolerance', { models: ['*'], tolerances: { madds: -1 } }, /tolerances\.madds: Too small/],
  ])('%s', (_, config, pattern, raw?: string) => {
    const text = raw ? `${json(config).slice(0, -1)},${raw}}` : json(config);
    const p = project(`key-${_.replace(/\W/g, '')}`, { 'netcost.config.json': text });
    expectClean(run(['check'], p), pattern);
  });

  it('an input named __proto__ in the config reaches the model (and is refused there by name)', () => {
    const p = project('input-proto', {
      'netcost.config.json': `{"models":["${join(dir, '..', 'x.onnx')}"],"input":{"__proto__":"1x3x8x8"}}`,
    });
    // the file does not exist: the config parsed, the input was kept, and the model is what fails
    expectClean(run(['check'], p), /x\.onnx: cannot read the ONNX file \(no such file\)/);
  });

  it('YAML with a duplicate key is refused, not read as the last value', () => {
    const p = project('dup', { 'netcost.config.yaml': 'models: [a]\nmodels: [shufflenet-v2-1.0x]\n' });
    expectClean(run(['check'], p), /netcost\.config\.yaml: not valid YAML at line 2, column 1 \(duplicate key\)/);
  });

  it('an unclosed flow sequence is refused', () => {
    const p = project('flow', { 'netcost.config.yaml': 'models: [shufflenet-v2-1.0x\n' });
    expectClean(run(['check'], p), /netcost\.config\.yaml: not valid YAML/);
  });
});

describe('errors name the config file', () => {
  it('an unknown model in the config', () => {
    const p = project('unknown-model', { 'netcost.config.json': json({ models: ['shufflenet-v2-0.5'] }) });
    expectClean(
      run(['check'], p),
      /^netcost: netcost\.config\.json: models: unknown model 'shufflenet-v2-0\.5'; did you mean 'shufflenet-v2-0\.5x'/,
    );
  });
});

describe('which config counts', () => {
  it('package.json with a netcost key and a netcost.config.json in one folder: an error naming both', () => {
    const p = project('two', {
      'package.json': json({ name: 'x', netcost: { models: ['shufflenet-v2-1.0x'] } }),
      'netcost.config.json': json({ models: ['shufflenet-v2-0.5x'] }),
    });
    expectClean(
      run(['check'], p),
      /two netcost configs in one folder: package\.json \(key "netcost"\) and netcost\.config\.json/,
    );
  });

  it('check --init where package.json holds the config refuses, instead of writing one that is never read', () => {
    const p = project('init', { 'package.json': json({ name: 'x', netcost: { models: ['shufflenet-v2-1.0x'] } }) });
    expectClean(
      run(['check', '--init', 'shufflenet-v2-0.5x'], p),
      /package\.json \(key "netcost"\) is this folder's netcost config/,
    );
    expect(() => readFileSync(join(p, 'netcost.config.json'))).toThrow();
  });

  it('a package.json without the key is not a config: the search goes on to the parent', () => {
    const parent = project('parent', { 'netcost.config.json': json({ models: ['shufflenet-v2-0.5x'] }) });
    const child = join(parent, 'pkg');
    mkdirSync(child);
    writeFileSync(join(child, 'package.json'), json({ name: 'child' }));
    const r = run(['check', '--format', 'json'], child);
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout).findings).toEqual([{ kind: 'model-added', model: 'shufflenet-v2-0.5x' }]);
  });
});

describe('baselines as netcost writes them, and flags as numbers are written', () => {
  const record = (base: string) => {
    const r = run(['check', 'shufflenet-v2-0.5x', '--baseline', base, '--update']);
    expect(r.code, r.stderr).toBe(0);
    return join(base, 'shufflenet-v2-0.5x.json');
  };
  it.each([
    ['an unknown top-level key', (t: string) => t.replace('{\n', '{\n  "extra": 1,\n'), /Unrecognized key: "extra"/],
    ['a count of -5', (t: string) => t.replace(/"params":\d+/, '"params":-5'), /params: Too small/],
    ['a count of 1.5', (t: string) => t.replace(/"madds":\d+/, '"madds":1.5'), /madds: Invalid input: expected int/],
  ])('%s is no baseline', (_, edit, pattern) => {
    const base = join(dir, `bl-${_.replace(/\W/g, '')}`);
    const f = record(base);
    writeFileSync(f, edit(readFileSync(f, 'utf8')));
    expectClean(run(['check', 'shufflenet-v2-0.5x', '--baseline', base]), pattern);
  });

  it('export --seed above 2^32 - 1 is refused, not wrapped to another seed', () => {
    expectClean(
      run(['export', 'shufflenet-v2-0.5x', '--seed', '4294967297', '-o', join(dir, 's.onnx')]),
      /--seed '4294967297' is not a whole number from 0 to 4,294,967,295/,
    );
  });

  it.each([
    ['--runs', '0x10'],
    ['--runs', '1e3'],
    ['--warmup', ' 8'],
    ['--threads', '+2'],
  ])('bench %s %j is not a count', (flag, v) =>
    expectClean(run(['bench', 'shufflenet-v2-0.5x', flag, v]), /is not a whole number from/),
  );
});
