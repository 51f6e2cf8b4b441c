/**
 * What an ONNX file is read with: params counted as stored (a weight aliased by Identity nodes
 * counts once), symbolic dimensions bound by name (`--dim`), inputs by name (`--input`), and a
 * flag that names nothing in the model is an error listing what it has.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/cost/analyze.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { loadRules } from '../../src/onnx/rules.ts';
import { noteLines } from '../../src/report/report.ts';
import { onnxModel } from '../onnx-models.ts';

describe('params as stored', () => {
  // 16 Identity nodes alias one stored bias of 240 values, as torch writes equal initializers once
  const bytes = onnxModel({
    inputs: [{ name: 'x', dims: [1, 240] }],
    initializers: [{ name: 'bias', dims: [240], floats: new Array(240).fill(0) }],
    nodes: [
      ...Array.from({ length: 16 }, (_, i) => ({ op: 'Identity', inputs: ['bias'], outputs: [`b${i}`] })),
      { op: 'Add', name: 'add0', inputs: ['x', 'bias'], outputs: ['y0'] },
      ...Array.from({ length: 16 }, (_, i) => ({
        op: 'Add',
        name: `add${i + 1}`,
        inputs: [`y${i}`, `b${i}`],
        outputs: [`y${i + 1}`],
      })),
    ],
    outputs: ['y16'],
  });

  it('the total counts the stored tensor once; each row keeps its use; the report says why they differ', () => {
    const r = analyze(importOnnx(bytes, { file: 'alias.onnx' }).graph);
    expect(r.layers.every((l) => l.params === 240)).toBe(true);
    expect(r.layers).toHaveLength(17);
    expect(r.totals.params).toBe(240);
    expect(r.params).toMatchObject({ stored: 240, layers: 17 * 240, shared: [{ tensor: 'bias', uses: 17 }] });
    expect(noteLines(r)[0]).toMatch(
      /^params: the file stores 240; its layers use 4,080 \(3,840 more\), because 1 stored tensor is read by more/,
    );
  });
});

describe('--input and --dim', () => {
  const model = onnxModel({
    inputs: [
      { name: 'tokens', dims: ['batch', 'seq', 64] },
      { name: 'mask', dims: ['batch', 'seq'] },
    ],
    initializers: [{ name: 'w', dims: [64, 32] }],
    nodes: [
      { op: 'MatMul', name: 'proj', inputs: ['tokens', 'w'], outputs: ['p'] },
      { op: 'Custom', domain: 'x', name: 'custom', inputs: ['p', 'mask'], outputs: ['y'] },
    ],
    outputs: ['y'],
    outputShapes: { y: ['batch', 'seq', 32] },
  });

  it('--dim binds a symbolic dimension wherever it appears', () => {
    const r = importOnnx(model, { file: 'm.onnx', dims: { batch: 8, seq: 128 } });
    // the op without a rule takes its output shape from the declared [batch, seq, 32]
    expect(r.graph.layers.find((l) => l.name === 'custom')?.outputShapes).toEqual([[8, 128, 32]]);
    expect(r.inputs.map((i) => i.shape)).toEqual([
      [8, 128, 64],
      [8, 128],
    ]);
    expect(analyze(r.graph).totals.madds).toBe(8 * 128 * 64 * 32);
  });

  it('an input or dimension that names nothing in the model is an error listing what it has', () => {
    // each error also names the model's op without a rule, so that one run tells every blocker
    const also = String.raw`; the model also has no cost rule for x\.Custom x1; give them rules with --rules FILE`;
    expect(() => importOnnx(model, { file: 'm.onnx', inputs: { x: [1, 2, 64] }, dims: { batch: 1, seq: 2 } })).toThrow(
      new RegExp(
        String.raw`^m\.onnx: --input x=\.\.\. \(inputs\.x\): the model has no input 'x'; ` +
          `its inputs: 'tokens', 'mask'${also}`,
      ),
    );
    expect(() => importOnnx(model, { file: 'm.onnx', dims: { batch: 1, sequence: 2 } })).toThrow(
      /^m\.onnx: --dim sequence=\.\.\. \(dims\.sequence\): no dimension of the model is named 'sequence'; its symbolic/,
    );
    expect(() => importOnnx(model, { file: 'm.onnx', inputs: { '*': [1, 2, 64] } })).toThrow(
      /the model has 2 inputs \('tokens', 'mask'\); name the one you mean: --input name=NxCxHxW \(inputs\.name\); the/,
    );
    expect(() => importOnnx(model, { file: 'm.onnx', dims: { batch: 1 } })).toThrow(
      new RegExp(
        String.raw`2 inputs have symbolic or unknown dimensions: 'tokens' \(batch x seq x 64\), ` +
          String.raw`'mask' \(batch x seq\); give their shapes \(--input tokens=1xNx64 \(inputs\.tokens\), ` +
          String.raw`one per input\), or size the named ` +
          String.raw`dimensions: --dim seq=N \(dims\.seq\)` +
          also,
      ),
    );
  });

  it("a rule's `outputs: same` keeps the first data input's shape", () => {
    const file = join(tmpdir(), `netcost-same-${process.pid}.yaml`);
    writeFileSync(
      file,
      'rules:\n  - op: Custom\n    domain: x\n    category: elementwise\n    flops: in0.numel\n    outputs: same\n',
    );
    const r = importOnnx(model, { file: 'm.onnx', dims: { batch: 2, seq: 3 }, rules: loadRules(file) });
    const custom = analyze(r.graph).layers.find((l) => l.name === 'custom');
    expect(custom?.outputShape).toEqual([2, 3, 32]);
    expect(custom?.flops).toBe(2 * 3 * 32);
  });
});
