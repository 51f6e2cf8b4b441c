/**
 * onnxruntime 1.30's graph optimisations that change which kernels the CPU provider runs, as one
 * table: each entry is one rule netcost reproduces, with the onnxruntime transformer it follows, the
 * level it runs at, what it matches and what it writes. The engine runs the entries of each level in
 * table order (levels 1 and 2 again while a round changes the graph, as onnxruntime does); README's
 * fusion table is generated from this one (`npm run docs`).
 */

import type { EngineGraph } from '../graph.ts';
import { convFolds, eliminations, matMulAdd, noopElimination, padFusion } from './basic.ts';
import { convAddActivation } from './conv-add.ts';
import { commonSubexpressions } from './cse.ts';
import { convActivation, gemmActivation, quickGelu } from './extended.ts';
import {
  flagTransposesThroughCasts,
  foldWeightCasts,
  insertCasts,
  removeDuplicateCasts,
  withUntakenAside,
} from './fp16.ts';
import { inlineHalfGelus } from './inline.ts';
import { nchwc } from './layout.ts';
import { matMulScale, matMulTranspose } from './matmul.ts';
import { gatherSliceToSplit } from './split.ts';
import { biasGelu, GELU_OPSET, gelu, layerNorm, skipLayerNorm } from './transformer.ts';
import { transposePairs } from './transpose.ts';

export interface Pass {
  /** netcost's name for the rule */
  name: string;
  /** the onnxruntime transformers or rewrite rules it reproduces */
  ort: string;
  level: 1 | 2 | 3;
  /** what it matches, and what it writes */
  matches: string;
  writes: string;
  run(g: EngineGraph, block: number): void;
}

/** the opset from which LayerNormalization is an ONNX op, and onnxruntime fuses it at level 1 */
const LAYER_NORM_OPSET = 17;

