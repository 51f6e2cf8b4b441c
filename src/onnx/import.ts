/**
 * ONNX -> netcost graph: decode (proto.ts), bind the inputs' shapes (inputs.ts), order the nodes
 * (order.ts), then read each node through the reader registered for its op type and opset
 * (readers/) into a netcost op. A node whose op can compute its value and whose inputs are all
 * constants (the shape arithmetic exporters emit) folds into a constant through that same op's
 * `evaluate`; every other node becomes a layer with its shapes inferred by its op module. Constant
 * float tensors (initializers or Constant nodes) are weights. netcost's own exports get their
 * helper nodes lifted back into their layers (lift.ts) and their groups from the file's metadata;
 * other files get groups from their scope names (scopes.ts).
 */
import { basename } from 'node:path';
import { NetcostError } from '../errors.ts';
import type { CustomAttrs, Graph, Group, Layer, Shape } from '../graph/types.ts';
import { inferShapes, opDef } from '../ops/index.ts';
import { checkShape, type OpDef, type Operand, ShapeError, type Tensor } from '../ops/op.ts';
import { bindInputs } from './inputs.ts';
import { liftHelpers } from './lift.ts';
import { META, readStructure } from './metadata.ts';
import { assignNodeNames } from './node-names.ts';
import { topologicalOrder } from './order.ts';
import {
  Attrs,
  type Constant,
  constantNodeValue,
  constantOf,
  long,
  type ModelProto,
  type NodeProto,
  onnx,
} from './proto.ts';
import { readerFor } from './readers/index.ts';
import type { InputView } from './readers/reader.ts';
import { type CostRule, type CostRules, ruleCount, ruleKey, ruleScope } from './rule-eval.ts';
import { scopePaths } from './scopes.ts';

export class ImportError extends NetcostError {}

export interface ImportOptions {
  /** file name for messages */
  file: string;
  /** shapes for inputs with symbolic dimensions; key '*' applies to a model's only input */
  inputs?: Record<string, number[]>;
  /** unknown ops are an error instead of a warning */
  strict?: boolean;
  /** the user's cost rules (`--rules`), by op key */
  rules?: CostRules;
}

export interface ImportResult {
  graph: Graph;
  /** every graph input (not initializers) with its shape */
  inputs: { name: string; shape: Shape }[];
  warnings: string[];
  /** ops netcost has no cost rule for (`domain.Op` outside the default domain), with their counts (costed as 0) */
  unknownOps: ReadonlyMap<string, number>;
  /** nodes folded into constants (shape arithmetic) */
  folded: number;
  nodes: number;
  /** the value of a constant tensor (an initializer, a Constant node or folded arithmetic) */
  constant(tensor: string): Tensor | undefined;
}

interface TensorInfo {
  shape: Shape;
  constant?: Constant;
}

const isDefaultDomain = (d: string) => d === '' || d === 'ai.onnx';
/** The newest default-domain opset ONNX has defined (ONNX 1.18); readers cover every op change up to it. */
const MAX_OPSET = 23;

