/**
 * An op costed by a user's rule (`--rules FILE`, src/onnx/rules.ts): the importer evaluates the
 * rule's expressions on the node's shapes and attributes and stores the numbers here.
 */
import type { CustomAttrs } from '../graph/types.ts';
import { numel, type OpDef, ShapeError } from './op.ts';

export const custom: OpDef<CustomAttrs> = {
  rule: "costed by a user rule (--rules): the rule's own expressions for params, MAdds, FLOPs and elements read",
  infer: (_i, a) => a.outputShapes.map((s) => [...s]),
  params: (a) => a.params,
  madds: (a) => a.madds,
  flops: (a) => a.flops,
  inputsRead: (a, inputs) => (a.reads === undefined ? inputs.map(numel) : [a.reads]),
  category: (a) => a.category,
  onnx(args) {
    throw new ShapeError(
      `cannot export ${args.name}: ${args.attrs.foreignOp} is costed by a user rule, not known to netcost`,
    );
  },
};
