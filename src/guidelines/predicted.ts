/**
 * The latency model on the guideline networks: each row's predicted time with the model's terms,
 * and a note computed from them (which term the slowest row adds over the first).
 */
import type { Graph } from '../graph/types.ts';
import { predict } from '../predict/attach.ts';
import type { MachineProfile } from '../predict/machine.ts';
import type { GuidelineDef, GuidelineRow } from './types.ts';

/** Predicted latency for each row (the graphs per width, rows in the same order), with the model's terms. */
export function predictRows(def: GuidelineDef, graphs: Graph[][], rows: GuidelineRow[], p: MachineProfile): void {
  graphs.forEach((perWidth, w) => {
    const wr = rows.filter((r) => r.width === def.widths[w]);
    perWidth.forEach((g, i) => {
      const m = predict(p, { kind: 'graph', graph: g });
      const by = (b: string) => m.kernels.filter((k) => k.bound === b).reduce((a, k) => a + k.ms, 0);
      const total = m.kernelsMs || 1;
      const sum = (f: (k: (typeof m.kernels)[number]) => number) => m.kernels.reduce((a, k) => a + f(k), 0);
      wr[i].predictedMs = m.predictedMs;
      wr[i].boundShares = {
        compute: by('compute') / total,
        memory: by('memory') / total,
        balanced: by('balanced') / total,
        overhead: by('overhead') / total,
      };
      wr[i].terms = {
        kernels: m.kernels.length,
        overheadMs: sum((k) => k.overheadMs),
        computeMs: sum((k) => k.computeMs - k.narrowMs),
        narrowMs: sum((k) => k.narrowMs),
        memoryMs: sum((k) => k.memoryMs),
      };
    });
    for (const r of wr) r.predictedRelative = (wr[0].predictedMs ?? NaN) / (r.predictedMs ?? NaN);
  });
}

const TERM_WORDS = {
  overheadMs: 'per-kernel overhead (more kernels: fragmentation, G3)',
  computeMs: 'arithmetic',
  narrowMs: 'narrow GEMMs running below the peak (few channels per group or per side)',
  memoryMs: 'memory traffic (MAC, G1/G2/G4)',
} as const;
type Term = keyof typeof TERM_WORDS;

/**
 * What the latency model says about the guideline on this machine, computed from its terms: for
 * the slowest row against the first (at each width), how much each term (per-kernel overhead,
 * arithmetic, the narrow-GEMM penalty, memory traffic) adds to the predicted time.
 */
export function platformNote(def: GuidelineDef, rows: GuidelineRow[]): string | undefined {
  const parts: string[] = [];
  for (const width of def.widths) {
    const wr = rows.filter((r) => r.width === width && r.terms && r.predictedMs !== undefined);
    if (wr.length < 2) continue;
    const base = wr[0];
    const slow = wr.reduce((a, b) => ((b.predictedMs ?? 0) > (a.predictedMs ?? 0) ? b : a));
    if (slow === base) {
      parts.push(`${width}: the model predicts ${base.row} (the first row) fastest`);
      continue;
    }
    const bt = base.terms as NonNullable<GuidelineRow['terms']>;
    const st = slow.terms as NonNullable<GuidelineRow['terms']>;
    const delta = (Object.keys(TERM_WORDS) as Term[])
      .map((t) => ({ t, ms: st[t] - bt[t] }))
      .sort((a, b) => b.ms - a.ms);
    const gap = (slow.predictedMs ?? 0) - (base.predictedMs ?? 0);
    const grew = delta.filter((d) => d.ms > 0.05 * gap);
    parts.push(
      `${width}: ${slow.row} is predicted ${((100 * gap) / (base.predictedMs ?? 1)).toFixed(0)}% slower than ` +
        `${base.row} ` +
        `(+${gap.toFixed(3)} ms; ${st.kernels} kernels against ${bt.kernels}); ` +
        (grew.length
          ? `the difference is ${grew.map((d) => `${TERM_WORDS[d.t]} +${d.ms.toFixed(3)} ms`).join(', ')}`
          : 'no single term accounts for it'),
    );
  }
  if (parts.length === 0) return undefined;
  return `${def.id} on this machine, from the latency model's terms: ${parts.join('; ')}.`;
}