export const PASSES: readonly Pass[] = [
  {
    name: 'transpose-pairs',
    ort: 'TransposeOptimizer (its cancelling part)',
    level: 1,
    matches: 'a Transpose of a Transpose',
    writes: 'nothing where they undo each other (a graph output moves up to the node before), else one Transpose',
    run: transposePairs,
  },
  {
    name: 'eliminations',
    ort: 'EliminateIdentity, EliminateDropout, CastElimination, ExpandElimination',
    level: 1,
    matches: 'Identity; Dropout in inference; Cast to its input type; Expand to its input shape',
    writes: 'nothing: readers read the input (an Identity writing a graph output: the node before writes it)',
    run: eliminations,
  },
  {
    name: 'noop-elimination',
    ort: 'NoopElimination',
    level: 1,
    matches:
      'an Add or Sub of a single-value constant 0, a Mul or Div by 1 (the constant second for Sub and Div, of no ' +
      'higher rank than the other input, which a node writes)',
    writes: 'nothing: readers read the other input (not for a graph output)',
    run: noopElimination,
  },
  {
    name: 'pad-fusion',
    ort: 'PadFusion',
    level: 1,
    matches: 'a constant zero Pad of the spatial axes read only by a Conv, MaxPool or AveragePool',
    writes: 'the reader with the pads added to its own',
    run: padFusion,
  },
  {
    name: 'conv-folds',
    ort: 'ConvBNFusion, ConvMulFusion, ConvAddFusion',
    level: 1,
    matches:
      'a Conv read only by a BatchNormalization, or by a Mul or Add of a [C,1,1] or [1,C,1,1] ' +
      'constant second (a Mul also of a scalar)',
    writes: 'the Conv with folded weights and bias',
    run: convFolds,
  },
  {
    name: 'common-subexpressions',
    ort: 'CommonSubexpressionElimination',
    level: 1,
    matches:
      'a node with the same op, attributes and inputs as an earlier one (inputs and stored tensors by name; ' +
      'folded weights are new tensors; not a random op or one with a tensor or graph attribute)',
    writes: "nothing: its readers read the earlier node's outputs (a graph output stays where it is written)",
    run: commonSubexpressions,
  },
  {
    name: 'matmul-add',
    ort: 'MatMulAddFusion',
    level: 1,
    matches: 'a MatMul of a matrix read only by an Add of a bias vector',
    writes: 'Gemm (a Reshape on each side for an N-D input; one Reshape between two in a row)',
    run: matMulAdd,
  },
  {
    name: 'layer-norm (opset 17 on)',
    ort: 'LayerNormFusion',
    level: 1,
    matches: 'ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul by a 1-D gamma, Add of a 1-D beta (by op types)',
    writes: 'LayerNormalization',
    run: (g) => {
      if (g.opset >= LAYER_NORM_OPSET) layerNorm(g);
    },
  },
  {
    name: 'gelu (opset 20 on)',
    ort: 'GeluFusion',
    level: 1,
    matches: 'x/√2, Erf, +1, times x, times 1/2 (constants within 1e-5; x not written by a Mul)',
    writes: 'Gelu (the ONNX op)',
    run: (g) => {
      if (g.opset >= GELU_OPSET) gelu(g);
    },
  },
  {
    name: 'gemm-activation',
    ort: 'GemmActivationFusion',
    level: 2,
    matches: 'a float Gemm whose only reader is an activation',
    writes: 'FusedGemm',
    run: gemmActivation,
  },
  {
    name: 'conv-activation',
    ort: 'ConvActivationFusion',
    level: 2,
    matches:
      'a float Conv whose only reader is Relu, Sigmoid, Tanh, LeakyRelu, HardSigmoid or a Clip of constant bounds',
    writes: 'FusedConv',
    run: convActivation,
  },
  {
    name: 'gelu',
    ort: 'GeluFusion',
    level: 2,
    matches: 'x/√2, Erf, +1, times x, times 1/2 (constants within 1e-5; x not written by a Mul)',
    writes: 'Gelu (com.microsoft before opset 20, the ONNX op from it)',
    run: gelu,
  },
  {
    name: 'layer-norm',
    ort: 'LayerNormFusion',
    level: 2,
    matches: 'as at level 1, at any opset',
    writes: 'LayerNormalization',
    run: layerNorm,
  },
  {
    name: 'gather-slice-to-split',
    ort: 'GatherSliceToSplitFusion',
    level: 2,
    matches: 'Gathers or Slices that cut one tensor into parts along one axis',
    writes: 'Split',
    run: gatherSliceToSplit,
  },
  {
    name: 'matmul-transpose',
    ort: 'MatmulTransposeFusion',
    level: 2,
    matches: 'a MatMul of a Transpose of the last two axes',
    writes: 'FusedMatMul with transA or transB',
    run: matMulTranspose,
  },
  {
    name: 'bias-gelu',
    ort: 'BiasGeluFusion',
    level: 2,
    matches: 'an Add of a constant vector read only by a Gelu (contrib, or the ONNX op)',
    writes: 'BiasGelu',
    run: biasGelu,
  },
  {
    name: 'skip-layer-norm',
    ort: 'SkipLayerNormFusion',
    level: 2,
    matches: 'an Add of two equal 3-D tensors read only by a LayerNormalization (and an Add of a bias before it)',
    writes: 'SkipLayerNormalization',
    run: skipLayerNorm,
  },
  {
    name: 'quick-gelu',
    ort: 'QuickGeluFusion',
    level: 2,
    matches: 'x times Sigmoid(x), or x times Sigmoid(alpha times x)',
    writes: 'QuickGelu',
    run: quickGelu,
  },
  {
    name: 'matmul-scale',
    ort: 'MatMulScaleFusion',
    level: 2,
    matches: 'a MatMul or FusedMatMul multiplied or divided by a scalar constant, before or after',
    writes: 'FusedMatMul with alpha',
    run: matMulScale,
  },
  {
    name: 'nchwc',
    ort: 'NchwcTransformer',
    level: 3,
    matches:
      'float 2-D convolutions and pools with channels in whole blocks (or steps of 4), and the element-wise ' +
      'ops, batch norms, per-channel scales, channel concats and resizes between them',
    writes:
      'com.microsoft.nchwc Conv (activation and residual sum fused), MaxPool, AveragePool, Upsample; ' +
      'ReorderInput and ReorderOutput where blocked and plain tensors meet',
    run: (g, block) => nchwc(g, block),
  },
  {
    name: 'conv-add-activation',
    ort: 'ConvAddActivationFusion',
    level: 3,
    matches:
      'a plain Conv with a bias whose only reader is an Add of two equal 4-D tensors, and the activation after it',
    writes: 'FusedConv with the other tensor as its accumulator (fourth input)',
    run: convAddActivation,
  },
];

