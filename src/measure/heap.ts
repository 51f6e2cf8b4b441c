/**
 * Runs until the process stops faulting in fresh memory, so that `bench` times a model as a
 * long-running process sees it. Each run hands out new output buffers; until the runtime and V8
 * recycle the earlier runs' (a count of runs that varies from process to process), each new one
 * is fresh memory whose first touch faults its pages in. Measured here (a VM, about 12 µs a
 * fault): a chain of depthwise convolutions with a 784 KiB output ran 2.7 ms a run with 196 faults
 * for its first 52 to 84 runs, then 0.45 ms with none; `bench` with its 10 warm-up runs timed it at
 * 2.63 ms. An output too large to be recycled faults every run, as it does in a service: then the
 * budget ends the wait.
 */
import { resourceUsage } from 'node:process';

/** a run with at most this many page faults counts as settled (an arena growing by a page) */
const SETTLED_FAULTS = 2;
/** settled runs in a row that end the wait */
const SETTLED_RUNS = 3;

const faults = () => resourceUsage().minorPageFault;

/** Run `run` until SETTLED_RUNS runs in a row fault at most SETTLED_FAULTS pages, or `budgetMs` passes. */
export async function settleMemory(run: () => Promise<unknown>, budgetMs: number): Promise<{ runs: number }> {
  const end = performance.now() + budgetMs;
  let calm = 0;
  let runs = 0;
  while (calm < SETTLED_RUNS && performance.now() < end) {
    const before = faults();
    await run();
    runs++;
    calm = faults() - before <= SETTLED_FAULTS ? calm + 1 : 0;
  }
  return { runs };
}
