/**
 * The kernels netcost reproduces for a model against those the runtime runs (read back from its
 * own optimized graph), as multisets of kind@anchor keys: what only one side has, and a verdict.
 * The engine's tests, its differential fuzzer and `scripts/engine-diff.mjs` all judge by this.
 */
import { type Kernel, keyOf } from './kernel.ts';

/** A key one side has more often than the other, and how many more times. */
export interface KeyExcess {
  key: string;
  count: number;
}

/**
 * identical: kernel for kernel; flagged: every kernel only netcost plans is one it marked
 * uncertain (and it marked some); silent: netcost plans a kernel the runtime does not run and
 * did not say it might be wrong.
 */
export type KernelVerdict = 'identical' | 'flagged' | 'silent';

export interface KernelDiff {
  netcostOnly: KeyExcess[];
  runtimeOnly: KeyExcess[];
  /** kernels netcost marks uncertain */
  uncertain: number;
  verdict: KernelVerdict;
}

const countKeys = (ks: Pick<Kernel, 'kind' | 'anchor'>[]): Map<string, number> => {
  const m = new Map<string, number>();
  for (const k of ks) m.set(keyOf(k), (m.get(keyOf(k)) ?? 0) + 1);
  return m;
};

const excess = (x: Map<string, number>, y: Map<string, number>): KeyExcess[] =>
  [...x].flatMap(([key, n]) => (n > (y.get(key) ?? 0) ? [{ key, count: n - (y.get(key) ?? 0) }] : []));

/** netcost's kernels (`ours`) against the runtime's (`theirs`). */
export function diffKernels(ours: Kernel[], theirs: Pick<Kernel, 'kind' | 'anchor'>[]): KernelDiff {
  const a = countKeys(ours);
  const b = countKeys(theirs);
  const netcostOnly = excess(a, b);
  const runtimeOnly = excess(b, a);
  const uncertainKeys = new Set(ours.filter((k) => k.uncertain).map(keyOf));
  const verdict: KernelVerdict =
    netcostOnly.length === 0 && runtimeOnly.length === 0
      ? 'identical'
      : uncertainKeys.size > 0 && netcostOnly.every((e) => uncertainKeys.has(e.key))
        ? 'flagged'
        : 'silent';
  return { netcostOnly, runtimeOnly, uncertain: ours.filter((k) => k.uncertain).length, verdict };
}

/** The difference as lines, `netcost only: key xN` / `onnxruntime only: key xN` (none when identical). */
export const diffLines = (d: KernelDiff, runtime = 'onnxruntime'): string[] => [
  ...d.netcostOnly.map((e) => `netcost only: ${e.key} x${e.count}`),
  ...d.runtimeOnly.map((e) => `${runtime} only: ${e.key} x${e.count}`),
];
