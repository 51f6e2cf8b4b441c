/**
 * A Loop's or Scan's own work: stacking each iteration's outputs (its scan outputs) over the
 * trips and copying its results out of the subgraph. The subgraph's layers are costed on their own,
 * each running once per trip.
 */
import type { ControlAttrs } from '../graph/types.ts';
import { numel, type OpDef, ShapeError } from './op.ts';

export const control: OpDef<ControlAttrs> = {
  rule:
    'no arithmetic; copies its outputs out of the subgraph (reads and writes each output element once: a scan ' +
    "output, every trip's slice); the subgraph's layers are counted on their own, once per trip",
  infer(_inputs, a) {
    if (a.outputShapes.length === 0) throw new ShapeError(`${a.kind} has no outputs`);
    return a.outputShapes.map((s) => [...s]);
  },
  params: () => 0,
  madds: () => 0,
  flops: () => 0,
  weightsRead: () => 0,
  inputsRead: (_a, inputs, outputs) => [outputs.reduce((s, o) => s + numel(o), 0), ...inputs.slice(1).map(() => 0)],
  category: () => 'data-movement',
  onnx: () => {
    throw new ShapeError('netcost does not write Loop or Scan nodes');
  },
};
