/** Folding's budget: elements and time across one import, nothing charged outside it. */
import { afterEach, describe, expect, it } from 'vitest';
import { FOLD_BUDGET, generate, withFoldBudget } from '../../src/ops/tensor.ts';

const saved = { ...FOLD_BUDGET };
afterEach(() => Object.assign(FOLD_BUDGET, saved));

describe('fold budget', () => {
  it('counts elements across tensors: 60 + 60 passes a budget of 100 only outside an import', () => {
    FOLD_BUDGET.elements = 100;
    expect(() =>
      withFoldBudget(() => {
        expect(generate([60], 'int', (i) => i).data[59]).toBe(59);
        generate([60], 'int', (i) => i);
      }),
    ).toThrow(/compute more than 100 elements across the graph/);
    // after the import the budget is gone: the same work is no error
    expect(generate([60], 'int', (i) => i).data).toHaveLength(60);
    expect(generate([60], 'int', (i) => i).data).toHaveLength(60);
  });

  it('a fresh import has a fresh budget', () => {
    FOLD_BUDGET.elements = 100;
    for (let k = 0; k < 3; k++) expect(withFoldBudget(() => generate([90], 'int', () => k).data[0])).toBe(k);
  });

  it('counts time spent computing: a zero-second budget stops at the first tensor that takes any', () => {
    FOLD_BUDGET.ms = 0;
    expect(() => withFoldBudget(() => generate([1 << 20], 'float', (i) => Math.sqrt(i)))).toThrow(
      /take more than 0 s across the graph/,
    );
  });
});
