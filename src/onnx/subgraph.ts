/**
 * Reading a subgraph (an If branch, a Loop or Scan body) inside its owner's scope, and what the
 * owner does with it: binding its outputs, stacking per-trip outputs, taking back a failed reading.
 */
import type { Layer, Shape } from '../graph/types.ts';
import { fmtLimit, LIMITS } from '../limits.ts';
import { numel, ShapeError } from '../ops/op.ts';
import { type BodyRead, bodyTensors } from './body-reads.ts';
import { type Frame, type ReadContext, readNodes } from './graph-reader.ts';
import { declaredInfo } from './inputs.ts';
import { constantOf, type GraphProto, type NodeProto } from './proto.ts';
import { Scope, storedTensor, type TensorInfo } from './scope.ts';

export const shown = (s: Shape) => `[${s.join(', ')}]`;

export function subgraph(n: NodeProto, attr: string): GraphProto {
  const g = (n.attribute ?? []).find((a) => a.name === attr)?.g;
  if (!g) throw new ShapeError(`the ${attr} subgraph is missing`);
  return g;
}

/** The subgraph's scope: its initializers and its inputs, over the owner's scope. */
function subScope(g: GraphProto, outer: Frame, prefix: string, inputs: TensorInfo[], folder?: string): Scope {
  const scope = new Scope(outer.scope);
  for (const t of g.initializer ?? []) {
    const c = constantOf(t, folder);
    const id = `${prefix}${t.name ?? ''}`;
    scope.set(t.name ?? '', {
      id,
      shape: c.dims,
      type: c.type,
      constant: c,
      stored: storedTensor(id, numel(c.dims), c.type),
    });
  }
  const declared = g.input ?? [];
  if (declared.length !== inputs.length) {
    throw new ShapeError(`its subgraph takes ${declared.length} inputs; the node gives it ${inputs.length}`);
  }
  // a body input is the tensor it is bound to (a loop-carried value: its initial value's)
  for (const [k, i] of declared.entries())
    scope.set(i.name ?? '', { ...inputs[k], id: inputs[k].id || `${prefix}${i.name ?? ''}` });
  return scope;
}

export interface Read {
  scope: Scope;
  layers: Layer[];
  /** the subgraph's outputs as tensors of its scope */
  outputs: TensorInfo[];
  /** what the latency model gets of it, for a subgraph of the main graph */
  body?: BodyRead;
}

/** Read a subgraph's nodes; its layers run `runs` times and sit in the owner's (and branch's) group. */
export function readSubgraph(
  ctx: ReadContext,
  g: GraphProto,
  outer: Frame,
  where: { owner: string; branch?: string; kind: string; runs: number; inputs: TensorInfo[] },
): Read {
  if (++ctx.subgraphsRead.count > LIMITS.subgraphReads || ctx.layers.length > LIMITS.layers)
    throw new ShapeError(
      `its control flow reads more than ${fmtLimit(LIMITS.subgraphReads)} subgraph bodies or makes more than ` +
        `${fmtLimit(LIMITS.layers)} layers (Loops unrolled trip by trip, nested): netcost stops there; give ` +
        'fewer trips (--loop-trips N) or keep the shapes of a Loop body the same from trip to trip',
    );
  const group = where.branch ? `${where.owner}/${where.branch}` : where.owner;
  const prefix = `${group}/`;
  const scope = subScope(g, outer, prefix, where.inputs, ctx.folder);
  declaredInfo([g.valueInfo ?? [], g.output ?? []], undefined, ctx.declared);
  ctx.subgraphGroups.set(where.owner, where.kind);
  if (where.branch) ctx.subgraphGroups.set(group, where.kind === 'loop' ? 'trip' : 'branch');
  const path = [...outer.path, where.owner, ...(where.branch ? [group] : [])];
  const start = ctx.layers.length;
  readNodes(ctx, g.node ?? [], { scope, prefix, runs: where.runs, path });
  const outputs = (g.output ?? []).map((o) => {
    const t = scope.get(o.name ?? '');
    if (!t) throw new ShapeError(`its subgraph's output '${o.name}' is produced by no node`);
    return t;
  });
  // a body of the main graph, for the latency model (a deeper one is found when this one is planned)
  let body: BodyRead | undefined;
  if (outer.prefix === '') {
    body = {
      owner: where.owner,
      prefix,
      runs: where.runs,
      graph: g,
      inputs: bodyTensors(g, where.inputs, outer.scope),
    };
    ctx.bodies.push(body);
  }
  return { scope, layers: ctx.layers.slice(start), outputs, body };
}

