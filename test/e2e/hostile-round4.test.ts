/**
 * Hostile input, round four (issue 32): control flow that crashed, writes that lost or widened a
 * file, and what reached a terminal or a spreadsheet raw. Each case ends in a correct result or one
 * line with exit 2 naming the file, node or field and the fix.
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
import type { MachineProfile } from '../../src/predict/machine.ts';
import { expectClean, hostileKit } from '../hostile-kit.ts';
import { type GraphSpec, onnxModel, type TensorSpec } from '../onnx-models.ts';
import { exactFit, testProfile } from '../profiles.ts';

const { dir, file, run, spec } = hostileKit('round4');
const i64 = (name: string, v: number[], dims = [v.length]): TensorSpec => ({ name, dims, ints: v });
const bool = (name: string, v: number): TensorSpec => ({ name, dims: [], type: 'bool', values: [v] });

/** A body giving its condition and one carried value (a Relu of it): 1 carried output, no scan output. */
const reluBody: GraphSpec = {
  inputs: [{ name: 'i', type: 'int64', dims: [] }, { name: 'c', type: 'bool', dims: [] }, { name: 'h' }],
  nodes: [
    { op: 'Relu', name: 'relu', inputs: ['h'], outputs: ['h2'] },
    { op: 'Identity', name: 'keep', inputs: ['c'], outputs: ['c2'] },
  ],
  outputs: [{ name: 'c2', type: 'bool' }, 'h2', 'h2'],
};

/** A Scan of one state (init [4]) over xs [3, 4] whose body adds each row to the state and gives it twice. */
function scanModel(name: string, outputs: string[], attrs: Record<string, number | number[]> = {}): string {
  const body: GraphSpec = {
    inputs: [{ name: 's' }, { name: 'e' }],
    nodes: [{ op: 'Add', name: 'add', inputs: ['s', 'e'], outputs: ['s2'] }],
    outputs: ['s2', 's2'],
  };
  return file(
    name,
    onnxModel({
      inputs: [
        { name: 'init', dims: [4] },
        { name: 'xs', dims: [3, 4] },
      ],
      nodes: [
        {
          op: 'Scan',
          name: 'scan',
          inputs: ['init', 'xs'],
          outputs,
          attrs: { body: { g: body }, num_scan_inputs: 1, ...attrs },
        },
      ],
      outputs: [outputs[outputs.length - 1]],
    }),
  );
}

describe('crashes become one clear line', () => {
  it('a Loop naming more outputs than its body gives', () => {
    const m = file(
      'loop-outs.onnx',
      onnxModel({
        inputs: [{ name: 'x', dims: [1, 4, 8, 8] }],
        initializers: [i64('M', [5], []), bool('yes', 1)],
        nodes: [
          {
            op: 'Loop',
            name: 'loop',
            inputs: ['M', 'yes', 'x'],
            outputs: ['y', 's1', 's2', 's3'],
            attrs: { body: { g: reluBody } },
          },
        ],
        outputs: ['y'],
      }),
    );
    const r = run(['report', m]);
    expectClean(r, /loop-outs\.onnx: node 'loop' \(Loop\): the node names 4 outputs, but its body gives 1 carried/);
    expect(r.stderr).toMatch(/body gives 1 carried value and 1 scan output; name at most those/);
  });

  it('a Scan naming more outputs than its body gives', () => {
    expectClean(
      run(['report', scanModel('scan-outs.onnx', ['sf', 'y', 'z'])]),
      /scan-outs\.onnx: node 'scan' \(Scan\): the node names 3 outputs, but its body gives 2 /,
    );
  });

  it('SplitToSequence with a scalar split of 0', () => {
    const m = file(
      'split0.onnx',
      onnxModel({
        inputs: [{ name: 'x', dims: [4, 6] }],
        initializers: [i64('zero', [0], [])],
        nodes: [
          { op: 'SplitToSequence', name: 'split', inputs: ['x', 'zero'], outputs: ['parts'], attrs: { axis: 0 } },
          { op: 'ConcatFromSequence', name: 'join', inputs: ['parts'], outputs: ['y'], attrs: { axis: 0 } },
        ],
        outputs: ['y'],
      }),
    );
    expectClean(
      run(['report', m]),
      /split0\.onnx: node 'split' \(SplitToSequence\): split 0: a scalar split is the size of each part, at least 1/,
    );
  });
});

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

