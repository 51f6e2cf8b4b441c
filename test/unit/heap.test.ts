/** settleMemory: runs until the runs stop faulting in fresh memory, on a run whose memory is known. */
import { describe, expect, it } from 'vitest';
import { settleMemory } from '../../src/measure/heap.ts';

describe('settleMemory', () => {
  it('waits out the runs that touch fresh memory, then three calm ones', async () => {
    const kept: Buffer[] = [];
    // touched once here, so that reusing it faults nothing
    const reused = Buffer.alloc(4 << 20).fill(7);
    let calls = 0;
    // the first five runs each fault in 4 MiB of new memory (1,024 pages), kept alive; then one buffer reused
    const run = async () => {
      calls++;
      if (calls <= 5) kept.push(Buffer.alloc(4 << 20).fill(calls));
      else reused.fill(calls);
    };
    expect(await settleMemory(run, 10_000)).toEqual({ runs: 8 });
    expect(kept).toHaveLength(5);
  });

  it('stops at its budget when every run faults (an output too large to recycle)', async () => {
    const kept: Buffer[] = [];
    const run = async () => {
      kept.push(Buffer.alloc(1 << 20).fill(1));
      await new Promise((r) => setTimeout(r, 20));
    };
    const { runs } = await settleMemory(run, 150);
    expect(runs).toBeGreaterThanOrEqual(5);
    expect(runs).toBeLessThanOrEqual(9);
  });
});
