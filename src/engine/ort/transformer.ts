/**
 * onnxruntime's transformer fusions on the CPU (level 2): the erf form of GELU becomes one Gelu, the
 * decomposed layer norm one LayerNormalization, a residual Add feeding only a layer norm one
 * SkipLayerNormalization, a bias Add before Gelu one BiasGelu, and Gathers or Slices that cut one
 * tensor into contiguous parts one Split.
 */

import { Edges, type ENode, type EngineGraph, intAttr, intsAttr, isConstant } from '../graph.ts';
import { fuse } from '../rewrite.ts';
import { constantValues, isScalarConstant } from './constants.ts';

const MS = 'com.microsoft';
/** the opset from which Gelu is an ONNX op (onnxruntime then fuses it at level 1 too) */
export const GELU_OPSET = 20;
const FLOATS = new Set(['fp32', 'fp16', 'fp64']);

const isOp = (n: ENode | undefined, op: string, domain = ''): n is ENode => n?.op === op && n.domain === domain;
const floats = (g: EngineGraph, n: ENode) => n.inputs.every((t) => !t || FLOATS.has(g.tensors.get(t)?.type ?? ''));
/** the input of a binary node that is not `t` */
const other = (n: ENode, t: string) => n.inputs[n.inputs[0] === t ? 1 : 0];

/** x/sqrt(2) -> Erf -> +1 -> times x -> times 1/2 (or x times 1/2 first): Gelu. */
function gelu(g: EngineGraph): void {
  for (const div of [...g.nodes]) {
    if (!isOp(div, 'Div') || !g.nodes.includes(div) || !floats(g, div)) continue;
    const e = new Edges(g);
    const x = div.inputs[0];
    if (!isScalarConstant(g, div.inputs[1], Math.SQRT2)) continue;
    const erf = e.sole(div.outputs[0]);
    const add = isOp(erf, 'Erf') ? e.sole(erf.outputs[0]) : undefined;
    if (!isOp(add, 'Add') || !isScalarConstant(g, other(add, erf?.outputs[0] ?? ''), 1)) continue;
    const mul = e.consumers.get(add.outputs[0])?.[0];
    if (!isOp(mul, 'Mul') || e.uses(add.outputs[0]) !== 1) continue;
    const m = other(mul, add.outputs[0]);
    const half = e.producer.get(m);
    let chain: ENode[];
    // as onnxruntime's GeluFusion reads it: a factor written by a Mul is taken for x times 1/2, so an
    // x that a Mul writes (a scaled projection) leaves the pattern unfused
    if (m === x && !isOp(half, 'Mul')) {
      // (x * (1 + erf)) * 0.5
      const last = e.sole(mul.outputs[0]);
      if (!isOp(last, 'Mul') || !isScalarConstant(g, other(last, mul.outputs[0]), 0.5)) continue;
      chain = [div, erf as ENode, add, mul, last];
    } else if (
      isOp(half, 'Mul') &&
      e.uses(m) === 1 &&
      half.inputs.includes(x) &&
      isScalarConstant(g, other(half, x), 0.5)
    ) {
      chain = [div, erf as ENode, add, half, mul];
    } else continue;
    const out = chain[chain.length - 1].outputs;
    // from opset 20 Gelu is an ONNX op, and onnxruntime writes that one (in fp16 it then runs as its
    // function body: inline.ts inlineHalfGelus)
    fuse(g, chain, { op: 'Gelu', domain: g.opset >= GELU_OPSET ? '' : MS, inputs: [x], outputs: out, name: 'Gelu' });
  }
}

/** mean over the last axis of a tensor of `rank`, kept */
function reducesLastAxis(g: EngineGraph, n: ENode, rank: number): boolean {
  if (!isOp(n, 'ReduceMean') || intAttr(n, 'keepdims', 1) !== 1) return false;
  const axes = intsAttr(n, 'axes') ?? (n.inputs[1] ? constantValues(g, n.inputs[1]) : undefined);
  return axes?.length === 1 && (axes[0] === -1 || axes[0] === rank - 1);
}

/**
 * ReduceMean, Sub, Pow 2, ReduceMean, Add eps, Sqrt, Div, Mul gamma, Add beta: LayerNormalization
 * (onnxruntime's LayerNormFusion: at level 2, and from opset 17, where LayerNormalization is an
 * ONNX op, at level 1 as well).
 */
