/**
 * An op netcost has no cost rule for: it counts as 0 everywhere and is listed in the report's
 * warnings (an error with --strict). Its output shapes come from the model's value infos.
 */
import type { UnknownAttrs } from '../graph/types.ts';
import { COSTS_NOTHING, type OpDef, ShapeError } from './op.ts';

export const unknown: OpDef<UnknownAttrs> = {
  rule: 'no cost rule: counted as 0 (params, FLOPs and memory access), listed in the warnings',
  infer: (_i, a) => a.outputShapes.map((s) => [...s]),
  ...COSTS_NOTHING,
  weightsRead: () => 0,
  onnx(args) {
    throw new ShapeError(`cannot export ${args.name}: netcost does not know the op ${args.attrs.foreignOp}`);
  },
};
