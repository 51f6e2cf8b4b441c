/** Expand: broadcast the input to a shape. */
import { helperName, ROLE } from '../graph/names.ts';
import type { ExpandAttrs } from '../graph/types.ts';
import { broadcast } from './broadcast.ts';
import type { OpDef } from './op.ts';
import { broadcastIndex, generate } from './tensor.ts';

export const expand: OpDef<ExpandAttrs> = {
  rule: 'no arithmetic; reads the input, writes the expanded output',
  infer: (inputs, a) => [broadcast([inputs[0], a.shape])],
  params: () => 0,
  madds: () => 0,
  flops: () => 0,
  category: () => 'data-movement',
  onnx({ name, attrs: a, inputs, outputs }, e) {
    e.node('Expand', name, [inputs[0], e.int64s(helperName(name, ROLE.shape), a.shape)], outputs);
  },
  sameData: () => true,
  evaluate([x], _a, [out]) {
    const v = x.value();
    const at = broadcastIndex(v.dims, out);
    return [generate(out, v.type, (i) => v.data[at(i)])];
  },
};
