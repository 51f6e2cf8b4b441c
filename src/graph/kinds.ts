/**
 * The names the graph's types are made of, apart from the ops that give them meaning, so that the
 * graph's types and the op modules do not import each other. Each op module keeps its table of
 * costs and rules keyed by these names, and the compiler holds the two together (`satisfies
 * Record<Name, ...>`: a name without an entry, or an entry without a name, does not compile).
 */

/** Coarse op classes, as ShuffleNet V2's Figure 2 breaks down run time. */
export const OP_CATEGORIES = [
  'conv',
  'pointwise-conv',
  'depthwise-conv',
  'linear',
  'elementwise',
  'data-movement',
  'pooling',
  'view',
] as const;
export type OpCategory = (typeof OP_CATEGORIES)[number];

/** Element types as folding needs them: integer division truncates, casts to int truncate. */
export type ValueType = 'float' | 'int' | 'bool';

/** The activations a spec names and the deploy view fuses (costs: ops/activation.ts). */
export const ACTIVATION_NAMES = ['relu', 'relu6', 'hardswish', 'sigmoid'] as const;
export type Activation = (typeof ACTIVATION_NAMES)[number];

/** Element-wise functions of imported models without an op of their own (costs: ops/unary.ts). */
export const UNARY_FNS = [
  ...['leakyrelu', 'hardsigmoid', 'clip', 'sqrt', 'exp', 'log', 'tanh', 'erf', 'abs', 'neg', 'reciprocal'],
  ...['floor', 'ceil', 'elu', 'selu', 'softplus', 'mish', 'quickgelu', 'sign', 'round', 'isnan', 'not'],
  ...['cast', 'identity', 'dropout'],
  ...['sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'asinh', 'acosh', 'atanh'],
  ...['isinf', 'thresholdedrelu', 'softsign', 'shrink', 'celu', 'trilu', 'cumsum', 'hardmax', 'eyelike'],
  ...['randomuniformlike', 'randomnormallike', 'bernoulli', 'bitwisenot'],
] as const;
export type UnaryFn = (typeof UNARY_FNS)[number];
