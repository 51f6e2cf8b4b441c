/**
 * One ONNX graph (the main graph, or a subgraph of an If, Loop or Scan) -> layers. Nodes are read
 * in dependency order through the reader registered for their op type, domain and opset. A node
 * whose op can compute its value and whose inputs are all constants (the shape arithmetic
 * exporters emit) folds into a constant through that same op's `evaluate`; every other node
 * becomes a layer with its shapes inferred by its op module and each tensor's element type.
 */
import type { ElemType } from '../graph/dtype.ts';
import type { CustomAttrs, Layer, Shape, WeightRef } from '../graph/types.ts';
import { inferShapes, opDef } from '../ops/index.ts';
import { checkShape, numel, type OpDef, type Operand, ShapeError, type Tensor } from '../ops/op.ts';
import { rulelessClause } from './blockers.ts';
import { assignNodeNames } from './node-names.ts';
import { topologicalOrder } from './order.ts';
import { Attrs, constantNodeValue, type NodeProto } from './proto.ts';
import type { Frame, ReadContext } from './read-context.ts';
import { readerFor } from './readers/index.ts';
import type { Built, InputView } from './readers/reader.ts';
import { type CostRule, ruleCount, ruleKey, ruleScope } from './rule-eval.ts';
import { inputView, storedTensor, storedUnion, type TensorInfo } from './scope.ts';
import { readSequenceOp, SEQUENCE_OPS } from './sequences.ts';

export type { Frame, ReadContext } from './read-context.ts';

const isDefaultDomain = (d: string) => d === '' || d === 'ai.onnx';
const CONTROL = new Set(['If', 'Loop', 'Scan']);

/** The outer-scope tensors a node's subgraphs read (a node must run after their producers). */
function implicitInputs(n: NodeProto): string[] {
  const out: string[] = [];
  const visit = (g: NonNullable<NodeProto['attribute']>[number]['g']) => {
    if (!g) return;
    const own = new Set<string>([
      ...(g.input ?? []).map((i) => i.name ?? ''),
      ...(g.initializer ?? []).map((t) => t.name ?? ''),
      ...(g.node ?? []).flatMap((m) => m.output ?? []),
    ]);
    for (const m of g.node ?? []) {
      for (const x of m.input ?? []) if (x && !own.has(x)) out.push(x);
      for (const a of m.attribute ?? []) {
        for (const sub of [a.g, ...(a.graphs ?? [])]) {
          if (!sub) continue;
          const inner: NodeProto = { input: [], attribute: [{ g: sub }] };
          for (const x of implicitInputs(inner)) if (!own.has(x)) out.push(x);
        }
      }
    }
  };
  for (const a of n.attribute ?? []) {
    visit(a.g);
    for (const g of a.graphs ?? []) visit(g);
  }
  return out;
}

/**
 * A subgraph layer's name, unique against the main graph's: a main-graph node may be named
 * `i/then/r` beside an If `i` whose then branch has a node `r` (the subgraph's gets `i/then/r~2`),
 * and one layer name must stand for one layer (baselines and diffs key on it).
 */
function unique(ctx: ReadContext, frame: Frame, name: string): string {
  if (frame.prefix === '' || !ctx.mainNames.has(name)) return name;
  let k = 2;
  while (ctx.mainNames.has(`${name}~${k}`)) k++;
  return `${name}~${k}`;
}

/** Default-domain ops the graph reader reads itself, with no reader of the registry: constants, control flow,
 * sequences. */
export const READ_ITSELF: ReadonlySet<string> = new Set(['Constant', ...CONTROL, ...SEQUENCE_OPS]);

export const readsItself = (domain: string, opType: string): boolean =>
  isDefaultDomain(domain) && READ_ITSELF.has(opType);

/** Read a graph's nodes in dependency order into `ctx.layers`. */
export function readNodes(ctx: ReadContext, nodes: NodeProto[], frame: Frame): void {
  const names = assignNodeNames(nodes).map((n) => unique(ctx, frame, frame.prefix + n));
  const inputsOf = (n: NodeProto) => [...(n.input ?? []), ...implicitInputs(n)];
  const order = topologicalOrder(nodes, names, (t) => frame.scope.has(t), ctx.fail, inputsOf);
  for (const idx of order) {
    const n = nodes[idx];
    const where = `node '${names[idx]}' (${n.opType ?? ''})`;
    try {
      readNode(ctx, n, names[idx], frame);
    } catch (e) {
      if (e instanceof ShapeError) ctx.fail(`${where}: ${e.message}`);
      throw e;
    }
  }
}

