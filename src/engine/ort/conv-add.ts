/**
 * onnxruntime's ConvAddActivationFusion (level 3, after the NCHWc layout): a plain convolution
 * with a bias whose only reader is a residual Add takes the Add's other input as an accumulator,
 * and the activation after it.
 */
import { constantBounds, type EngineGraph } from '../graph.ts';
import { fuse, untilStable } from '../rewrite.ts';

/** Activations a plain convolution takes with a residual Add (ConvAddActivationFusion). */
const ADD_ACTIVATIONS = new Set(['Relu', 'Sigmoid', 'Tanh', 'LeakyRelu', 'HardSigmoid', 'Clip']);

/**
 * A plain convolution (one the layout pass left, with a bias) whose only reader is an Add of two
 * equal 4-D tensors takes the Add's other input as an accumulator, and the activation after it
 * (onnxruntime's ConvAddActivationFusion).
 */
export function convAddActivation(g: EngineGraph): void {
  untilStable(g, (conv, e) => {
    if (conv.op !== 'Conv' || conv.domain !== '' || g.tensors.get(conv.inputs[0])?.type !== 'fp32') return false;
    const add = e.sole(conv.outputs[0]);
    if (add?.op !== 'Add' || add.domain !== '' || add.inputs.length !== 2) return false;
    const shapes = add.inputs.map((t) => g.tensors.get(t)?.shape);
    if (!shapes.every((s) => s?.length === 4 && s.join() === shapes[0]?.join())) return false;
    // the first producer of the Add's inputs that is a single-use, biased, plain convolution
    const target = add.inputs
      .map((t) => e.producer.get(t))
      .find((p) => p?.op === 'Conv' && p.domain === '' && p.inputs.length === 3 && e.uses(p.outputs[0]) === 1);
    if (!target) return false;
    const other = add.inputs.find((t) => t !== target.outputs[0]) as string;
    const next = e.sole(add.outputs[0]);
    const act =
      next && next.domain === '' && ADD_ACTIVATIONS.has(next.op) && constantBounds(g, next) ? next : undefined;
    const attrs = new Map(target.attrs);
    if (act) attrs.set('activation', act.op);
    const chain = [target, add, ...(act ? [act] : [])];
    fuse(g, chain, {
      op: 'FusedConv',
      domain: 'com.microsoft',
      inputs: [...target.inputs, other],
      outputs: (act ?? add).outputs,
      attrs,
      name: target.name,
    });
    return true;
  });
}
