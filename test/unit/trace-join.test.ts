/**
 * Kernels of onnxruntime's optimized graph by the names its profiler gives them: a nameless node (a
 * function body onnxruntime inlined at load) is `<op>_<node index>` in the trace and nameless in the
 * optimized graph file; netcost pairs them per op, by index and file order (engine/kernel.ts).
 */
import { describe, expect, it } from 'vitest';
import type { ENode } from '../../src/engine/graph.ts';
import { anchorOf, byTraceName, type Kernel } from '../../src/engine/kernel.ts';

const node = (name: string, op: string, inputs: string[], outputs: string[]): ENode => ({
  name,
  op,
  domain: '',
  inputs,
  outputs,
  attrs: new Map(),
  covers: [],
});
const kernel = (n: ENode): Kernel => ({ kind: n.op, anchor: n.outputs[0], covers: [], node: n });

// two HardSwish bodies as onnxruntime writes them: nameless, their HardSigmoid writing a tensor it made
const file = [
  node('conv1', 'Conv', ['x', 'w1'], ['c1']),
  node('', 'HardSigmoid', ['c1'], ['_inlfunc_HardSwish_HS_X']),
  node('', 'Mul', ['c1', '_inlfunc_HardSwish_HS_X'], ['h1']),
  node('conv2', 'Conv', ['h1', 'w2'], ['c2']),
  node('', 'HardSigmoid', ['c2'], ['_inlfunc_HardSwish_token_0_HS_X']),
  node('', 'Mul', ['c2', '_inlfunc_HardSwish_token_0_HS_X'], ['h2']),
].map(kernel);

describe('joining a trace to the optimized graph', () => {
  it("pairs nameless nodes with the trace's <op>_<index> per op, by index, whatever order the trace lists them", () => {
    const joined = byTraceName(file, ['conv1', 'HardSigmoid_9', 'Mul_10', 'conv2', 'Mul_8', 'HardSigmoid_7']);
    expect(joined.get('conv2')?.node.name).toBe('conv2');
    expect(joined.get('HardSigmoid_7')?.node.inputs).toEqual(['c1']);
    expect(joined.get('HardSigmoid_9')?.node.inputs).toEqual(['c2']);
    expect(joined.get('Mul_8')?.node.outputs).toEqual(['h1']);
    expect(joined.get('Mul_10')?.node.outputs).toEqual(['h2']);
  });
  it('pairs none of an op whose counts differ, and never takes a name the file gives a node', () => {
    const named = [...file, kernel(node('HardSigmoid_7', 'HardSigmoid', ['c2'], ['s']))];
    const joined = byTraceName(named, ['HardSigmoid_7', 'HardSigmoid_9', 'Mul_8', 'Mul_10', 'Mul_12']);
    expect(joined.get('HardSigmoid_7')?.node.name).toBe('HardSigmoid_7');
    // two nameless HardSigmoids, one unclaimed trace name: none paired; three Muls in the trace for two
    expect(joined.has('HardSigmoid_9')).toBe(false);
    expect([...joined.keys()].filter((k) => k.startsWith('Mul_'))).toEqual([]);
  });
  it('anchors a nameless node making a tensor of its own by the first original tensor it reads', () => {
    const original = (t: string) => ['x', 'c1', 'h1'].includes(t);
    expect(anchorOf(file[1].node, original)).toBe('<c1');
    expect(anchorOf(file[2].node, original)).toBe('h1');
    expect(anchorOf(node('', 'Exp', ['made'], ['made2']), original)).toBe('');
  });
});
