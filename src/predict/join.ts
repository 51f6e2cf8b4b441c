/**
 * `bench --predict`: the prediction joined to a measurement, by the command layer (measure/ knows
 * nothing of predictions). The whole model's predicted time and its error against the measured
 * median, each layer's predicted share beside its measured time, and each category's sum.
 */
import type { BenchResult } from '../measure/bench.ts';
import { layerFields, type Predictable, predict, predictionNotes } from './attach.ts';
import type { MachineProfile } from './machine.ts';

export function predictBench(
  r: BenchResult,
  src: Predictable,
  p: MachineProfile,
  profileFile: string,
  notes: string[] = [],
): BenchResult {
  const m = predict(p, src);
  const prediction = {
    predictedMs: m.predictedMs,
    lowMs: m.lowMs,
    highMs: m.highMs,
    error: r.latency.medianMs > 0 ? m.predictedMs / r.latency.medianMs - 1 : 0,
    machine: p.machine.cpu,
    profile: profileFile,
    notes: [...notes, ...predictionNotes(m)],
  };
  if (!r.perLayer) return { ...r, prediction };
  const layers = r.perLayer.layers.map((l) => {
    const f = layerFields(m, l);
    return { ...l, predictedMs: f.predictedMs, bound: f.bound };
  });
  const categories = r.perLayer.categories.map((c) => ({
    ...c,
    predictedMs: layers.filter((l) => l.category === c.category).reduce((a, l) => a + (l.predictedMs ?? 0), 0),
  }));
  return { ...r, prediction, perLayer: { ...r.perLayer, layers, categories } };
}