function readNode(ctx: ReadContext, n: NodeProto, name: string, frame: Frame): void {
  const { scope } = frame;
  const opType = n.opType ?? '';
  const domain = n.domain ?? '';
  const outs = (n.output ?? []).filter((o) => o);
  if (outs.length === 0) throw new ShapeError('the node has no outputs; every node must name at least one');
  const id = (o: string) => (frame.prefix ? `${frame.prefix}${o}` : o);
  if (isDefaultDomain(domain) && opType === 'Constant') {
    const c = constantNodeValue(n, ctx.folder);
    scope.set(outs[0], {
      id: id(outs[0]),
      shape: c.dims,
      type: c.type,
      constant: c,
      stored: storedTensor(id(outs[0]), numel(c.dims), c.type),
    });
    ctx.folded++;
    return;
  }
  if (isDefaultDomain(domain) && CONTROL.has(opType)) {
    if (!ctx.control) throw new ShapeError(`${opType} is not supported here`);
    ctx.control(n, name, frame);
    return;
  }
  const first = n.input?.[0] ? scope.get(n.input[0]) : undefined;
  if (isDefaultDomain(domain) && (SEQUENCE_OPS.has(opType) || (opType === 'Identity' && first?.sequence))) {
    if (opType === 'Identity') scope.set(outs[0], first as TensorInfo);
    else readSequenceOp(ctx, n, name, frame);
    return;
  }
  const views = (n.input ?? []).map((x) => {
    if (!x) return undefined;
    const t = scope.get(x);
    if (!t) throw new ShapeError(`reads '${x}', which nothing before it produces`);
    if (t.sequence && isDefaultDomain(domain))
      throw new ShapeError(
        `reads '${x}', a sequence of ${t.sequence.length} tensors; ${opType} takes a tensor: take one with ` +
          'SequenceAt or join them with ConcatFromSequence first',
      );
    return inputView(x, t);
  });
  const varying = (n.input ?? []).some((x) => x && scope.get(x)?.varying);
  const folding = views.some(Boolean) && views.every((v) => !v || v.isConst) && !varying;
  const opset = ctx.opsets.get(isDefaultDomain(domain) ? '' : domain) ?? 1;
  const read = readerFor(domain, opType, opset);
  const outputSlots = (n.output ?? []).flatMap((o, k) => (o ? [k] : []));
  const view = { opType, attrs: new Attrs(n), inputs: views, outputCount: outs.length, outputSlots, folding, opset };
  const rule = ctx.rules?.get(ruleKey(domain, opType));
  if (rule) {
    // an override without output shapes keeps netcost's own shape rule for the op
    const own = rule.override && rule.outputs === undefined ? read?.(view) : undefined;
    const shapes = own ? inferShapes(own.op, own.attrs, slotShapes(views, own.inputs)) : undefined;
    ruledLayer(ctx, frame, name, rule, n, views, outs, shapes);
    if (rule.override) ctx.overridden.add(rule.origin);
    return;
  }
  const b = read?.(view);
  if (!b) {
    unknownLayer(ctx, frame, name, n, views, outs);
    return;
  }
  const def = opDef(b.op);
  const inShapes = slotShapes(views, b.inputs);
  const folds = !varying && def.evaluate !== undefined && (folding || def.shapeOnly === true);
  const shapes = folds ? def.infer(inShapes, b.attrs) : inferShapes(b.op, b.attrs, inShapes);
  for (const s of shapes) checkShape(s, true);
  if (shapes.length < outs.length)
    throw new ShapeError(`gives ${shapes.length} outputs, the model names ${outs.length}`);
  const types = outputTypes(b, views, outs.length);
  if (folds) {
    const operands = b.inputs.map((k) => views[k] as InputView);
    const values = lazyValues(def, operands, b.attrs, shapes);
    // a rearranged weight is still its stored tensor; a computed constant derives from its operands'
    const same = def.sameData?.(b.attrs) === true;
    const stored = same ? (operands[0]?.stored ?? []) : storedUnion(operands.map((v) => v.stored));
    for (const [k, o] of outs.entries()) {
      scope.set(o, {
        id: id(o),
        shape: shapes[k],
        type: types[k],
        constant: { dims: shapes[k], type: types[k], value: () => values()[k] },
        stored,
      });
    }
    ctx.folded++;
    return;
  }
  pushLayer(ctx, frame, { name, op: b.op, attrs: b.attrs, shapes, types }, n, views, outs, b);
}

