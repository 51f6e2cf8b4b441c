/**
 * Hostile input, round four (issue 32): control flow and sequences that crashed or named one layer
 * twice: Loop and Scan output counts, SplitToSequence splits of 0, an If whose layer names collide
 * with the main graph's, a sequence where a tensor belongs. Each case ends in a correct result or
 * one line with exit 2 naming the file, node or field and the fix.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bool, expectClean, hostileKit, i64, scanModel } from '../hostile-kit.ts';
import { type GraphSpec, onnxModel } from '../onnx-models.ts';

const { dir, file, run } = hostileKit('r4-control');

/** A body giving its condition and one carried value (a Relu of it): 1 carried output, no scan output. */
const reluBody: GraphSpec = {
  inputs: [{ name: 'i', type: 'int64', dims: [] }, { name: 'c', type: 'bool', dims: [] }, { name: 'h' }],
  nodes: [
    { op: 'Relu', name: 'relu', inputs: ['h'], outputs: ['h2'] },
    { op: 'Identity', name: 'keep', inputs: ['c'], outputs: ['c2'] },
  ],
  outputs: [{ name: 'c2', type: 'bool' }, 'h2', 'h2'],
};

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
      run(['report', scanModel(file, 'scan-outs.onnx', ['sf', 'y', 'z'])]),
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