/**
 * What runs after the levels, for fp16 tensors the CPU has no fp16 kernel for (fp16.ts): at every
 * level the casts, and at level 3 a second round on the fp32 graph they leave.
 */
export const HALF_PRECISION = [
  {
    name: 'insert-casts',
    ort: 'InsertCastTransformer, RemoveDuplicateCastTransformer',
    level: 'after',
    matches:
      'fp16 inputs of a node with no fp16 CPU kernel (all but data movement, Clip, Max, Min, Sign, Round, Mod and ' +
      'the layer norms), and a node that has one but sits between such nodes; fp16 Softmax runs as its function',
    writes: 'a Cast to fp32 before and to fp16 after; a Cast up right after a Cast down cancels',
  },
  {
    name: 'fold-weight-casts',
    ort: 'FuseFp16InitializerToFp32NodeTransformer, then levels 2 and 3 again',
    level: 'after 3',
    matches: 'a Cast of an fp16 weight read by one node',
    writes: 'an fp32 weight (FusedBack_<name>), then the level 2 and 3 rules on the fp32 graph',
  },
] as const;

/** After the levels: the casts; at level 3, weights' casts folded and levels 2 and 3 again. */
export function runHalfPrecision(g: EngineGraph, level: number, block: number): void {
  inlineHalfGelus(g);
  if (!insertCasts(g, level >= 1) || level < 3) return;
  foldWeightCasts(g);
  const before = new Set(g.nodes);
  withUntakenAside(g, () => runLevel(g, 2, block));
  withUntakenAside(g, () => runLevel(g, 3, block));
  // the round ends with the cast insertion again: nothing left to cast, but its duplicate remover runs
  removeDuplicateCasts(g);
  flagTransposesThroughCasts(g);
  // the products and GELUs this round fuses are not held to onnxruntime's as the convolutions are (the
  // differential fuzzer found GELU function bodies and transposes it fuses otherwise): flagged
  for (const n of g.nodes) if (!before.has(n) && UNSURE_IN_SECOND_ROUND.has(n.op)) n.uncertain = true;
}

const UNSURE_IN_SECOND_ROUND = new Set([
  ...['FusedMatMul', 'Gemm', 'FusedGemm', 'Gelu', 'BiasGelu', 'FastGelu', 'QuickGelu'],
  ...['LayerNormalization', 'SkipLayerNormalization'],
]);

/**
 * onnxruntime runs the passes of levels 1 and 2 again while one changes the graph (up to 10 rounds):
 * a Pad two twin convolutions read fuses once they are merged into one.
 */
const ROUNDS = 10;

/** The graph's nodes as a string: a pass changed the graph when it changed this. */
const signature = (g: EngineGraph) => g.nodes.map((n) => `${n.op}:${n.name}:${n.inputs.join()}`).join('|');

/** Run the passes of `level` on `g`. */
export function runLevel(g: EngineGraph, level: 1 | 2 | 3, block: number): void {
  const passes = PASSES.filter((p) => p.level === level);
  for (let round = 0; round < (level === 3 ? 1 : ROUNDS); round++) {
    const before = signature(g);
    for (const p of passes) p.run(g, block);
    if (signature(g) === before) return;
  }
}

/** README's table of the rules, one row per pass. */
export function fusionTableMarkdown(): string {
  const rows = [...PASSES, ...HALF_PRECISION].map(
    (p) => `| ${p.level} | ${p.name} | ${p.ort} | ${p.matches} | ${p.writes} |`,
  );
  return ['| level | rule | onnxruntime | matches | writes |', '| ---: | --- | --- | --- | --- |', ...rows].join('\n');
}
