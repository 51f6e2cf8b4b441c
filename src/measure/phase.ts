/**
 * Timing in the machine's undisturbed phase. On a shared host the same compute-bound model can run
 * at two speeds: on the development machine a 0.59 ms probe took 1.1-1.4 ms in stretches of 65 ms
 * to several seconds, up to 98% of some seconds (a neighbour on the host's core, by all signs),
 * while its fastest run each second stayed within 0.56-0.63 ms. A median then lands anywhere
 * between the two. A gate holds a tiny probe model open and times one run of it whenever asked:
 * `enter` waits (a bounded number of probe runs) until the probe runs at its best speed so far;
 * `held` says whether it still does, after the runs that were to be timed, so that a batch timed
 * across a change of phase can be timed again.
 */
export interface ProbeRunner {
  /** one run of the probe, its wall time in ms */
  run(): Promise<number>;
}

/** a probe run counts as undisturbed within this factor of the best one seen */
export const FAST_WITHIN = 1.2;
/** probe runs `enter` tries before it gives up waiting (10 to 80 ms) */
const MAX_WAIT_RUNS = 60;

export class PhaseGate {
  private best = Number.POSITIVE_INFINITY;
  /** batches timed again because the phase changed under them, and waits that gave up */
  retimed = 0;
  gaveUp = 0;
  constructor(private readonly probe: ProbeRunner) {}

  private async fast(): Promise<boolean> {
    const t = await this.probe.run();
    this.best = Math.min(this.best, t);
    return t <= FAST_WITHIN * this.best;
  }

  /** Wait until the probe runs undisturbed (or give up after a bound, and say so in `gaveUp`). */
  async enter(): Promise<void> {
    // a first look at the probe's best speed
    if (!Number.isFinite(this.best)) for (let i = 0; i < 20; i++) await this.fast();
    for (let i = 0; i < MAX_WAIT_RUNS; i++) if (await this.fast()) return;
    this.gaveUp++;
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