function layerNorm(g: EngineGraph): void {
  for (const mean of [...g.nodes]) {
    if (!g.nodes.includes(mean) || mean.op !== 'ReduceMean') continue;
    const e = new Edges(g);
    const x = mean.inputs[0];
    const shape = g.tensors.get(x)?.shape;
    // the data input float (from opset 18 the axes are an int64 input of their own)
    if (!shape || !reducesLastAxis(g, mean, shape.length) || !FLOATS.has(g.tensors.get(x)?.type ?? '')) continue;
    // onnxruntime's LayerNormFusion reads the pattern by op types, not by constants: the Sub either
    // way round, any exponent, any constant added before the square root
    const sub = e.sole(mean.outputs[0]);
    if (!isOp(sub, 'Sub') || !sub.inputs.includes(x) || !sub.inputs.includes(mean.outputs[0])) continue;
    const readers = e.consumers.get(sub.outputs[0]) ?? [];
    const pow = readers.find((n) => isOp(n, 'Pow'));
    const div = readers.find((n) => isOp(n, 'Div'));
    if (!pow || !div || readers.length !== 2 || pow.inputs[0] !== sub.outputs[0] || !isConstant(g, pow.inputs[1]))
      continue;
    const mean2 = e.sole(pow.outputs[0]);
    const eps = mean2 && reducesLastAxis(g, mean2, shape.length) ? e.sole(mean2.outputs[0]) : undefined;
    const sqrt =
      isOp(eps, 'Add') && isConstant(g, other(eps, mean2?.outputs[0] ?? '')) ? e.sole(eps.outputs[0]) : undefined;
    if (!isOp(sqrt, 'Sqrt') || e.sole(sqrt.outputs[0]) !== div || div.inputs[0] !== sub.outputs[0]) continue;
    const mul = e.sole(div.outputs[0]);
    const addB = isOp(mul, 'Mul') ? e.sole(mul.outputs[0]) : undefined;
    if (!isOp(mul, 'Mul') || !isOp(addB, 'Add')) continue;
    const gamma = other(mul, div.outputs[0]);
    const beta = other(addB, mul.outputs[0]);
    // onnxruntime's LayerNormFusion: scale and bias 1-D (a [1, D] gamma is left unfused), of one length
    const last = shape[shape.length - 1];
    const vector = (t: string) => isConstant(g, t) && g.tensors.get(t)?.shape?.join() === String(last);
    if (!vector(gamma) || !vector(beta)) continue;
    const chain = [mean, sub, pow, mean2 as ENode, eps as ENode, sqrt, div, mul, addB];
    fuse(g, chain, {
      op: 'LayerNormalization',
      domain: '',
      inputs: [x, gamma, beta],
      outputs: addB.outputs,
      name: `${mul.name}/LayerNormFusion/`,
    });
  }
}

/**
 * Add of two equal 3-D tensors read only by a LayerNormalization: SkipLayerNormalization (with the
 * Add of a bias before it, when one feeds it alone).
 */
function skipLayerNorm(g: EngineGraph): void {
  for (const ln of [...g.nodes]) {
    if (!isOp(ln, 'LayerNormalization') || ln.outputs.length !== 1) continue;
    const e = new Edges(g);
    const add = e.producer.get(ln.inputs[0]);
    if (!isOp(add, 'Add') || e.sole(add.outputs[0]) !== ln || !floats(g, add)) continue;
    const shapes = add.inputs.map((t) => g.tensors.get(t)?.shape?.join());
    if (g.tensors.get(add.inputs[0])?.shape?.length !== 3 || shapes[0] !== shapes[1]) continue;
    if (!ln.inputs.slice(1).every((t) => !t || g.tensors.get(t)?.shape?.length === 1)) continue;
    // an Add of a constant vector before it, read by it alone, is its bias (onnxruntime's fifth input)
    const hidden = g.tensors.get(add.inputs[0])?.shape?.[2];
    const biasAdd = add.inputs
      .map((t) => e.producer.get(t))
      .find(
        (b) =>
          isOp(b, 'Add') &&
          e.sole(b.outputs[0]) === add &&
          b.inputs.some((t) => isConstant(g, t) && g.tensors.get(t)?.shape?.join() === String(hidden)) &&
          b.inputs.some((t) => !isConstant(g, t)),
      );
    const chain = biasAdd ? [biasAdd, add, ln] : [add, ln];
    const bias = biasAdd?.inputs.find((t) => isConstant(g, t));
    const skip = add.inputs.map((t) => (biasAdd && t === biasAdd.outputs[0] ? (other(biasAdd, bias ?? '') ?? t) : t));
    const inputs = [...skip, ...ln.inputs.slice(1), ...(bias ? [bias] : [])];
    fuse(g, chain, {
      op: 'SkipLayerNormalization',
      domain: MS,
      inputs,
      outputs: ln.outputs,
      name: 'SkipLayerNormalization',
    });
  }
}

/** Add of a constant vector read only by Gelu: BiasGelu. */
function biasGelu(g: EngineGraph): void {
  for (const gl of [...g.nodes]) {
    // the contrib Gelu, or from opset 20 the ONNX one: both become BiasGelu
    if (!isOp(gl, 'Gelu', MS) && !isOp(gl, 'Gelu')) continue;
    const e = new Edges(g);
    const add = e.producer.get(gl.inputs[0]);
    if (!isOp(add, 'Add') || e.sole(add.outputs[0]) !== gl) continue;
    const x = add.inputs.find((t) => !isConstant(g, t));
    const b = x === undefined ? undefined : other(add, x);
    const xs = x === undefined ? undefined : g.tensors.get(x)?.shape;
    const bs = b === undefined ? undefined : g.tensors.get(b)?.shape;
    if (!xs || !bs || !isConstant(g, b) || bs.length !== 1 || bs[0] !== xs[xs.length - 1]) continue;
    fuse(g, [add, gl], {
      op: 'BiasGelu',
      domain: MS,
      inputs: [x as string, b as string],
      outputs: gl.outputs,
      name: 'BiasGelu',
    });
  }
}

export { biasGelu, gelu, layerNorm, skipLayerNorm };
