/**
 * onnxruntime's extended optimisations (level 2) on the CPU, in its order: an activation after a
 * Gemm or a convolution fuses into it (FusedGemm, FusedConv); GELU and layer norm become one
 * kernel each; parts cut from
 * one tensor become one Split; transposes and scales fold into MatMuls (FusedMatMul); a bias Add
 * joins the Gelu after it and a residual Add the layer norm after it; x·sigmoid(x) becomes
 * QuickGelu.
 */
import { constantBounds, Edges, type EngineGraph } from '../graph.ts';
import { fuse, untilStable } from '../rewrite.ts';
import { isScalarConstant } from './constants.ts';

const MS = 'com.microsoft';

/** Activations onnxruntime fuses into a convolution (Clip only with constant bounds). */
const CONV_ACTIVATIONS = new Set(['Relu', 'Sigmoid', 'Tanh', 'LeakyRelu', 'HardSigmoid', 'Clip']);

export function convActivation(g: EngineGraph): void {
  untilStable(g, (conv, e) => {
    if (conv.op !== 'Conv' || conv.domain !== '' || g.tensors.get(conv.inputs[0])?.type !== 'fp32') return false;
    const act = e.sole(conv.outputs[0]);
    if (act?.domain !== '' || !CONV_ACTIVATIONS.has(act.op)) return false;
    if (!constantBounds(g, act)) return false;
    const attrs = new Map(conv.attrs);
    attrs.set('activation', act.op);
    fuse(g, [conv, act], {
      op: 'FusedConv',
      domain: MS,
      inputs: conv.inputs,
      outputs: act.outputs,
      attrs,
      name: conv.name,
    });
    return true;
  });
}

/** Activations onnxruntime fuses into a Gemm (FusedGemm). */
const GEMM_ACTIVATIONS = new Set([
  'Relu',
  'Sigmoid',
  'Tanh',
  'LeakyRelu',
  'HardSigmoid',
  'Elu',
  'Selu',
  'Softplus',
  'Softsign',
  'ThresholdedRelu',
]);

/** A float Gemm whose only reader is an activation: FusedGemm. */
export function gemmActivation(g: EngineGraph): void {
  const e = new Edges(g);
  for (const gemm of [...g.nodes]) {
    if (gemm.op !== 'Gemm' || gemm.domain !== '' || g.tensors.get(gemm.inputs[0])?.type !== 'fp32') continue;
    const act = e.sole(gemm.outputs[0]);
    if (act?.domain !== '' || !GEMM_ACTIVATIONS.has(act.op)) continue;
    const attrs = new Map(gemm.attrs);
    attrs.set('activation', act.op);
    fuse(g, [gemm, act], {
      op: 'FusedGemm',
      domain: MS,
      inputs: gemm.inputs,
      outputs: act.outputs,
      attrs,
      name: gemm.name,
    });
  }
}

/** x · Sigmoid(x) (SiLU), or x · Sigmoid(alpha · x): QuickGelu, named after the last Mul. */
export function quickGelu(g: EngineGraph): void {
  for (const sig of [...g.nodes]) {
    if (sig.op !== 'Sigmoid' || sig.domain !== '' || !g.nodes.includes(sig)) continue;
    const e = new Edges(g);
    const mul = e.sole(sig.outputs[0]);
    const scale = e.producer.get(sig.inputs[0]);
    const scaled =
      scale?.op === 'Mul' &&
      scale.domain === '' &&
      e.sole(scale.outputs[0]) === sig &&
      isScalarConstant(g, scale.inputs[1]);
    const x = scaled ? scale.inputs[0] : sig.inputs[0];
    if (mul?.op !== 'Mul' || mul.domain !== '' || !mul.inputs.includes(x)) continue;
    const name = `${mul.name}/QuickGeluFusion/`;
    fuse(g, [...(scaled ? [scale] : []), sig, mul], {
      op: 'QuickGelu',
      domain: MS,
      inputs: [x],
      outputs: mul.outputs,
      name,
    });
  }
}
