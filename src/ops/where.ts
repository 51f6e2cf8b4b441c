/** Where: select(cond, x, y) element by element, with broadcasting. */
import { helperName } from '../graph/names.ts';
import type { WhereAttrs } from '../graph/types.ts';
import { broadcast } from './broadcast.ts';
import { numel, type OpDef } from './op.ts';
import { broadcastIndex, generate } from './tensor.ts';

export const where: OpDef<WhereAttrs> = {
  rule: 'FLOPs 1 per output element (a select); reads every operand, constants included, writes the output',
  infer: (inputs, a) => [broadcast([...inputs, ...a.constShapes])],
  params: (a) => a.learned ?? 0,
  weightsRead: (a) => a.constShapes.map(numel).reduce((x, y) => x + y, 0),
  madds: () => 0,
  flops: (_a, _i, [y]) => numel(y),
  category: () => 'elementwise',
  onnx({ name, attrs: a, inputs, outputs }, e) {
    const consts = a.constShapes.map((s, k) => e.floats(helperName(name, `const${k}`), s, () => 0));
    e.node('Where', name, [...inputs, ...consts], outputs);
  },
  evaluate(inputs, _a, [out]) {
    const [c, x, y] = inputs.map((t) => t.value());
    const [ac, ax, ay] = [c, x, y].map((v) => broadcastIndex(v.dims, out));
    return [generate(out, x.type, (i) => (c.data[ac(i)] ? x.data[ax(i)] : y.data[ay(i)]))];
  },
};
