/**
 * Two models layer by layer (`netcost diff A B`): a pruned or re-exported model against its
 * original. Layers are matched by name (their scope path is in it), then what is left by position:
 * the longest common run of ops in order, as a line diff pairs lines. Each pair is unchanged or
 * changed (any count, the op or the output shape differs); a layer of one side only is added or
 * removed. Times (predicted, or measured per layer) ride along where the caller gives them.
 */
import type { Shape } from '../graph/types.ts';
import type { CostReport } from './analyze.ts';
import type { LayerCost } from './layer.ts';

export const DIFF_METRICS = ['params', 'madds', 'flops', 'memoryAccess', 'memoryAccessBytes', 'ms'] as const;
export type DiffMetric = (typeof DIFF_METRICS)[number];
export type Metrics = Partial<Record<DiffMetric, number>>;

export interface DiffRow {
  /** the layer's name in A and in B (one is missing for a removed or added layer) */
  a?: string;
  b?: string;
  op: string;
  status: 'same' | 'changed' | 'added' | 'removed';
  /** matched by position (names differ), not by name */
  byPosition?: boolean;
  outputShape?: { a?: Shape; b?: Shape };
  before?: Metrics;
  after?: Metrics;
}

export interface DiffSide {
  model: string;
  file: string;
  input: Shape;
  totals: Metrics & { layers: number };
}

export interface DiffResult {
  a: DiffSide;
  b: DiffSide;
  /** every layer of either model, in B's order with A's removed layers where they stood */
  rows: DiffRow[];
  /** where the times come from, when there are any */
  time?: 'predicted' | 'measured';
}

/** A layer's counts, and its time when the caller has one (by layer name). */
const metricsOf = (l: LayerCost, ms?: ReadonlyMap<string, number>): Metrics => ({
  params: l.params,
  madds: l.madds,
  flops: l.flops,
  memoryAccess: l.memoryAccess,
  memoryAccessBytes: l.memoryAccessBytes,
  ...(ms ? { ms: ms.get(l.name) ?? 0 } : {}),
});

/** Pairs (i in xs, j in ys) of a longest common subsequence of equal keys; a greedy walk past 4M cells. */
function commonRun(xs: string[], ys: string[]): [number, number][] {
  const pairs: [number, number][] = [];
  if (xs.length * ys.length > 4_000_000) {
    let j = 0;
    for (let i = 0; i < xs.length && j < ys.length; i++) {
      const k = ys.indexOf(xs[i], j);
      if (k >= 0) {
        pairs.push([i, k]);
        j = k + 1;
      }
    }
    return pairs;
  }
  const w = ys.length + 1;
  const len = new Uint32Array((xs.length + 1) * w);
  for (let i = xs.length - 1; i >= 0; i--)
    for (let j = ys.length - 1; j >= 0; j--)
      len[i * w + j] =
        xs[i] === ys[j] ? len[(i + 1) * w + j + 1] + 1 : Math.max(len[(i + 1) * w + j], len[i * w + j + 1]);
  for (let i = 0, j = 0; i < xs.length && j < ys.length; ) {
    if (xs[i] === ys[j]) {
      pairs.push([i, j]);
      i++;
      j++;
    } else if (len[(i + 1) * w + j] >= len[i * w + j + 1]) i++;
    else j++;
  }
  return pairs;
}

/** B's index for each A layer it matches: by name first, then by op in order among the rest. */
function match(a: LayerCost[], b: LayerCost[]): { pair: (number | undefined)[]; byPosition: Set<number> } {
  const pair: (number | undefined)[] = a.map(() => undefined);
  const byName = new Map(b.map((l, j) => [l.name, j]));
  const taken = new Set<number>();
  for (const [i, l] of a.entries()) {
    const j = byName.get(l.name);
    if (j !== undefined) {
      pair[i] = j;
      taken.add(j);
    }
  }
  const restA = a.flatMap((_, i) => (pair[i] === undefined ? [i] : []));
  const restB = b.flatMap((_, j) => (taken.has(j) ? [] : [j]));
  const byPosition = new Set<number>();
  for (const [x, y] of commonRun(
    restA.map((i) => a[i].op),
    restB.map((j) => b[j].op),
  )) {
    pair[restA[x]] = restB[y];
    byPosition.add(restA[x]);
  }
  return { pair, byPosition };
}

const sameShape = (x: Shape, y: Shape) => x.length === y.length && x.every((d, k) => d === y[k]);

function side(r: CostReport, ms?: ReadonlyMap<string, number>, totalMs?: number): DiffSide {
  const t = r.totals;
  return {
    model: r.model,
    file: r.file,
    input: r.input,
    totals: {
      params: t.params,
      madds: t.madds,
      flops: t.flops,
      memoryAccess: t.memoryAccess,
      memoryAccessBytes: t.memoryAccessBytes,
      ...(ms ? { ms: totalMs ?? [...ms.values()].reduce((x, y) => x + y, 0) } : {}),
      layers: t.layers,
    },
  };
}

/** Per-layer times of each side (by layer name) and their totals, when the caller has them. */
export interface DiffTimes {
  kind: 'predicted' | 'measured';
  a: ReadonlyMap<string, number>;
  b: ReadonlyMap<string, number>;
  totalA: number;
  totalB: number;
}

export function diffReports(ra: CostReport, rb: CostReport, times?: DiffTimes): DiffResult {
  const a = ra.layers;
  const b = rb.layers;
  const { pair, byPosition } = match(a, b);
  const ofB = new Map<number, number>();
  for (const [i, j] of pair.entries()) if (j !== undefined) ofB.set(j, i);
  const rows: DiffRow[] = [];
  let nextA = 0;
  const removedUpTo = (end: number) => {
    for (; nextA < end; nextA++)
      if (pair[nextA] === undefined) {
        const l = a[nextA];
        rows.push({
          a: l.name,
          op: l.op,
          status: 'removed',
          before: metricsOf(l, times?.a),
          outputShape: { a: l.outputShape },
        });
      }
  };
  for (const [j, lb] of b.entries()) {
    const i = ofB.get(j);
    const after = metricsOf(lb, times?.b);
    if (i === undefined) {
      rows.push({ b: lb.name, op: lb.op, status: 'added', after, outputShape: { b: lb.outputShape } });
      continue;
    }
    removedUpTo(i + 1);
    const la = a[i];
    const before = metricsOf(la, times?.a);
    const same =
      la.op === lb.op &&
      sameShape(la.outputShape, lb.outputShape) &&
      DIFF_METRICS.filter((m) => m !== 'ms').every((m) => before[m] === after[m]);
    rows.push({
      a: la.name,
      b: lb.name,
      op: la.op === lb.op ? lb.op : `${la.op} -> ${lb.op}`,
      status: same ? 'same' : 'changed',
      ...(byPosition.has(i) ? { byPosition: true } : {}),
      outputShape: { a: la.outputShape, b: lb.outputShape },
      before,
      after,
    });
  }
  removedUpTo(a.length);
  return {
    a: side(ra, times?.a, times?.totalA),
    b: side(rb, times?.b, times?.totalB),
    rows,
    ...(times ? { time: times.kind } : {}),
  };
}
