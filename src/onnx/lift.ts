/**
 * netcost's own exports come back exactly: the helper nodes an op module wrote for one layer
 * (see src/graph/names.ts) are lifted back into that layer. A channel shuffle is written as
 * Reshape `<layer>#split`, Transpose `<layer>`, Reshape `<layer>#merge`; a deploy-view conv with a
 * fused activation as Conv `<layer>` and the activation `<layer>#<activation>`.
 */
import { ownerOf, ROLE, roleOf } from '../graph/names.ts';
import type { Layer } from '../graph/types.ts';
import { isActivation } from '../ops/activation.ts';

export function liftHelpers(layers: Layer[]): Layer[] {
  const out: Layer[] = [];
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i];
    const [next, after] = [layers[i + 1], layers[i + 2]];
    const base = ownerOf(l.name);
    if (
      l.op === 'reshape' &&
      roleOf(l.name) === ROLE.shuffleSplit &&
      l.outputShapes[0].length === 5 &&
      next?.name === base &&
      next.op === 'transpose' &&
      after &&
      ownerOf(after.name) === base &&
      roleOf(after.name) === ROLE.shuffleMerge
    ) {
      const { inputs, inputShapes, path } = l;
      const groups = l.outputShapes[0][1];
      out.push({
        name: base,
        op: 'shuffle',
        attrs: { groups },
        path,
        inputs,
        outputs: after.outputs,
        inputShapes,
        outputShapes: after.outputShapes,
      });
      i += 2;
      continue;
    }
    if (
      l.op === 'conv' &&
      next &&
      ownerOf(next.name) === l.name &&
      isActivation(next.op) &&
      roleOf(next.name) === next.op
    ) {
      out.push({ ...l, attrs: { ...l.attrs, act: next.op }, outputs: next.outputs, outputShapes: next.outputShapes });
      i += 1;
      continue;
    }
    out.push(l);
  }
  return out;
}
