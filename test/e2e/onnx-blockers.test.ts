/**
 * One run names every blocker: the sizes to give for every input at once, every op without a rule
 * with a rules template that loads as it is, and post-processing nothing reads left out.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../../src/onnx/import.ts';
import { loadRules } from '../../src/onnx/rules.ts';
import { onnxModel } from '../onnx-models.ts';

/** x [n, 3, h, w] -> Relu -> two ops of a custom domain -> Relu; a scalar input besides. */
const model = onnxModel({
  opset: 17,
  opsets: { 'my.ops': 1 },
  inputs: [
    { name: 'x', dims: ['n', 3, 'h', 'w'] },
    { name: 'mask', dims: ['n', 'len'] },
  ],
  nodes: [
    { op: 'Relu', name: 'r', inputs: ['x'], outputs: ['a'] },
    { op: 'Frobnicate', domain: 'my.ops', name: 'f', inputs: ['a', 'mask'], outputs: ['b'] },
    { op: 'Zorp', domain: 'my.ops', name: 'z', inputs: ['b'], outputs: ['c'] },
    { op: 'Zorp', domain: 'my.ops', name: 'z2', inputs: ['c'], outputs: ['d'] },
    { op: 'Relu', name: 'r2', inputs: ['d'], outputs: ['y'] },
  ],
  outputs: ['y'],
});

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
};

describe('one run names every blocker', () => {
  it('every input without a size, every named dimension once, and the ops without a rule', () => {
    const m = message(() => importOnnx(model, { file: 'm.onnx' }));
    expect(m).toContain("2 inputs have symbolic or unknown dimensions: 'x' (n x 3 x h x w), 'mask' (n x len)");
    expect(m).toContain('--dim n=N (dims.n), --dim h=N (dims.h), --dim w=N (dims.w), --dim len=N (dims.len)');
    // most nodes first, each once
    expect(m).toContain('no cost rule for my.ops.Zorp x2, my.ops.Frobnicate x1');
    expect(m.split('\n')).toHaveLength(1);
  });

  it('with the sizes given, the ops; the template it prints loads as a rules file and the report goes on', () => {
    const dims = { n: 1, h: 8, w: 8, len: 4 };
    const m = message(() => importOnnx(model, { file: 'm.onnx', dims }));
    expect(m).toContain("node 'f' (Frobnicate): netcost has no rule for my.ops.Frobnicate");
    expect(m).toContain('my.ops.Zorp x2, my.ops.Frobnicate x1');
    const template = /a template to fill in: (rules: \[.*\]); 'outputs/.exec(m)?.[1] as string;
    const dir = mkdtempSync(join(tmpdir(), 'netcost-blockers-'));
    writeFileSync(join(dir, 'rules.yaml'), template);
    const rules = loadRules(join(dir, 'rules.yaml'));
    const r = importOnnx(model, { file: 'm.onnx', dims, rules });
    expect(r.graph.layers.map((l) => l.name)).toEqual(['r', 'f', 'z', 'z2', 'r2']);
    expect(r.shapeOf('y')).toEqual([1, 3, 8, 8]);
  });

  it('an op without a rule that nothing reads (post-processing) is left out with a note; the report goes on', () => {
    const post = onnxModel({
      opset: 17,
      opsets: { 'my.ops': 1 },
      inputs: [{ name: 'x', dims: [1, 4, 8] }],
      nodes: [
        { op: 'Sigmoid', name: 's', inputs: ['x'], outputs: ['y'] },
        { op: 'BoxDecode', domain: 'my.ops', name: 'decode', inputs: ['y'], outputs: ['boxes'] },
      ],
      outputs: ['y', 'boxes'],
    });
    const r = importOnnx(post, { file: 'det.onnx' });
    expect(r.graph.layers.map((l) => l.name)).toEqual(['s']);
    expect(r.notes).toContain(
      "node 'decode' (my.ops.BoxDecode) has no rule and no output shape; nothing reads its outputs: left out",
    );
    expect(r.warnings).toEqual([
      'no cost rule for my.ops.BoxDecode x1: counted as 0 (use --strict to make this an error)',
    ]);
    expect(message(() => importOnnx(post, { file: 'det.onnx', strict: true }))).toContain('(--strict)');
  });
});