export function bind(frame: Frame, outs: string[], infos: TensorInfo[]): void {
  for (const [k, o] of outs.entries()) if (o && infos[k]) frame.scope.set(o, infos[k]);
}

/** What reading a subgraph added to the context, to take back when a first reading fails. */
export function snapshot(ctx: ReadContext): () => void {
  const layers = ctx.layers.length;
  const bodies = ctx.bodies.length;
  const folded = ctx.folded;
  const notes = ctx.notes.length;
  const unknown = new Map(ctx.unknownOps);
  const paths = new Set(ctx.subgraphPaths.keys());
  const groups = new Set(ctx.subgraphGroups.keys());
  return () => {
    ctx.layers.length = layers;
    ctx.bodies.length = bodies;
    ctx.folded = folded;
    ctx.notes.length = notes;
    ctx.unknownOps.clear();
    for (const [k, v] of unknown) ctx.unknownOps.set(k, v);
    for (const k of [...ctx.subgraphPaths.keys()]) if (!paths.has(k)) ctx.subgraphPaths.delete(k);
    for (const k of [...ctx.subgraphGroups.keys()]) if (!groups.has(k)) ctx.subgraphGroups.delete(k);
  };
}

export const scalarConstant = (id: string, type: 'int64' | 'bool', v: number): TensorInfo => ({
  id,
  shape: [],
  type,
  constant: { dims: [], type, value: () => ({ dims: [], type: type === 'bool' ? 'bool' : 'int', data: [v] }) },
  stored: [],
});

/**
 * The layer that stacks per-trip outputs along `axes` (Loop: 0): each output's tensors, one per
 * trip (unrolled) or one standing for every trip (a body read once).
 */
export function stack(
  ctx: ReadContext,
  frame: Frame,
  name: string,
  kind: 'Loop' | 'Scan',
  trips: number,
  parts: TensorInfo[][],
  outs: string[],
  axes: number[],
): void {
  if (parts.length === 0) return;
  if (trips === 0) throw new ShapeError(`${kind} with 0 trips has empty scan outputs; netcost cannot cost them`);
  const outputShapes = parts.map((list, k) => {
    const s = list[0].shape;
    if (list.some((t) => t.shape.join() !== s.join())) {
      throw new ShapeError(`scan output ${k + 1} changes shape from trip to trip; it cannot be stacked`);
    }
    return [...s.slice(0, axes[k]), trips, ...s.slice(axes[k])];
  });
  const inputs = parts.flat();
  const layer = {
    name,
    op: 'control',
    attrs: { kind, trips, outputShapes },
    path: [],
    inputs: inputs.map((p) => p.id),
    outputs: outs.map((o) => `${frame.prefix}${o}`),
    inputShapes: inputs.map((p) => p.shape),
    outputShapes,
    types: { inputs: inputs.map((p) => p.type), outputs: parts.map((p) => p[0].type) },
    weights: [],
    ...(frame.runs !== 1 ? { runs: frame.runs } : {}),
  } as Layer;
  ctx.layers.push(layer);
  ctx.subgraphPaths.set(name, [...frame.path, name]);
  for (const [k, o] of outs.entries()) {
    if (o) frame.scope.set(o, { id: layer.outputs[k], shape: outputShapes[k], type: parts[k][0].type });
  }
}
