/**
 * Hostile input, one table per family. Every case ends in exit 0 with a correct result, exit 1 for
 * drift, or exit 2 with one line naming the problem: no stack trace, no hang past 10 s, and no
 * file changed outside the named output.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.ts';
import { conv, expectClean, hostileKit, snapshot, weight, x8 } from '../hostile-kit.ts';
import { onnxModel } from '../onnx-models.ts';

const { dir, file, run, spec } = hostileKit('hostile');

describe('names are never paths', () => {
  it.each([
    ['a spec named ../victim', '../victim'],
    ['a spec named ../../package', '../../package'],
    ['a spec named with a slash', 'a/b'],
  ])('%s: check --update writes inside the baseline folder only', (_, name) => {
    const base = join(dir, `base-${name.replace(/\W/g, '')}`);
    const p = file(
      `named-${name.replace(/\W/g, '')}.yaml`,
      `name: ${JSON.stringify(name)}\ninput: [1, 3, 8, 8]\nlayers: [ { op: relu } ]\n`,
    );
    const before = snapshot([ROOT, dir]);
    const r = run(['check', p, '--baseline', base, '--update']);
    expect(r.code, r.stderr).toBe(0);
    const after = snapshot([ROOT, dir]);
    const changed = [...after.keys()].filter((k) => after.get(k) !== before.get(k));
    expect(changed).toHaveLength(1);
    expect(changed[0].startsWith(`${base}/`)).toBe(true);
    expect(run(['check', p, '--baseline', base]).code).toBe(0);
  });

  it('ONNX metadata naming the model ../x stays inside the baseline folder', () => {
    const bytes = onnxModel({
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
      inputs: x8,
      outputs: ['y'],
      metadata: { 'netcost.model': '../x' },
      producer: 'netcost',
    });
    const base = join(dir, 'base-meta');
    const r = run(['check', file('meta.onnx', bytes), '--baseline', base, '--update']);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(base)).toEqual(['%2E.%2Fx.json']);
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });

  it.each([
    [
      'a built-in and a spec of the same name',
      () => ['shufflenet-v2-1.0x', spec('shufflenet-v2-1.0x.yaml', '  - { op: relu }')],
    ],
    [
      'two ONNX files with one basename',
      () => {
        const bytes = onnxModel({ nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }], inputs: x8, outputs: ['y'] });
        mkdirSync(join(dir, 'one'), { recursive: true });
        mkdirSync(join(dir, 'two'), { recursive: true });
        return [file('one/m.onnx', bytes), file('two/m.onnx', bytes)];
      },
    ],
  ])('%s in one check run: an error naming both', (_, args) => {
    expectClean(
      run(['check', ...args()]),
      /two models are named '.*' \(from .* and .*\); one baseline cannot hold both/,
    );
  });
});

describe('writes', () => {
  it('-o /dev/null writes through the device and leaves it a device', () => {
    const r = run(['export', 'shufflenet-v2-0.5x', '-o', '/dev/null']);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
  });
  it('-o a FIFO is refused, without waiting for a reader', () => {
    const fifo = join(dir, 'fifo');
    if (!existsSync(fifo)) execFileSync('mkfifo', [fifo]);
    expectClean(run(['export', 'shufflenet-v2-0.5x', '-o', fifo]), /fifo: is a FIFO or socket; give a file to write/);
  });
  it('a FIFO among the baselines is refused, not read forever', () => {
    const base = join(dir, 'fifo-base');
    mkdirSync(base, { recursive: true });
    execFileSync('mkfifo', [join(base, 'x.json')]);
    expectClean(
      run(['check', 'shufflenet-v2-0.5x', '--baseline', base]),
      /x\.json: not a regular file \(a special file\)/,
    );
  });
  it('-o a symlink replaces the file it points to and keeps the link', () => {
    const target = file('target.onnx', 'old');
    const link = join(dir, 'link.onnx');
    symlinkSync(target, link);
    expect(run(['export', 'shufflenet-v2-0.5x', '-o', link]).code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(target);
    expect(readFileSync(target).length).toBeGreaterThan(1000);
  });
  it('-o under a path whose folder is a file: one line', () => {
    const f = file('afile', 'x');
    expectClean(
      run(['export', 'shufflenet-v2-0.5x', '-o', join(f, 'x.onnx')]),
      /afile\/x\.onnx: cannot write \(ENOTDIR\)/,
    );
  });
  it('a live lock on the baseline: the second --update fails cleanly', () => {
    const base = join(dir, 'locked.json');
    writeFileSync(`${base}.lock`, String(process.pid));
    expectClean(
      run(['check', 'shufflenet-v2-0.5x', '--baseline', base, '--update']),
      /another netcost \(process \d+\) is updating it/,
    );
    writeFileSync(`${base}.lock`, '999999999'); // a process that does not exist: a stale lock
    expect(run(['check', 'shufflenet-v2-0.5x', '--baseline', base, '--update']).code).toBe(0);
    expect(existsSync(`${base}.lock`)).toBe(false);
  });
  it('--update of several files: when one write fails, the message says what was written', () => {
    const base = join(dir, 'partial');
    const long = file('long.yaml', `name: ${'a'.repeat(300)}\ninput: [1, 3, 8, 8]\nlayers: [ { op: relu } ]\n`);
    const r = run(['check', 'shufflenet-v2-0.5x', long, '--baseline', base, '--update']);
    expectClean(
      r,
      new RegExp(
        String.raw`a{300}\.json: cannot write \(ENAMETOOLONG\).* ` +
          String.raw`\(wrote .*shufflenet-v2-0\.5x\.json before that; 1 files not updated\)`,
      ),
    );
  });
  it('output to a full disk: one line, exit 2 (not the drift code)', () => {
    const r = spawnSync(
      'sh',
      ['-c', `"${process.execPath}" "${ROOT}/bin/netcost.cjs" report shufflenet-v2-0.5x > /dev/full`],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^netcost: cannot write the output \(ENOSPC\); check the disk or the pipe\n$/);
  });
  it('two concurrent --update runs on one baseline file: no lost update', async () => {
    const base = join(dir, 'shared.json');
    const go = (model: string) =>
      new Promise<number>((res) => {
        const p = spawn(process.execPath, [`${ROOT}/bin/netcost.cjs`, 'check', model, '--baseline', base, '--update'], {
          stdio: 'ignore',
        });
        p.on('close', (code) => res(code ?? -1));
      });
    const codes = await Promise.all([go('shufflenet-v2-0.5x'), go('shufflenet-v2-1.0x')]);
    expect(codes.every((c) => c === 0 || c === 2)).toBe(true);
    const models = (JSON.parse(readFileSync(base, 'utf8')) as { models: { model: string }[] }).models.map(
      (m) => m.model,
    );
    // every run that exited 0 has its model in the file
    if (codes[0] === 0) expect(models).toContain('shufflenet-v2-0.5x');
    if (codes[1] === 0) expect(models).toContain('shufflenet-v2-1.0x');
  });
});

describe('numbers: exact or refused, never Infinity', () => {
  it.each([
    [
      'a batch past the dimension bound',
      ['report', 'mobilenet-v2-1.0x', '--input', '123456789x3x224x224'],
      /each from 1 to 2\^24/,
    ],
    [
      'out: 1e300',
      ['report', spec('big.yaml', '  - { op: conv, out: 1e300, kernel: 1 }')],
      /1e\+300 evaluates to 1e\+300; it must be a whole number from 1 to 2\^24/,
    ],
    [
      'a total past 2^53',
      [
        'report',
        file(
          'huge.yaml',
          'name: huge\ninput: [1, 1024, 1024, 1024]\nlayers: [ { op: conv, out: 1024, kernel: 1023, padding: 511 } ]\n',
        ),
      ],
      /the madds total is beyond 2\^53, past which counts are no longer exact/,
    ],
    [
      'a Conv with stride 0',
      [
        'report',
        file(
          's0.onnx',
          onnxModel({
            nodes: [conv('x', 'y', 'w', { strides: [0, 0] })],
            initializers: [weight('w', [4, 3, 3, 3])],
            inputs: x8,
            outputs: ['y'],
          }),
        ),
      ],
      /node 'conv_0' \(Conv\): strides \[0, 0\]: each must be a whole number from 1 to 2\^24/,
    ],
    [
      'a MaxPool with stride 0',
      [
        'report',
        file(
          'p0.onnx',
          onnxModel({
            nodes: [{ op: 'MaxPool', inputs: ['x'], outputs: ['y'], attrs: { kernel_shape: [2, 2], strides: [0, 0] } }],
            inputs: x8,
            outputs: ['y'],
          }),
        ),
      ],
      /\(MaxPool\): strides \[0, 0\]/,
    ],
  ])('%s', (_, args, pattern) => expectClean(run(args as string[]), pattern as RegExp));
});

/** A one-node model on x [1, 3, 8, 8] with the given node and initializers. */
