/**
 * The phase gate on synthetic probes with a known phase: it waits until every probe runs within
 * FAST_WITHIN of its best, sees a memory-only slowdown the compute probe does not show, and after a
 * wait that gave up, waits only briefly while the phase lasts.
 */
import { describe, expect, it } from 'vitest';
import { PhaseGate, timeGated } from '../../src/measure/phase.ts';

/** a probe whose i-th run takes times(i) ms */
const probe = (times: (i: number) => number) => {
  let i = 0;
  return { runs: () => i, run: async () => times(i++) };
};

describe('the phase gate', () => {
  it('waits out a memory phase the compute probe does not see', async () => {
    const compute = probe(() => 0.15);
    // fast for its first look (20 runs), then 1.5x slow for 30 runs, then fast again
    const memory = probe((i) => (i >= 20 && i < 50 ? 0.6 : 0.4));
    const gate = new PhaseGate(compute, memory);
    await gate.enter();
    // the first look, then the 30 slow runs, then the first fast one
    expect(memory.runs()).toBe(51);
    expect(gate.gaveUp).toBe(0);
    // a compute probe alone would have let the batch in at once
    const alone = new PhaseGate(probe(() => 0.15));
    await alone.enter();
    expect(alone.gaveUp).toBe(0);
  });

  it('says a batch timed across a change of phase was disturbed, and times it again', async () => {
    const memory = probe((i) => (i === 21 ? 0.7 : 0.4));
    const gate = new PhaseGate(
      probe(() => 0.15),
      memory,
    );
    let batches = 0;
    await timeGated(gate, async () => batches++);
    // the run after the first batch was slow: one more batch
    expect(batches).toBe(2);
    expect(gate.retimed).toBe(1);
  });

  it('after a wait gave up, the next waits 15 runs, not 60, while the phase lasts', async () => {
    const memory = probe((i) => (i < 20 ? 0.4 : 0.8));
    const gate = new PhaseGate(
      probe(() => 0.15),
      memory,
    );
    await gate.enter();
    expect(gate.gaveUp).toBe(1);
    expect(memory.runs()).toBe(80);
    await gate.enter();
    expect(gate.gaveUp).toBe(2);
    expect(memory.runs()).toBe(95);
  });
});
