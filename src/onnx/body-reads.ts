/**
 * What the latency model needs of each subgraph the importer read in the main graph (an If branch,
 * a Loop or Scan body): the body itself, how often it runs, and every tensor it takes, its formal
 * inputs and the outer tensors it reads, with the shape, type and value the reading gave them.
 * The predictor plans such a body as a model of its own (onnxruntime runs it as a session of its
 * own); a body nested deeper is found again when that model is imported.
 */
import type { ElemType } from '../graph/dtype.ts';
import type { Shape } from '../graph/types.ts';
import type { Constant, GraphProto } from './proto.ts';
import type { Scope, TensorInfo } from './scope.ts';

export interface BodyTensor {
  name: string;
  shape: Shape;
  type: ElemType;
  /** its value where known before run time (an outer weight, a trip's index in an unrolled Loop) */
  constant?: Constant;
}

export interface BodyRead {
  /** the control-flow node that owns it */
  owner: string;
  /** its layers' name prefix (`loop/`, `if/then/`, `loop/3/`) */
  prefix: string;
  /** times it runs per inference (a Loop's trips; 0 for an If branch not counted) */
  runs: number;
  graph: GraphProto;
  /** its formal inputs, then the outer tensors its nodes read */
  inputs: BodyTensor[];
}

/** Names a graph's nodes (and the subgraphs inside them) read that the graph does not define. */
export function freeNames(g: GraphProto): string[] {
  const defined = new Set<string>([
    ...(g.input ?? []).map((i) => i.name ?? ''),
    ...(g.initializer ?? []).map((t) => t.name ?? ''),
  ]);
  for (const n of g.node ?? []) for (const o of n.output ?? []) defined.add(o);
  const free = new Set<string>();
  for (const n of g.node ?? []) {
    const inner = (n.attribute ?? []).flatMap((a) => [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]).flatMap(freeNames);
    for (const x of [...(n.input ?? []), ...inner]) if (x && !defined.has(x)) free.add(x);
  }
  return [...free];
}

/** The body's tensors: formal inputs as the owner binds them, then free names resolved in the outer scope. */
export function bodyTensors(g: GraphProto, formal: TensorInfo[], outer: Scope): BodyTensor[] {
  const of = (name: string, t: TensorInfo): BodyTensor => ({
    name,
    shape: t.shape,
    type: t.type,
    ...(t.constant && !t.varying ? { constant: t.constant } : {}),
  });
  const own = (g.input ?? []).map((i, k) => of(i.name ?? '', formal[k]));
  const free = freeNames(g).flatMap((name) => {
    const t = outer.get(name);
    return t && !t.sequence ? [of(name, t)] : [];
  });
  return [...own, ...free];
}

/**
 * The bodies an import read, kept beside its result rather than in it (the result is public API
 * and the bodies hold onnx-proto's types): set by the importer, read by the predictor.
 */
const bodies = new WeakMap<object, BodyRead[]>();
export const recordBodies = (result: object, reads: BodyRead[]): void => void bodies.set(result, reads);
export const bodiesOf = (result: object): BodyRead[] => bodies.get(result) ?? [];