/** The shapes of a reader's input slots, each of which must be given. */
function slotShapes(views: (InputView | undefined)[], slots: number[]): Shape[] {
  const missing = slots.find((k) => !views[k]);
  if (missing !== undefined) throw new ShapeError(`input ${missing + 1} is missing`);
  return slots.map((k) => (views[k] as InputView).shape);
}

/** Each output's element type: the reader's word, else the first operand's type (fp32 without one). */
function outputTypes(b: Built, views: (InputView | undefined)[], count: number): ElemType[] {
  const first = views[b.inputs[0]]?.type ?? views.find((v) => v)?.type ?? 'fp32';
  return Array.from({ length: count }, (_, k) => b.outputTypes?.[k] ?? first);
}

/** The outputs' values, computed once on first use. */
function lazyValues(def: OpDef<unknown>, operands: Operand[], attrs: unknown, shapes: Shape[]): () => Tensor[] {
  let memo: Tensor[] | undefined;
  return () => {
    if (memo) return memo;
    try {
      memo = (def.evaluate as NonNullable<OpDef<unknown>['evaluate']>)(operands, attrs, shapes);
      return memo;
    } catch (e) {
      // said once, at the node that asked, however deep the chain of folded values
      if (e instanceof ShapeError && !e.message.startsWith('computing its value'))
        throw new ShapeError(`computing its value: ${e.message}`);
      throw e;
    }
  };
}

/** The constant inputs a layer reads, with where each comes from. */
function weightRefs(views: (InputView | undefined)[], b: Pick<Built, 'inputs' | 'params' | 'packed'>): WeightRef[] {
  const { inputs: operands, params } = b;
  const refs: WeightRef[] = [];
  for (const [k, v] of views.entries()) {
    if (!v?.isConst) continue;
    // values packed into bytes: counted per value, at their bit width
    const bits = b.packed?.find((p) => p.slot === k)?.bits;
    const per = bits ? 8 / bits : 1;
    const packedType: ElemType | undefined = bits ? (bits <= 2 ? 'uint2' : bits <= 4 ? 'uint4' : 'uint8') : undefined;
    const elements = numel(v.shape) * per;
    refs.push({
      sources: v.stored.map((t) => ({ key: t.key, elements: t.elements * per })),
      elements,
      type: packedType ?? v.type,
      storedType: packedType ?? v.stored[0]?.type ?? v.type,
      param: params.includes(k),
      ...(operands.includes(k) ? { operand: true } : {}),
      ...(elements === 1 ? { scalar: scalarOf(v) } : {}),
    });
  }
  return refs;
}

const scalarOf = (v: InputView): number | undefined => {
  try {
    return v.value().data[0];
  } catch {
    return undefined;
  }
};

interface LayerHead {
  name: string;
  op: Layer['op'];
  attrs: unknown;
  shapes: Shape[];
  types: ElemType[];
}

function pushLayer(
  ctx: ReadContext,
  frame: Frame,
  head: LayerHead,
  n: NodeProto,
  views: (InputView | undefined)[],
  outs: string[],
  b: Pick<Built, 'inputs' | 'params' | 'packed'>,
): void {
  const inputs = b.inputs.map((k) => n.input?.[k] as string);
  const infos = inputs.map((t) => frame.scope.get(t) as TensorInfo);
  const outputShapes = head.shapes.slice(0, outs.length);
  const layer = {
    name: head.name,
    op: head.op,
    attrs: head.attrs,
    path: [],
    inputs: infos.map((t) => t.id),
    outputs: outs.map((o) => (frame.prefix ? `${frame.prefix}${o}` : o)),
    inputShapes: infos.map((t) => t.shape),
    outputShapes,
    types: { inputs: infos.map((t) => t.type), outputs: head.types.slice(0, outs.length) },
    weights: weightRefs(views, b),
    ...(frame.runs !== 1 ? { runs: frame.runs } : {}),
  } as Layer;
  for (const [k, o] of outs.entries()) {
    frame.scope.set(o, { id: layer.outputs[k], shape: outputShapes[k], type: head.types[k] });
  }
  if (frame.path.length) ctx.subgraphPaths.set(layer.name, frame.path);
  ctx.layers.push(layer);
}

