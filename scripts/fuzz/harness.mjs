// The fuzzers' shared harness: one case is a result or one clean NetcostError line, within 10 s.
export const LIMIT_MS = 10_000;

export function harness(lib) {
  const failures = [];
  const outcomes = new Map();
  let slowest = 0;
  /** Run one case of a family; anything but a result or one clean exit-2 line is a failure. */
  async function attempt(family, label, f) {
    const t0 = performance.now();
    let outcome = 'ok';
    try {
      await f();
    } catch (e) {
      if (!(e instanceof lib.NetcostError)) outcome = `crash: ${e?.stack ?? e}`;
      else if (e.message.includes('\n')) outcome = `error of ${e.message.split('\n').length} lines`;
      else if (e.exitCode !== 2) outcome = `exit code ${e.exitCode}`;
      else outcome = 'error';
    }
    const ms = performance.now() - t0;
    slowest = Math.max(slowest, ms);
    if (ms > LIMIT_MS) outcome = `took ${ms.toFixed(0)} ms`;
    if (outcome !== 'ok' && outcome !== 'error') failures.push({ family, label, outcome });
    const key = `${family} ${outcome === 'ok' || outcome === 'error' ? outcome : 'FAIL'}`;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    return outcome;
  }
  return { attempt, failures, outcomes, slowest: () => slowest };
}