describe('names from a file are data in a spreadsheet', () => {
  it.each([['=HYPERLINK("http://x","y")'], ['@SUM(1+1)'], ['+1+cmd|calc'], ['-2+3']])(
    'a node named %s is a text cell, not a formula',
    (name) => {
      const m = file(
        'csv-name.onnx',
        onnxModel({
          inputs: [{ name: 'x', dims: [1, 4] }],
          nodes: [{ op: 'Relu', name, inputs: ['x'], outputs: ['y'] }],
          outputs: ['y'],
        }),
      );
      const out = run(['report', m, '--format', 'csv']);
      expect(out.code, out.stderr).toBe(0);
      const row = out.stdout.split('\n')[1];
      // OWASP: a leading apostrophe, the field quoted
      expect(row).toContain(`,"'${name.replace(/"/g, '""')}",`);
      expect(row).not.toMatch(/,[=+\-@]/);
    },
  );
});

describe("onnxruntime's own words never reach the terminal raw", () => {
  it.each([
    [
      'Resize',
      {
        op: 'Resize',
        name: 'up',
        inputs: ['x', '', 'scales'],
        outputs: ['y'],
        attrs: { mode: '\u001b]0;pwned\u0007\u001b[2J' },
      },
    ],
    [
      'Pad',
      {
        op: 'Pad',
        name: 'pad',
        inputs: ['x', 'pads'],
        outputs: ['y'],
        attrs: { mode: '\u001b]0;pwned\u0007\u001b[2J' },
      },
    ],
  ])('bench of a %s whose mode holds terminal escapes', (_, node) => {
    const m = file(
      `esc-${node.op}.onnx`,
      onnxModel({
        inputs: [{ name: 'x', dims: [1, 1, 4, 4] }],
        initializers: [{ name: 'scales', dims: [4], floats: [1, 1, 2, 2] }, i64('pads', [0, 0, 1, 1, 0, 0, 1, 1])],
        nodes: [node],
        outputs: ['y'],
      }),
    );
    const r = run(['bench', m, '--runs', '1', '--warmup', '0']);
    expect(`${r.stdout}${r.stderr}`).not.toContain('\u001b');
    if (r.code !== 0) expectClean(r, /esc-\w+\.onnx/);
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

describe('blowups end early', () => {
  it('SplitToSequence of x[1, 2^20] into parts of 1: refused at once, naming the bound', () => {
    const m = file(
      'split-many.onnx',
      onnxModel({
        inputs: [{ name: 'x', dims: [1, 2 ** 20] }],
        initializers: [i64('one', [1], [])],
        nodes: [
          { op: 'SplitToSequence', name: 'split', inputs: ['x', 'one'], outputs: ['parts'], attrs: { axis: 1 } },
          { op: 'ConcatFromSequence', name: 'join', inputs: ['parts'], outputs: ['y'], attrs: { axis: 1 } },
        ],
        outputs: ['y'],
      }),
    );
    const t0 = Date.now();
    expectClean(
      run(['report', m]),
      /node 'split' \(SplitToSequence\): splits into 1,048,576 tensors; netcost reads sequences of at most 4,096/,
    );
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('Scan scan_output_axes out of range (100, -100): refused', () => {
    for (const ax of [100, -100]) {
      expectClean(
        run(['report', scanModel(`scan-axis${ax}.onnx`, ['sf', 'y'], { scan_output_axes: [ax] })]),
        new RegExp(`scan_output_axes\\[0\\] ${ax} is out of range for a 2-D stacked output`),
      );
    }
  });
});

describe('weights are counted as stored, not as declared', () => {
  const big = [2 ** 16, 2 ** 20];
  // an Identity of the weight, so that the tensor is read (its params counted) whatever its type
  const withWeight = (name: string, w: TensorSpec) =>
    file(
      name,
      onnxModel({
        inputs: [{ name: 'x', dims: [1, 4] }],
        initializers: [w],
        nodes: [
          { op: 'Relu', name: 'relu', inputs: ['x'], outputs: ['y'] },
          { op: 'Shape', name: 'shape', inputs: ['w'], outputs: ['s'] },
        ],
        outputs: ['y', 's'],
      }),
    );
  it.each([
    ['uint4', 21],
    ['int4', 22],
    ['float8e4m3fn', 17],
    ['float8e4m3fnuz', 18],
    ['float8e5m2', 19],
    ['float8e5m2fnuz', 20],
    ['float4e2m1', 23],
    ['complex64', 14],
  ])('%s: 1 byte of raw_data for dims [2^16, 2^20]', (_, code) => {
    const m = withWeight(`stored-${code}.onnx`, { name: 'w', dims: big, raw: new Uint8Array(1), code });
    expectClean(run(['report', m]), /tensor 'w' holds 1 bytes of data for dims \[65536, 1048576\] \(\d+ expected\)/);
  });
  it('string: raw_data is no place for strings', () => {
    const m = withWeight('stored-string.onnx', { name: 'w', dims: big, raw: new Uint8Array(1), code: 8 });
    expectClean(run(['report', m]), /tensor 'w' is a string tensor with raw_data; strings live in string_data/);
  });
  it.each([[0], [99]])('element type %i: no ONNX element type', (code) => {
    const m = withWeight(`stored-type${code}.onnx`, { name: 'w', dims: big, raw: new Uint8Array(1), code });
    expectClean(run(['report', m]), new RegExp(`tensor 'w' has element type ${code}, which is no ONNX element type`));
  });
  it('int4: 9 values need 5 bytes, 4 are refused', () => {
    const m = withWeight('int4-9.onnx', { name: 'w', dims: [9], raw: new Uint8Array(4), code: 22 });
    expectClean(run(['report', m]), /tensor 'w' holds 4 bytes of data for dims \[9\] \(5 expected\)/);
    const ok = withWeight('int4-9-ok.onnx', { name: 'w', dims: [9], raw: new Uint8Array(5), code: 22 });
    expect(run(['report', ok]).code).toBe(0);
  });
});

describe('nested Loops whose carried value grows each trip end early', () => {
  /** a body that runs a Loop of `depth - 1` levels on its carried value, then appends one column to it */
  const grow = (depth: number, trips: number): GraphSpec => ({
    inputs: [{ name: 'i', type: 'int64', dims: [] }, { name: 'c', type: 'bool', dims: [] }, { name: 'h' }],
    initializers: [
      { name: 'one', dims: [1, 1], floats: [1] },
      ...(depth > 1 ? [i64('M', [trips], []), bool('yes', 1)] : []),
    ],
    nodes: [
      depth > 1
        ? {
            op: 'Loop',
            name: `l${depth}`,
            inputs: ['M', 'yes', 'h'],
            outputs: ['hin'],
            attrs: { body: { g: grow(depth - 1, trips) } },
          }
        : { op: 'Identity', name: 'same', inputs: ['h'], outputs: ['hin'] },
      { op: 'Concat', name: 'cat', inputs: ['hin', 'one'], outputs: ['h2'], attrs: { axis: 1 } },
      { op: 'Identity', name: 'keep', inputs: ['c'], outputs: ['c2'] },
    ],
    outputs: [{ name: 'c2', type: 'bool' }, 'h2'],
  });
  it.each([
    [3, 40],
    [4, 16],
    [2, 256],
  ])('%i levels x %i trips: one line within seconds', (depth, trips) => {
    const m = file(
      `nested-${depth}x${trips}.onnx`,
      onnxModel({
        inputs: [{ name: 'x', dims: [1, 1] }],
        initializers: [i64('M', [trips], []), bool('yes', 1)],
        nodes: [
          {
            op: 'Loop',
            name: 'outer',
            inputs: ['M', 'yes', 'x'],
            outputs: ['y'],
            attrs: { body: { g: grow(depth, trips) } },
          },
        ],
        outputs: ['y'],
      }),
    );
    const t0 = Date.now();
    const r = run(['report', m]);
    expect(Date.now() - t0).toBeLessThan(8000);
    expectClean(r, /node 'outer[^']*' \(Loop\): its control flow reads more than 10,000 subgraph bodies/);
    expect(r.stderr).toMatch(/or makes more than 100,000 layers \(Loops unrolled trip by trip, nested\)/);
  });
});

describe('a chain of 3,550 Relus (a 64 KB file) draws in bounded time', () => {
  const nodes = Array.from({ length: 3550 }, (_, i) => ({
    op: 'Relu',
    name: `r${i}`,
    inputs: [i ? `t${i}` : 'x'],
    outputs: [`t${i + 1}`],
  }));
  const m = file('relu-chain.onnx', onnxModel({ inputs: [{ name: 'x', dims: [1, 8] }], nodes, outputs: ['t3550'] }));
  it.each([['svg'], ['html']])(
    '--format %s: the 400 largest rows drawn, the rest one bar, and it says so',
    (format) => {
      const t0 = Date.now();
      const r = run(['report', m, '--format', format]);
      expect(r.code, r.stderr).toBe(0);
      // it took 10 s and 1.2 GB before
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(r.stdout).toContain('the 400 largest of 3,550 rows');
      expect(r.stdout).toContain('the other 3,150 layers');
    },
  );
});

describe('accepted silently before, refused now', () => {
  const relu = (name: string, extra: Partial<Parameters<typeof onnxModel>[0]> = {}) =>
    file(
      name,
      onnxModel({
        inputs: [{ name: 'x', dims: [1, 4] }],
        nodes: [{ op: 'Relu', name: 'r', inputs: ['x'], outputs: ['y'] }],
        outputs: ['y'],
        ...extra,
      }),
    );
  it.each([[0], [1], [2], [99], [2 ** 31], [2 ** 62]])('IR version %s', (ir) => {
    expectClean(run(['report', relu(`ir${ir}.onnx`, { irVersion: ir })]), /IR version \d+ is not one ONNX defines/);
  });
  it('opset 0, and the default domain imported twice', () => {
    expectClean(run(['report', relu('opset0.onnx', { opset: 0 })]), /gives the default domain version 0/);
    expectClean(
      run(['report', relu('twice.onnx', { opsets: { 'ai.onnx': 13 } })]),
      /opset_import names the default domain twice; keep one version/,
    );
  });
  it('SplitToSequence axis 9 on a 2-D input', () => {
    const m = file(
      'split-axis9.onnx',
      onnxModel({
        inputs: [{ name: 'x', dims: [4, 6] }],
        nodes: [
          { op: 'SplitToSequence', name: 'split', inputs: ['x'], outputs: ['parts'], attrs: { axis: 9 } },
          { op: 'ConcatFromSequence', name: 'join', inputs: ['parts'], outputs: ['y'], attrs: { axis: 0 } },
        ],
        outputs: ['y'],
      }),
    );
    expectClean(run(['report', m]), /node 'split' \(SplitToSequence\): axis 9 is out of range for a 2-D input/);
  });
  const branch = (outs: number): GraphSpec => ({
    inputs: [],
    nodes: [{ op: 'Relu', name: 'r', inputs: ['x'], outputs: ['b.y'] }],
    outputs: Array(outs).fill('b.y'),
  });
  const ifModel = (name: string, cond: TensorSpec, outs: string[], gives: number) =>
    file(
      name,
      onnxModel({
        inputs: [{ name: 'x', dims: [1, 4] }],
        initializers: [cond],
        nodes: [
          {
            op: 'If',
            name: 'choose',
            inputs: ['c'],
            outputs: outs,
            attrs: { then_branch: { g: branch(gives) }, else_branch: { g: branch(gives) } },
          },
        ],
        outputs: [outs[0]],
      }),
    );
  it('an If naming 2 outputs whose branches give 1', () => {
    expectClean(
      run(['report', ifModel('if-outs.onnx', bool('c', 1), ['y', 'z'], 1)]),
      /node 'choose' \(If\): the node names 2 outputs but its then branch gives 1/,
    );
  });
  it.each([
    ['float', { name: 'c', dims: [], floats: [1] }],
    ['empty', { name: 'c', dims: [0], type: 'bool', values: [] }],
  ] as [string, TensorSpec][])('an If whose condition is %s', (what, cond) => {
    expectClean(
      run(['report', ifModel(`if-${what}.onnx`, cond, ['y'], 1)]),
      /node 'choose' \(If\): the condition is \w+ of shape \[0?\]; an If condition is one bool/,
    );
  });
  it.each([
    [2, 2],
    [-1, 2],
  ])('ConvTranspose output_padding %i with stride %i', (pad, stride) => {
    const m = file(
      `convt-${pad}.onnx`,
      onnxModel({
        inputs: [{ name: 'x', dims: [1, 4, 8, 8] }],
        initializers: [{ name: 'w', dims: [4, 4, 3, 3] }],
        nodes: [
          {
            op: 'ConvTranspose',
            name: 'up',
            inputs: ['x', 'w'],
            outputs: ['y'],
            attrs: { strides: [stride, stride], output_padding: [pad, pad] },
          },
        ],
        outputs: ['y'],
      }),
    );
    expectClean(
      run(['report', m]),
      new RegExp(`node 'up' \\(ConvTranspose\\): output_padding ${pad} on axis 0 is out of range`),
    );
  });
  it('--loop-trips on a spec', () => {
    expectClean(
      run(['report', spec('lt.yaml', '  - { op: relu }'), '--loop-trips', '3']),
      /--loop-trips 3 \(loopTrips\): lt is a spec, and trip counts apply to the Loops of ONNX files/,
    );
  });
  it('compare --profile p --profile ./p', () => {
    const p = file('p.json', JSON.stringify(testProfile()));
    expectClean(
      run(['compare', 'shufflenet-v2-0.5x', '--profile', p, '--profile', './p.json']),
      /--profile \.\/p\.json: is .*p\.json again; give each machine profile once/,
    );
  });
  it.each([
    [
      'all parameters 0',
      (p: MachineProfile) => ({
        ...p,
        classes: { ...p.classes, conv: exactFit({ overhead: 0, compute: 0, narrow: 0, activation: 0, memory: 0 }) },
      }),
      /classes\.conv: a class whose parameters are all 0/,
    ],
    [
      'nchwcBlock 3',
      (p: MachineProfile) => ({ ...p, engine: { ...p.engine, nchwcBlock: 3 } }),
      /engine\.nchwcBlock: the NCHWc block is 0 \(none\), 4, 8 or 16/,
    ],
    [
      'lo above hi',
      (p: MachineProfile) => ({
        ...p,
        classes: {
          ...p.classes,
          gemm: {
            ...exactFit({ overhead: 0.01, compute: 10, narrow: 0, activation: 0, memory: 1 }),
            lo: { overhead: 1, compute: 10, narrow: 0, activation: 0, memory: 1 },
          },
        },
      }),
      /classes\.gemm: a parameter's lo \(10th percentile\) must not exceed its hi/,
    ],
  ])('a profile with %s', (what, change, pattern) => {
    const p = file(`bad-${what.replace(/\W+/g, '-')}.json`, JSON.stringify(change(testProfile())));
    expectClean(run(['report', 'shufflenet-v2-0.5x', '--profile', p]), pattern);
  });
});

describe('layer names are unique by construction', () => {
  it("a main-graph node named 'i/then/r' beside an If 'i' whose then branch has a node 'r'", () => {
    const then: GraphSpec = {
      inputs: [],
      nodes: [{ op: 'Relu', name: 'r', inputs: ['x'], outputs: ['t.y'] }],
      outputs: ['t.y'],
    };
    const m = file(
      'names.onnx',
      onnxModel({
        inputs: [{ name: 'x', dims: [1, 4] }],
        initializers: [bool('c', 1)],
        nodes: [
          {
            op: 'If',
            name: 'i',
            inputs: ['c'],
            outputs: ['y1'],
            attrs: { then_branch: { g: then }, else_branch: { g: then } },
          },
          { op: 'Sigmoid', name: 'i/then/r', inputs: ['y1'], outputs: ['y'] },
        ],
        outputs: ['y'],
      }),
    );
    const json = JSON.parse(run(['report', m, '--format', 'json']).stdout);
    const names: string[] = json.layers.map((l: { name: string }) => l.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['i/then/r', 'i/then/r~2']));
    const bl = join(dir, 'names-bl.json');
    expect(run(['check', m, '--baseline', bl, '--update']).code).toBe(0);
    const again = run(['check', m, '--baseline', bl]);
    expect(again.code, again.stdout).toBe(0);
  });
});

describe('a sequence where a tensor belongs', () => {
  it('Relu of a sequence', () => {
    const m = file(
      'relu-seq.onnx',
      onnxModel({
        inputs: [{ name: 'x', dims: [4, 6] }],
        nodes: [
          { op: 'SplitToSequence', name: 'split', inputs: ['x'], outputs: ['parts'], attrs: { axis: 0 } },
          { op: 'Relu', name: 'relu', inputs: ['parts'], outputs: ['y'] },
        ],
        outputs: ['y'],
      }),
    );
    expectClean(
      run(['report', m]),
      /node 'relu' \(Relu\): reads 'parts', a sequence of 4 tensors; Relu takes a tensor: take one with SequenceAt/,
    );
  });
});