/** An op without a rule: counted as 0, its shapes from the file's value infos. */
function unknownLayer(
  ctx: ReadContext,
  frame: Frame,
  name: string,
  n: NodeProto,
  views: (InputView | undefined)[],
  outs: string[],
): void {
  const key = ruleKey(n.domain ?? '', n.opType ?? '');
  ctx.unknownOps.set(key, (ctx.unknownOps.get(key) ?? 0) + 1);
  const declared = outs.map((o) => ctx.declared.get(o));
  if (declared.some((d) => !d?.shape)) {
    // post-processing at the end of the graph (an NMS, a decoder): nothing reads what it writes, so
    // it can be left out, counted as 0 like any op without a rule; the first graph output must be made
    const unread = outs.every((o) => !ctx.read.has(o)) && !outs.includes(ctx.graphOutputs[0] ?? '');
    if (unread && frame.prefix === '') {
      ctx.notes.push(`node '${name}' (${key}) has no rule and no output shape; nothing reads its outputs: left out`);
      return;
    }
    const all = ctx.ruleless.some((r) => r.key === key)
      ? ctx.ruleless
      : [{ key, domain: n.domain ?? '', op: n.opType ?? '', count: 1 }, ...ctx.ruleless];
    throw new ShapeError(
      `netcost has no rule for ${key} and the model gives no shape for its output (value_info); the model has ` +
        rulelessClause(all),
    );
  }
  const shapes = declared.map((d) => d?.shape as Shape);
  const data = views.flatMap((v, k) => (v && !v.isConst ? [k] : []));
  const attrs = { foreignOp: key, outputShapes: shapes };
  const types = declared.map((d) => d?.type ?? 'fp32');
  pushLayer(ctx, frame, { name, op: 'unknown', attrs, shapes, types }, n, views, outs, { inputs: data, params: [] });
}

/** A layer costed by a user rule: its counts are the rule's expressions on this node. */
function ruledLayer(
  ctx: ReadContext,
  frame: Frame,
  name: string,
  rule: CostRule,
  n: NodeProto,
  views: (InputView | undefined)[],
  outs: string[],
  inferred?: Shape[],
): void {
  const attrs = new Attrs(n);
  const inShapes = views.map((v) => v?.shape);
  const before = ruleScope(attrs, inShapes, undefined);
  let shapes: Shape[];
  if (rule.outputs === 'same') {
    const first = views.find((v) => v && !v.isConst) ?? views.find((v) => v);
    if (!first) throw new ShapeError(`${rule.origin} says 'outputs: same' but the node has no input`);
    shapes = outs.map(() => [...first.shape]);
  } else if (rule.outputs) {
    shapes = rule.outputs.map((dims, o) => dims.map((d, k) => ruleCount(rule, `outputs[${o}][${k}]`, d, before)));
  } else if (inferred) {
    shapes = inferred;
  } else {
    const declared = outs.map((o) => ctx.declared.get(o)?.shape);
    if (declared.some((s) => !s)) {
      throw new ShapeError(
        `${rule.origin} gives no output shape and the model declares none; add 'outputs:' to the rule ` +
          "('outputs: same' keeps the first input's shape)",
      );
    }
    shapes = declared as Shape[];
  }
  if (shapes.length < outs.length)
    throw new ShapeError(`${rule.origin} gives ${shapes.length} outputs, the node has ${outs.length}`);
  const scope = ruleScope(attrs, inShapes, shapes);
  const count = (field: 'params' | 'madds' | 'flops') => ruleCount(rule, field, rule[field] ?? 0, scope);
  const custom: CustomAttrs = {
    foreignOp: ruleKey(n.domain ?? '', n.opType ?? ''),
    rule: rule.origin,
    category: rule.category,
    params: count('params'),
    madds: count('madds'),
    flops: count('flops'),
    ...(rule.reads !== undefined ? { reads: ruleCount(rule, 'reads', rule.reads, scope) } : {}),
    outputShapes: shapes.slice(0, outs.length),
  };
  const data = views.flatMap((v, k) => (v && !v.isConst ? [k] : []));
  const first = views[data[0]]?.type ?? 'fp32';
  const types = outs.map((o) => ctx.declared.get(o)?.type ?? first);
  const head = { name, op: 'custom' as const, attrs: custom, shapes: custom.outputShapes, types };
  pushLayer(ctx, frame, head, n, views, outs, { inputs: data, params: [] });
}

export { isDefaultDomain };
