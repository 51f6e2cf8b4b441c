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
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../../src/onnx/export.ts';
import { graphOf } from '../../src/pipeline.ts';
import { resolveModel } from '../../src/spec/load.ts';
import { cli, ROOT } from '../helpers.ts';
import { expectClean, snapshot } from '../hostile-kit.ts';
import { type NodeSpec, onnxModel, type TensorSpec } from '../onnx-models.ts';

const dir = mkdtempSync(join(tmpdir(), 'netcost-hostile-'));
const file = (name: string, content: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const spec = (name: string, layers: string, extra = '') =>
  file(name, `name: ${JSON.stringify(name.replace(/\.\w+$/, ''))}\ninput: [1, 3, 8, 8]\n${extra}layers:\n${layers}\n`);

const run = (args: string[]) => cli(args, { cwd: dir, timeoutMs: 10_000 });

const conv = (x: string, y: string, w: string, attrs: NodeSpec['attrs'] = {}): NodeSpec => ({
  op: 'Conv',
  inputs: [x, w],
  outputs: [y],
  attrs: { kernel_shape: [3, 3], ...attrs },
});
const weight = (name: string, dims: number[]): TensorSpec => ({ name, dims });
const x8 = [{ name: 'x', dims: [1, 3, 8, 8] }];

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
      /each dimension from 1 to 2\^20/,
    ],
    [
      'out: 1e300',
      ['report', spec('big.yaml', '  - { op: conv, out: 1e300, kernel: 1 }')],
      /1e\+300 evaluates to 1e\+300; it must be a whole number from 1 to 2\^20/,
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
      /node 'conv_0' \(Conv\): strides \[0, 0\]: each must be a whole number from 1 to 2\^20/,
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
const oneNode = (name: string, node: NodeSpec, initializers: TensorSpec[] = [], opset = 17) =>
  file(name, onnxModel({ nodes: [node], initializers, inputs: x8, outputs: node.outputs, opset }));

describe('crashes become one clear line', () => {
  it.each([
    [
      'an expression reaching a prototype member',
      spec('proto.yaml', '  - { op: conv, out: "${valueOf()}", kernel: 1 }'),
      /unknown function 'valueOf'/,
    ],
    [
      'hasOwnProperty',
      spec('own.yaml', '  - { op: conv, out: "${hasOwnProperty(1)}", kernel: 1 }'),
      /unknown function 'hasOwnProperty'/,
    ],
    [
      '1,000 nested seq in JSON',
      file(
        'deep.json',
        `{"name":"deep","input":[1,3,8,8],"layers":[` +
          `${'{"op":"seq","layers":['.repeat(1000)}{"op":"relu"}${']}'.repeat(1000)}]}`,
      ),
      /nests deeper than 64 levels/,
    ],
    [
      'a self-referencing YAML alias',
      file('self.yaml', 'name: s\ninput: [1,3,8,8]\nlayers: &a\n  - { op: seq, layers: *a }\n'),
      /contains itself/,
    ],
    [
      'a YAML alias bomb',
      file(
        'bomb.yaml',
        `name: b\ninput: [1,3,8,8]\na: &a [x, x, x, x, x, x, x, x, x, x]\n${Array.from(
          { length: 8 },
          (_, i) =>
            `b${i}: &b${i} [${Array(10)
              .fill(i ? `*b${i - 1}` : '*a')
              .join(', ')}]`,
        ).join('\n')}\nlayers: [ { op: relu } ]\n`,
      ),
      /aliases expand too far|unknown field/,
    ],
    [
      'Reshape without its shape',
      oneNode('reshape.onnx', { op: 'Reshape', inputs: ['x'], outputs: ['y'] }),
      /\(Reshape\): the target shape \(input 2\) is missing/,
    ],
    [
      'Gather without indices',
      oneNode('gather.onnx', { op: 'Gather', inputs: ['x'], outputs: ['y'] }),
      /\(Gather\): the indices \(input 2\) is missing/,
    ],
    [
      'Slice without starts',
      oneNode('slice.onnx', { op: 'Slice', inputs: ['x'], outputs: ['y'] }),
      /\(Slice\): starts \(input 2\) is missing/,
    ],
    [
      'Add with one input',
      oneNode('add.onnx', { op: 'Add', inputs: ['x'], outputs: ['y'] }),
      /\(Add\): Add takes 2 inputs, the node has 1/,
    ],
    [
      'Relu with no input',
      oneNode('relu.onnx', { op: 'Relu', inputs: [], outputs: ['y'] }),
      /\(Relu\): input 1 is missing/,
    ],
    [
      'Where with two inputs',
      oneNode('where.onnx', { op: 'Where', inputs: ['x', 'x'], outputs: ['y'] }),
      /\(Where\): Where takes 3 inputs, the node has 2/,
    ],
    [
      'Expand without its shape',
      oneNode('expand.onnx', { op: 'Expand', inputs: ['x'], outputs: ['y'] }),
      /\(Expand\): the shape \(input 2\) is missing/,
    ],
    [
      'Range with delta 0',
      oneNode('range.onnx', { op: 'Range', inputs: ['s', 'l', 'd'], outputs: ['y'] }, [
        { name: 's', dims: [], ints: [0] },
        { name: 'l', dims: [], ints: [5] },
        { name: 'd', dims: [], ints: [0] },
      ]),
      /range delta is 0/,
    ],
    [
      'raw data of the wrong length',
      oneNode('raw.onnx', conv('x', 'y', 'w'), [{ name: 'w', dims: [4, 3, 3, 3], raw: new Uint8Array(12) }]),
      /holds 12 bytes of data for dims \[4, 3, 3, 3\] \(432 expected\)/,
    ],
    [
      'negative weight dims',
      oneNode('neg.onnx', conv('x', 'y', 'w'), [{ name: 'w', dims: [4, -3, 3, 3], raw: new Uint8Array(0) }]),
      /has dims \[4, -3, 3, 3\]; a dimension is a whole number >= 0/,
    ],
    [
      'a Conv weight whose channels do not match',
      oneNode('ch.onnx', conv('x', 'y', 'w'), [weight('w', [4, 5, 3, 3])]),
      /takes 5 input channels; the input has 3/,
    ],
    [
      'Gemm with mismatched shapes',
      file(
        'gemm.onnx',
        onnxModel({
          nodes: [
            { op: 'Flatten', inputs: ['x'], outputs: ['f'] },
            { op: 'Gemm', inputs: ['f', 'b'], outputs: ['y'] },
          ],
          initializers: [weight('b', [10, 4])],
          inputs: x8,
          outputs: ['y'],
        }),
      ),
      /A \[1, 192\] and B \[10, 4\] do not multiply/,
    ],
    [
      'Resize with negative scales',
      oneNode('resize.onnx', { op: 'Resize', inputs: ['x', '', 's'], outputs: ['y'] }, [
        { name: 's', dims: [4], floats: [1, 1, -2, -2] },
      ]),
      /resize of \[1, 3, 8, 8\] to \[1, 3, -16, -16\]/,
    ],
    [
      'Split into more outputs than channels',
      oneNode('split.onnx', { op: 'Split', inputs: ['x'], outputs: ['a', 'b', 'c', 'd'], attrs: { axis: 1 } }, [], 18),
      /\(Split\): a tensor of shape \[1, 0, 8, 8\]/,
    ],
    [
      'a tensor produced twice',
      file(
        'twice.onnx',
        onnxModel({
          nodes: [
            { op: 'Relu', inputs: ['x'], outputs: ['y'] },
            { op: 'Sigmoid', inputs: ['x'], outputs: ['y'] },
          ],
          inputs: x8,
          outputs: ['y'],
        }),
      ),
      /tensor 'y' is produced twice \(by node 'relu_0' and node 'sigmoid_1'\)/,
    ],
    [
      'opset 99',
      oneNode('op99.onnx', { op: 'Relu', inputs: ['x'], outputs: ['y'] }, [], 99),
      /opset 99 is outside the opsets netcost reads \(1 to 23\)/,
    ],
  ])('%s', (_, p, pattern) => expectClean(run(['report', p as string]), pattern as RegExp));

  it('a graph input named constructor or __proto__ is a name like any other', () => {
    for (const name of ['constructor', '__proto__']) {
      const p = file(
        `${name}.onnx`,
        onnxModel({
          nodes: [{ op: 'Relu', inputs: [name], outputs: ['y'] }],
          inputs: [{ name, dims: [0, 3, 8, 8] }],
          outputs: ['y'],
        }),
      );
      const r = run(['report', p, '--input', `${name}=1x3x8x8`, '--format', 'json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).input).toEqual([1, 3, 8, 8]);
    }
  });
  it('an op named __proto__: a warning, an error under --strict', () => {
    const nodes = [{ op: '__proto__', inputs: ['x'], outputs: ['y'] }];
    const p = file('protoop.onnx', onnxModel({ nodes, inputs: x8, outputs: ['y'], outputShapes: { y: [1, 3, 8, 8] } }));
    expectClean(run(['report', p, '--strict']), /ops netcost has no cost rule for: __proto__ x1 \(--strict\)/);
    const r = run(['report', p]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^netcost: warning: .*no cost rule for __proto__ x1: counted as 0/);
    const bare = file('protoop2.onnx', onnxModel({ nodes, inputs: x8, outputs: ['y'] }));
    expectClean(run(['report', bare]), /no rule for __proto__ and the model gives no shape for its output/);
  });
});

/** block b(i+1) uses b(i) twice: b30 would expand to 2^30 layers */
const doubling = Array.from(
  { length: 30 },
  (_, i) => `  b${i + 1}: { layers: [ { op: block, use: b${i} }, { op: block, use: b${i} } ] }`,
).join('\n');

describe('hangs and blow-ups end early', () => {
  it.each([
    [
      'repeat with count 1e9',
      spec('rep.yaml', '  - { op: repeat, count: 1000000000, layers: [ { op: relu } ] }'),
      /it must be a whole number from 0 to 10,000/,
    ],
    [
      'blocks that each use the previous one twice, 30 deep',
      file(
        'blocks.yaml',
        `name: b\ninput: [1,3,8,8]\nblocks:\n  b0: { layers: [ { op: relu } ] }\n${doubling}\n` +
          'layers: [ { op: block, use: b30 } ]\n',
      ),
      /more than 100,000 layers|more than 1,000,000 entries/,
    ],
    [
      'a spec that is /dev/urandom',
      (() => {
        const p = join(dir, 'rand.yaml');
        if (!existsSync(p)) symlinkSync('/dev/urandom', p);
        return p;
      })(),
      /rand\.yaml: not a regular file \(a special file\); give a spec file/,
    ],
  ])('%s', (_, p, pattern) => expectClean(run(['report', p as string]), pattern as RegExp));

  it('--runs 1e300 is refused', () =>
    expectClean(
      run(['bench', 'shufflenet-v2-0.5x', '--runs', '1e300']),
      /--runs '1e300' is not a whole number from 1 to 100,000/,
    ));

  it('a 100,000-node chain stored in reverse order imports in seconds', () => {
    const n = 100_000;
    const nodes: NodeSpec[] = Array.from({ length: n }, (_, i) => ({
      op: 'Relu',
      inputs: [i ? `t${i - 1}` : 'x'],
      outputs: [`t${i}`],
    })).reverse();
    const p = file('chain.onnx', onnxModel({ nodes, inputs: x8, outputs: [`t${n - 1}`] }));
    const t0 = performance.now();
    const r = run(['report', p, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).totals.layers).toBe(n);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });
});

describe('terminal safety', () => {
  it('control characters in names are escaped in tables and kept raw in JSON', async () => {
    const name = 'evil\u001b[31mred\u0007';
    const p = file(
      'evil.yaml',
      `name: ${JSON.stringify(name)}\ninput: [1, 3, 8, 8]\nlayers: [ { op: relu, name: r } ]\n`,
    );
    const table = run(['report', p]);
    expect(table.code, table.stderr).toBe(0);
    expect([...table.stdout].filter((c) => c !== '\n' && c.charCodeAt(0) < 32)).toEqual([]);
    expect(table.stdout).toContain('evil\\x1b[31mred\\x07');
    expect(JSON.parse(run(['report', p, '--format', 'json']).stdout).model).toBe(name);
    const g = graphOf(await resolveModel('shufflenet-v2-0.5x'));
    const bytes = exportOnnx({ ...g, layers: g.layers.map((l, i) => (i === 0 ? { ...l, name: 'a\u0007b' } : l)) });
    const r = run(['report', file('nl.onnx', bytes)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').some((l) => l.startsWith('a\\x07b '))).toBe(true);
  });
});
