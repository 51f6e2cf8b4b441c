/** The model-spec format, as written in YAML or JSON files. See src/spec/schema.ts for validation. */

import { ACTIVATION_NAMES, type Activation } from '../ops/activation.ts';

/** A number, or an expression string: `$var` or `${expr}` (src/spec/expr.ts). */
export type Num = number | string;
export type Kernel = Num | [Num, Num];

interface Base {
  /** Layer or group name; `${expr}` templates allowed. Defaults to the op name. */
  name?: string;
  /** Include this entry only when the expression is non-zero. */
  when?: Num | boolean;
}

export interface ConvEntry extends Base {
  op: 'conv';
  /** Output channels; defaults to the input channels for a depthwise conv. */
  out?: Num;
  kernel: Kernel;
  stride?: Kernel;
  padding?: Kernel;
  dilation?: Kernel;
  groups?: Num;
  /** groups = input channels (and out defaults to them). */
  depthwise?: boolean;
  bias?: boolean | Num;
  /** Sugar: follow the conv by a batch norm (the entry becomes a group `name` of `conv`, `bn`, activation). */
  bn?: boolean;
  act?: Activation;
}
/** Primitives without fields of their own. */
export const SIMPLE_OPS = ['bn', ...ACTIVATION_NAMES, 'gap', 'flatten'] as const;
export interface SimpleEntry extends Base {
  op: (typeof SIMPLE_OPS)[number];
}
export const isSimpleEntry = (e: Entry): e is SimpleEntry => (SIMPLE_OPS as readonly string[]).includes(e.op);
export interface PoolEntry extends Base {
  op: 'maxpool' | 'avgpool';
  kernel: Kernel;
  stride?: Kernel;
  padding?: Kernel;
  ceilMode?: boolean;
}
export interface LinearEntry extends Base {
  op: 'linear';
  out: Num;
  bias?: boolean | Num;
}
export interface ShuffleEntry extends Base {
  op: 'shuffle';
  groups: Num;
}
export interface SeqEntry extends Base {
  op: 'seq';
  layers: Entry[];
}
export interface Branch {
  name?: string;
  /** An empty list is the identity (a shortcut). */
  layers: Entry[];
}
export interface ParallelEntry extends Base {
  op: 'parallel';
  join: 'concat' | 'add';
  /** Split the input channels among the branches: `true` for equal parts, or the sizes. */
  split?: boolean | Num[];
  branches: Branch[];
}
export interface RepeatEntry extends Base {
  op: 'repeat';
  count: Num;
  /** Loop variable (0-based), usable in names and expressions of the body. */
  as?: string;
  layers: Entry[];
}
export interface BlockEntry extends Base {
  op: 'block';
  use: string;
  args?: Record<string, Num>;
}

export type Entry =
  | ConvEntry
  | SimpleEntry
  | PoolEntry
  | LinearEntry
  | ShuffleEntry
  | SeqEntry
  | ParallelEntry
  | RepeatEntry
  | BlockEntry;

export interface BlockDef {
  description?: string;
  /** Parameter names with defaults; null means required. */
  params?: Record<string, number | null>;
  layers: Entry[];
}

/** N, C, H, W as numbers or expressions over the model's vars, or a string `NxCxHxW`. */
export type InputSpec = [Num, Num, Num, Num] | string;

export interface Variant {
  name: string;
  description?: string;
  vars?: Record<string, number>;
  input?: InputSpec;
}

export interface SpecFile {
  /** Model name (a file without variants) or family name. */
  name?: string;
  description?: string;
  /** Where the construction and the figures come from. */
  source?: string;
  input?: InputSpec;
  vars?: Record<string, number>;
  variants?: Variant[];
  blocks?: Record<string, BlockDef>;
  layers: Entry[];
}

/** One buildable model: a spec file with one variant's variables chosen. */
export interface ModelSpec {
  name: string;
  description?: string;
  /** The file the spec came from (for messages and ONNX metadata). */
  file: string;
  spec: SpecFile;
  vars: Record<string, number>;
  input: [number, number, number, number];
}
