/**
 * Where netcost's rules cannot tell: onnxruntime's transpose optimizer (level 1) pushes a Transpose
 * through the nodes after it when that costs no new Transpose (their other inputs are constants,
 * which it transposes in place, or Transposes it cancels) and removes pairs that undo each other.
 * netcost does not reproduce it; these are the Transposes it may move, so that a caller can say
 * that the kernels around them may differ from what onnxruntime runs.
 */
import { Edges, type ENode, type EngineGraph, isConstant } from '../graph.ts';

/** Ops the transpose optimizer pushes a Transpose through (element-wise, reductions, axis ops). */
const PUSHABLE = new Set([
  ...['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Mod', 'Where', 'Equal', 'Less', 'Greater', 'And', 'Or', 'Not'],
  ...['Relu', 'Sigmoid', 'Tanh', 'Erf', 'Sqrt', 'Exp', 'Log', 'Neg', 'Abs', 'Clip', 'LeakyRelu', 'HardSigmoid', 'Cast'],
  ...['ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL2', 'ArgMax', 'ArgMin', 'Softmax'],
  ...['Concat', 'Split', 'Slice', 'Squeeze', 'Unsqueeze', 'Pad', 'Transpose', 'QuantizeLinear', 'DequantizeLinear'],
]);

/** The Transposes of the graph onnxruntime's transpose optimizer may move or cancel. */
export function movableTransposes(g: EngineGraph): ENode[] {
  const e = new Edges(g);
  const fromTranspose = (t: string) => e.producer.get(t)?.op === 'Transpose';
  return g.nodes.filter((t) => {
    if (t.op !== 'Transpose' || t.domain !== '') return false;
    return (e.consumers.get(t.outputs[0]) ?? []).some(
      (c) =>
        c.domain === '' &&
        PUSHABLE.has(c.op) &&
        c.inputs.every((x) => !x || x === t.outputs[0] || isConstant(g, x) || fromTranspose(x)),
    );
  });
}
