/** The engine's verdict against the runtime's kernels: multisets of keys, on hand-made kernel lists. */
import { describe, expect, it } from 'vitest';
import { diffKernels, diffLines } from '../../src/engine/diff.ts';
import type { Kernel } from '../../src/engine/kernel.ts';

const k = (kind: string, anchor: string, uncertain = false): Kernel =>
  ({ kind, anchor, covers: [], node: undefined, uncertain }) as unknown as Kernel;

describe('diffKernels', () => {
  it('the same keys in another order, repeated alike: identical', () => {
    const ours = [k('Conv', 'a'), k('Relu', 'b'), k('Relu', 'b')];
    const theirs = [k('Relu', 'b'), k('Conv', 'a'), k('Relu', 'b')];
    const d = diffKernels(ours, theirs);
    expect(d.verdict).toBe('identical');
    expect(diffLines(d)).toEqual([]);
  });

  it('a key twice on one side and once on the other is one excess, counted', () => {
    const d = diffKernels([k('Add', 'x'), k('Add', 'x'), k('Add', 'x')], [k('Add', 'x')]);
    expect(d.netcostOnly).toEqual([{ key: 'Add@x', count: 2 }]);
    expect(d.runtimeOnly).toEqual([]);
    expect(diffLines(d)).toEqual(['netcost only: Add@x x2']);
    expect(d.verdict).toBe('silent');
  });

  it('flagged only when every kernel netcost alone plans is one it marked uncertain', () => {
    const theirs = [k('Transpose', 't'), k('Conv', 'c')];
    const flagged = diffKernels([k('FusedMatMul', 'm', true), k('Conv', 'c')], theirs);
    expect(flagged.verdict).toBe('flagged');
    expect(flagged.uncertain).toBe(1);
    expect(diffLines(flagged)).toEqual(['netcost only: FusedMatMul@m x1', 'onnxruntime only: Transpose@t x1']);
    // one netcost-only kernel not marked: the whole plan is a silent disagreement
    const silent = diffKernels([k('FusedMatMul', 'm', true), k('Relu', 'r'), k('Conv', 'c')], theirs);
    expect(silent.verdict).toBe('silent');
  });

  it('a kernel only the runtime runs, with nothing netcost marked: silent', () => {
    const d = diffKernels([k('Conv', 'c')], [k('Conv', 'c'), k('ReorderOutput', 'c')]);
    expect(d.verdict).toBe('silent');
    expect(d.runtimeOnly).toEqual([{ key: 'ReorderOutput@c', count: 1 }]);
  });
});
