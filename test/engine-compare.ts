/**
 * The kernels netcost reproduces for a model (src/engine/ort) against those onnxruntime runs (its
 * own optimized graph, written by the session), as multisets of op@anchor keys.
 */
import { kernelsOfOptimized, keyOf } from '../src/engine/kernel.ts';
import { plannedKernels } from '../src/engine/ort/index.ts';
import { onnxruntime } from '../src/measure/backend.ts';
import type { OptLevel } from '../src/measure/options.ts';
import { importOnnx } from '../src/onnx/import.ts';
import { withNodeNames } from '../src/onnx/node-names.ts';

export interface Comparison {
  /** what only one side has, as `kind@anchor xN` lines (none when the two agree kernel for kernel) */
  only: string[];
  /** kernels netcost marks uncertain (where onnxruntime's transpose optimizer may act) */
  uncertain: number;
}

/** The kernels netcost reproduces for a model against those onnxruntime runs, at `level`. */
export async function compareKernels(
  raw: Uint8Array,
  block: number,
  inputs: Record<string, number[]> = {},
  level: OptLevel = 'all',
): Promise<Comparison> {
  const bytes = withNodeNames(raw, importOnnx(raw, { file: 'm.onnx', inputs }).inputs);
  const imported = importOnnx(bytes, { file: 'm.onnx' });
  const original = (t: string) => imported.tensorOf(t) !== undefined;
  const theirs = kernelsOfOptimized(await onnxruntime.optimizedGraph(bytes, level), original, imported);
  const ours = plannedKernels(bytes, imported, { onnxruntime: '1.30.0', level, block });
  const count = (ks: { kind: string; anchor: string }[]) => {
    const m = new Map<string, number>();
    for (const k of ks) m.set(keyOf(k), (m.get(keyOf(k)) ?? 0) + 1);
    return m;
  };
  const a = count(ours);
  const b = count(theirs);
  const only = (x: Map<string, number>, y: Map<string, number>, who: string) =>
    [...x].flatMap(([k, v]) => (v > (y.get(k) ?? 0) ? [`${who} only: ${k} x${v - (y.get(k) ?? 0)}`] : []));
  return {
    only: [...only(a, b, 'netcost'), ...only(b, a, 'onnxruntime')],
    uncertain: ours.filter((k) => k.uncertain).length,
  };
}
