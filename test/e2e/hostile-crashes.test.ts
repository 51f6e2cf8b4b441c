/**
 * Hostile input (continued): malformed files and specs end in one clear line, blow-ups end early,
 * and names stay safe on a terminal. Same rules as hostile.test.ts.
 */
import { existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../../src/onnx/export.ts';
import { graphOf } from '../../src/pipeline.ts';
import { resolveModel } from '../../src/spec/load.ts';
import { conv, expectClean, hostileKit, weight, x8 } from '../hostile-kit.ts';
import { type NodeSpec, onnxModel, type TensorSpec } from '../onnx-models.ts';

const { dir, file, run, spec } = hostileKit('hostile-crashes');

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
