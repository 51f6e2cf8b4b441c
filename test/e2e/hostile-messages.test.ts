/**
 * Hostile input, round four (issue 32), messages: a hint is a command that works as printed.
 */
import { readFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { bool, expectClean, hostileKit, i64 } from '../hostile-kit.ts';
import { type GraphSpec, onnxModel } from '../onnx-models.ts';

const { file, run } = hostileKit('messages');

describe('hints that work as printed', () => {
  it("a dimension named 'a=b': the hint --dim a=b=N is what sizes it", () => {
    const m = file(
      'eq-dim.onnx',
      onnxModel({
        inputs: [{ name: 'x', dims: ['a=b', 8] }],
        nodes: [{ op: 'Relu', name: 'r', inputs: ['x'], outputs: ['y'] }],
        outputs: ['y'],
      }),
    );
    expectClean(run(['report', m]), /--dim a=b=N \(dims\.a=b\)/);
    const r = run(['report', m, '--dim', 'a=b=4', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).layers[0].outputShape).toEqual([4, 8]);
  });

  it("a Loop body missing its carried output blames the Loop's body, not the graph's output", () => {
    // the body gives its condition only, where the Loop carries one value
    const body: GraphSpec = {
      inputs: [{ name: 'i', type: 'int64', dims: [] }, { name: 'c', type: 'bool', dims: [] }, { name: 'h' }],
      nodes: [{ op: 'Identity', name: 'keep', inputs: ['c'], outputs: ['c2'] }],
      outputs: [{ name: 'c2', type: 'bool' }],
    };
    const m = file(
      'loop-carried.onnx',
      onnxModel({
        inputs: [{ name: 'x', dims: [1, 4] }],
        initializers: [i64('M', [3], []), bool('yes', 1)],
        nodes: [{ op: 'Loop', name: 'loop', inputs: ['M', 'yes', 'x'], outputs: ['y'], attrs: { body: { g: body } } }],
        outputs: ['y'],
      }),
    );
    expectClean(
      run(['report', m]),
      /loop-carried\.onnx: node 'loop' \(Loop\): its body gives 1 outputs; a Loop body gives its condition/,
    );
  });

  it('a cycle is named by its own nodes, in the order data flows, not by the nodes waiting downstream of it', () => {
    // 'after' reads the cycle's output and is written first; 'b' and 'c' feed each other
    const m = file(
      'cycle.onnx',
      onnxModel({
        inputs: [{ name: 'x', dims: [1, 4] }],
        nodes: [
          { op: 'Relu', name: 'after', inputs: ['c_out'], outputs: ['y'] },
          { op: 'Relu', name: 'a', inputs: ['x'], outputs: ['a_out'] },
          { op: 'Add', name: 'b', inputs: ['a_out', 'c_out'], outputs: ['b_out'] },
          { op: 'Relu', name: 'c', inputs: ['b_out'], outputs: ['c_out'] },
        ],
        outputs: ['y'],
      }),
    );
    expectClean(run(['report', m]), /cycle\.onnx: nodes 'b' -> 'c' -> 'b' form a cycle; an ONNX graph must be acyclic/);
  });
});

describe('annotate says what a Loop costs, as it does an If', () => {
  it("a 1,000-trip Loop around a conv: the Loop node's doc_string carries its body's 1,000 convs", () => {
    const body: GraphSpec = {
      inputs: [{ name: 'i', type: 'int64', dims: [] }, { name: 'c', type: 'bool', dims: [] }, { name: 'h' }],
      initializers: [{ name: 'bw', dims: [4, 4, 3, 3] }],
      nodes: [
        { op: 'Conv', name: 'conv', inputs: ['h', 'bw'], outputs: ['h2'], attrs: { pads: [1, 1, 1, 1] } },
        { op: 'Identity', name: 'keep', inputs: ['c'], outputs: ['c2'] },
      ],
      outputs: [{ name: 'c2', type: 'bool' }, 'h2'],
    };
    const m = file(
      'loop-annotate.onnx',
      onnxModel({
        inputs: [{ name: 'x', dims: [1, 4, 8, 8] }],
        initializers: [i64('M', [1000], []), bool('yes', 1)],
        nodes: [{ op: 'Loop', name: 'loop', inputs: ['M', 'yes', 'x'], outputs: ['y'], attrs: { body: { g: body } } }],
        outputs: ['y'],
      }),
    );
    const out = m.replace(/\.onnx$/, '.costs.onnx');
    expect(run(['annotate', m, '-o', out]).code).toBe(0);
    const loop = onnxProto.onnx.ModelProto.decode(readFileSync(out)).graph?.node?.[0];
    // 1,000 trips of 4·4·9·64 multiply-adds
    expect(loop?.docString).toMatch(
      /^netcost: loop whose subgraph's 1 layers carry its cost: MAdds 9,216,000, FLOPs 18,432,000/,
    );
  });
});
