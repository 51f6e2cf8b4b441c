/**
 * Timing in the machine's undisturbed phase. On a shared host the same compute-bound model can run
 * at two speeds: on the development machine a 0.59 ms probe took 1.1-1.4 ms in stretches of 65 ms
 * to several seconds, up to 98% of some seconds (a neighbour on the host's core, by all signs),
 * while its fastest run each second stayed within 0.56-0.63 ms. A median then lands anywhere
 * between the two. Memory is shared too: in the twelfth session a calibration's memory probe read
 * 43% slow for minutes while its compute probe stayed within 13%, and another's drifted 37% from
 * its first third to its last. A gate holds probe models open (a compute-bound one and one that
 * streams memory) and times one run of each whenever asked: `enter` waits (a bounded number of
 * probe runs) until every probe runs at its best speed so far; `held` says whether they still do,
 * after the runs that were to be timed, so that a batch timed across a change of phase can be
 * timed again.
 */
export interface ProbeRunner {
  /** one run of the probe, its wall time in ms */
  run(): Promise<number>;
}

/** a probe run counts as undisturbed within this factor of the best one seen */
export const FAST_WITHIN = 1.2;
/** probe runs `enter` tries before it gives up waiting (tens of ms) */
const MAX_WAIT_RUNS = 60;
/** probe runs `enter` tries while the last wait gave up (a long phase) */
const RETRY_RUNS = 15;

export class PhaseGate {
  private readonly probes: readonly ProbeRunner[];
  private readonly best: number[];
  /** probe runs the next `enter` may wait: all of MAX_WAIT_RUNS, or a few after a wait gave up */
  private patience = MAX_WAIT_RUNS;
  /** batches timed again because the phase changed under them, and waits that gave up */
  retimed = 0;
  gaveUp = 0;
  constructor(...probes: ProbeRunner[]) {
    this.probes = probes;
    this.best = probes.map(() => Number.POSITIVE_INFINITY);
  }

  /** one run of every probe: whether each ran within FAST_WITHIN of its best */
  private async fast(): Promise<boolean> {
    let ok = true;
    for (const [i, p] of this.probes.entries()) {
      const t = await p.run();
      this.best[i] = Math.min(this.best[i], t);
      ok &&= t <= FAST_WITHIN * this.best[i];
    }
    return ok;
  }

  /**
   * Wait until the probes run undisturbed (or give up after a bound, and say so in `gaveUp`). A
   * phase that outlasted one wait is likely to outlast the next: after a wait gave up, the next
   * tries a few runs only, until one succeeds.
   */
  async enter(): Promise<void> {
    // a first look at the probes' best speed
    if (this.best.some((b) => !Number.isFinite(b))) for (let i = 0; i < 20; i++) await this.fast();
    for (let i = 0; i < this.patience; i++)
      if (await this.fast()) {
        this.patience = MAX_WAIT_RUNS;
        return;
      }
    this.gaveUp++;
    this.patience = RETRY_RUNS;
  }

  /** Whether the machine is still undisturbed after a timed batch (counts a batch to time again). */
  async held(): Promise<boolean> {
    const ok = await this.fast();
    if (!ok) this.retimed++;
    return ok;
  }
}

/**
 * Time `batch` (runs whose times it returns) in an undisturbed phase: enter the gate, time, check
 * the gate held; up to `tries` times, keeping the last batch.
 */
export async function timeGated<X>(gate: PhaseGate | undefined, batch: () => Promise<X>, tries = 3): Promise<X> {
  if (!gate) return batch();
  let out: X | undefined;
  for (let i = 0; i < tries; i++) {
    await gate.enter();
    out = await batch();
    if (await gate.held()) break;
  }
  return out as X;
}