export function importOnnx(bytes: Uint8Array, opts: ImportOptions): ImportResult {
  const file = opts.file;
  const fail = (msg: string): never => {
    throw new ImportError(`${file}: ${msg}`);
  };
  let m: ModelProto;
  try {
    m = onnx.ModelProto.decode(bytes);
  } catch (e) {
    return fail(`not a readable ONNX model (${(e as Error).message}); check that the file is a complete .onnx export`);
  }
  const g = m.graph;
  const nodes = g?.node ?? [];
  if (!g || nodes.length === 0) {
    return fail('not an ONNX model: it has no graph or no nodes; check that the file is a complete .onnx export');
  }
  const opset = long((m.opsetImport ?? []).find((o) => isDefaultDomain(o.domain ?? ''))?.version ?? 13) || 13;
  if (!Number.isInteger(opset) || opset < 1 || opset > MAX_OPSET) {
    fail(
      `opset ${opset} is outside the opsets netcost reads (1 to ${MAX_OPSET}); re-export the model at opset ` +
        `${MAX_OPSET} or lower`,
    );
  }

  const tensors = new Map<string, TensorInfo>();
  for (const t of g.initializer ?? []) {
    try {
      const c = constantOf(t);
      tensors.set(t.name ?? '', { shape: c.dims, constant: c });
    } catch (e) {
      if (e instanceof ShapeError) fail(`initializer: ${e.message}`);
      throw e;
    }
  }
  const declared = (g.input ?? []).filter((i) => !tensors.has(i.name ?? ''));
  const inputs = bindInputs(declared, opts.inputs, fail);
  for (const i of inputs) tensors.set(i.name, { shape: i.shape });
  const valueShapes = declaredShapes(g.valueInfo ?? [], g.output ?? []);

  const names = assignNodeNames(nodes);
  const order = topologicalOrder(nodes, names, (t) => tensors.has(t), fail);
  const layers: Layer[] = [];
  const unknownOps = new Map<string, number>();
  const overridden = new Set<string>();
  let folded = 0;

  for (const idx of order) {
    const n = nodes[idx];
    const name = names[idx];
    const opType = n.opType ?? '';
    const domain = n.domain ?? '';
    const outs = (n.output ?? []).filter((o) => o);
    const where = `node '${name}' (${opType})`;
    try {
      if (isDefaultDomain(domain) && opType === 'Constant') {
        const c = constantNodeValue(n);
        tensors.set(outs[0], { shape: c.dims, constant: c });
        folded++;
        continue;
      }
      const views = (n.input ?? []).map((x) => (x ? inputView(x, tensors) : undefined));
      /** the shapes of a reader's input slots, each of which must be given */
      const slotShapes = (slots: number[]) => {
        const missing = slots.find((k) => !views[k]);
        if (missing !== undefined) throw new ShapeError(`input ${missing + 1} is missing`);
        return slots.map((k) => (views[k] as InputView).shape);
      };
      const rule = opts.rules?.get(ruleKey(domain, opType));
      const folding = views.some(Boolean) && views.every((v) => !v || v.isConst);
      const read = isDefaultDomain(domain) ? readerFor(opType, opset) : undefined;
      if (rule) {
        // an override without output shapes keeps netcost's own shape rule for the op
        const own =
          rule.override && !rule.outputs
            ? read?.({ opType, attrs: new Attrs(n), inputs: views, outputCount: outs.length, folding })
            : undefined;
        const shapes = own ? inferShapes(own.op, own.attrs, slotShapes(own.inputs)) : undefined;
        layers.push(ruledLayer(name, rule, n, views, outs, valueShapes, tensors, shapes));
        if (rule.override) overridden.add(rule.origin);
        continue;
      }
      const b = read?.({ opType, attrs: new Attrs(n), inputs: views, outputCount: outs.length, folding });
      if (!b) {
        const key = ruleKey(domain, opType);
        unknownOps.set(key, (unknownOps.get(key) ?? 0) + 1);
        const shapes = outs.map((o) => valueShapes.get(o));
        if (shapes.some((s) => !s)) {
          fail(
            `${where}: netcost has no rule for ${opType} and the model gives no shape for its output; ` +
              `add value_info shapes, or ask for ${opType} support`,
          );
        }
        const data = (n.input ?? []).filter((x) => x && !tensors.get(x)?.constant);
        const attrs = { foreignOp: key, outputShapes: shapes as Shape[] };
        layers.push(layerOf(name, 'unknown', attrs, data, outs, tensors));
        continue;
      }
      const def = opDef(b.op);
      const inShapes = slotShapes(b.inputs);
      const folds = def.evaluate !== undefined && (folding || def.shapeOnly === true);
      const shapes = folds ? def.infer(inShapes, b.attrs) : inferShapes(b.op, b.attrs, inShapes);
      for (const s of shapes) checkShape(s, true);
      if (shapes.length < outs.length)
        throw new ShapeError(`gives ${shapes.length} outputs, the model names ${outs.length}`);
      if (folds) {
        const operands = b.inputs.map((k) => views[k] as InputView);
        const values = lazyValues(where, def, operands, b.attrs, shapes);
        for (const [k, o] of outs.entries())
          tensors.set(o, { shape: shapes[k], constant: { dims: shapes[k], value: () => values()[k] } });
        folded++;
        continue;
      }
      const ins = b.inputs.map((k) => n.input?.[k] as string);
      layers.push(layerOf(name, b.op, b.attrs, ins, outs, tensors, shapes));
    } catch (e) {
      if (e instanceof ShapeError) fail(`${where}: ${e.message}`);
      throw e;
    }
  }

  const warnings: string[] = [...overridden].map((o) => `the user rule ${o} replaces netcost's own rule for that op`);
  if (unknownOps.size) {
    const list = [...unknownOps].map(([k, v]) => `${k} x${v}`).join(', ');
    if (opts.strict) fail(`ops netcost has no cost rule for: ${list} (--strict); drop --strict to cost them as 0`);
    warnings.push(`no cost rule for ${list}: counted as 0 (use --strict to make this an error)`);
  }

  const meta = new Map((m.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
  const ours = m.producerName === 'netcost';
  const { layers: structured, groups } = withStructure(ours ? liftHelpers(layers) : layers, ours ? meta : undefined);
  const outName = g.output?.[0]?.name ?? '';
  const out = tensors.get(outName);
  if (!out) return fail(`graph output '${outName}' is produced by no node`);
  if (out.constant) return fail(`graph output '${outName}' is a constant: the model computes nothing to cost`);
  const inName = inputs[0].name;
  return {
    graph: {
      model: meta.get(META.model) || basename(file).replace(/\.onnx$/i, ''),
      file,
      view: meta.get(META.view) === 'deploy' ? 'deploy' : 'original',
      input: { name: inName, shape: inputs[0].shape },
      output: { name: outName, shape: out.shape },
      layers: structured,
      groups,
    },
    inputs,
    warnings,
    unknownOps,
    folded,
    nodes: nodes.length,
    constant: (t) => tensors.get(t)?.constant?.value(),
  };
}

/** A layer costed by a user rule: its counts are the rule's expressions on this node. */
function ruledLayer(
  name: string,
  rule: CostRule,
  n: NodeProto,
  views: (InputView | undefined)[],
  outs: string[],
  valueShapes: Map<string, Shape>,
  tensors: Map<string, TensorInfo>,
  inferred?: Shape[],
): Layer {
  const attrs = new Attrs(n);
  const inShapes = views.map((v) => v?.shape);
  const before = ruleScope(attrs, inShapes, undefined);
  let shapes: Shape[];
  if (rule.outputs) {
    shapes = rule.outputs.map((dims, o) => dims.map((d, k) => ruleCount(rule, `outputs[${o}][${k}]`, d, before)));
  } else if (inferred) {
    shapes = inferred;
  } else {
    const declared = outs.map((o) => valueShapes.get(o));
    if (declared.some((s) => !s)) {
      throw new ShapeError(
        `${rule.origin} gives no output shape and the model declares none; add 'outputs:' to the rule`,
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
  const data = (n.input ?? []).filter((x) => x && !tensors.get(x)?.constant);
  return layerOf(name, 'custom', custom, data, outs, tensors);
}

/** Fully known shapes the file declares for its tensors (for ops without a rule). */
function declaredShapes(
  ...lists: {
    name?: string | null;
    type?: { tensorType?: { shape?: { dim?: { dimValue?: unknown }[] | null } | null } | null } | null;
  }[][]
): Map<string, Shape> {
  const out = new Map<string, Shape>();
  for (const v of lists.flat()) {
    const dims = v.type?.tensorType?.shape?.dim;
    if (dims?.every((d) => d.dimValue != null && long(d.dimValue) > 0))
      out.set(
        v.name ?? '',
        dims.map((d) => long(d.dimValue)),
      );
  }
  return out;
}

function inputView(name: string, tensors: Map<string, TensorInfo>): InputView {
  const t = tensors.get(name) as TensorInfo;
  return {
    name,
    shape: t.shape,
    isConst: t.constant !== undefined,
    value: () => {
      if (!t.constant) throw new ShapeError(`'${name}' is computed at run time, not a constant`);
      return t.constant.value();
    },
  };
}

/** The outputs' values, computed once on first use; errors name the node that computes them. */
function lazyValues(
  where: string,
  def: OpDef<unknown>,
  operands: Operand[],
  attrs: unknown,
  shapes: Shape[],
): () => Tensor[] {
  let memo: Tensor[] | undefined;
  return () => {
    if (memo) return memo;
    try {
      memo = (def.evaluate as NonNullable<OpDef<unknown>['evaluate']>)(operands, attrs, shapes);
      return memo;
    } catch (e) {
      if (e instanceof ShapeError) throw new ShapeError(`computing the value of ${where}: ${e.message}`);
      throw e;
    }
  };
}

function layerOf(
  name: string,
  op: Layer['op'],
  attrs: unknown,
  inputs: string[],
  outputs: string[],
  tensors: Map<string, TensorInfo>,
  shapes?: Shape[],
): Layer {
  const inputShapes = inputs.map((t) => (tensors.get(t) as TensorInfo).shape);
  const outputShapes = (shapes ?? inferShapes(op, attrs, inputShapes)).slice(0, outputs.length);
  for (const [k, o] of outputs.entries()) tensors.set(o, { shape: outputShapes[k] });
  return { name, op, attrs, path: [], inputs, outputs, inputShapes, outputShapes } as Layer;
}

/**
 * Each layer's group path: from netcost's metadata for its own exports, else from scope names.
 * Only groups some layer is in are kept.
 */
function withStructure(
  layers: Layer[],
  meta: ReadonlyMap<string, string> | undefined,
): { layers: Layer[]; groups: Group[] } {
  const saved = meta ? readStructure(meta) : undefined;
  let paths: string[][];
  let groups: Group[];
  if (saved) {
    paths = layers.map((l) => saved.pathOf.get(l.name) ?? []);
    groups = saved.groups;
  } else {
    ({ paths, groups } = scopePaths(layers.map((l) => l.name)));
  }
  const used = new Set(paths.flat());
  return { layers: layers.map((l, i) => ({ ...l, path: paths[i] })), groups: groups.filter((gr) => used.has(gr.name)) };
}
