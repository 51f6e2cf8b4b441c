/**
 * Ops onnxruntime's CPU provider has no kernel for, which it replaces by their ONNX function body
 * when it loads the model, before any optimisation: HardSwish (opset 14) becomes HardSigmoid
 * (alpha 1/6, beta 1/2) and a Mul, both nameless, as the inliner leaves them.
 */
import type { EngineGraph } from '../graph.ts';

export function inlineFunctions(g: EngineGraph): void {
  g.nodes = g.nodes.flatMap((n) => {
    if (n.op !== 'HardSwish' || n.domain !== '') return [n];
    const x = n.inputs[0];
    const hs = `${n.name}#HardSwish.HS_X`;
    g.tensors.set(hs, { ...(g.tensors.get(x) ?? { type: 'fp32', constant: false }) });
    const alpha = new Map([
      ['alpha', { f: 1 / 6 }],
      ['beta', { f: 0.5 }],
    ]);
    return [
      { name: '', op: 'HardSigmoid', domain: '', inputs: [x], outputs: [hs], attrs: alpha, covers: n.covers },
      { name: '', op: 'Mul', domain: '', inputs: [x, hs], outputs: n.outputs, attrs: new Map(), covers: n.covers },
    ];
  });
}
