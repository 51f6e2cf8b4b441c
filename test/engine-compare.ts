/**
 * The kernels netcost reproduces for a model (src/engine/ort) against those onnxruntime runs (its
 * own optimized graph, written by the session), as multisets of op@anchor keys.
 */
import { diffKernels, diffLines } from '../src/engine/diff.ts';
import { kernelsOfOptimized } from '../src/engine/kernel.ts';
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
  const ours = plannedKernels(imported, { onnxruntime: '1.30.0', level, block });
  const d = diffKernels(ours, theirs);
  return { only: diffLines(d), uncertain: d.uncertain };
}
