/**
 * ONNX -> netcost graph: decode (proto.ts), bind the inputs' shapes and symbolic dimensions
 * (inputs.ts), read the graph's nodes into layers (graph-reader.ts; If, Loop and Scan with their
 * subgraphs in control.ts), fuse the patterns exporters decompose (patterns.ts: layer norm, GELU,
 * QDQ), then give each layer its groups. Constant tensors (initializers, Constant nodes, folded
 * arithmetic) are weights. netcost's own exports get their helper nodes lifted back into their
 * layers (lift.ts) and their groups from the file's metadata; other files get groups from their
 * scope names (scopes.ts).
 */
import { basename, dirname } from 'node:path';
import { NetcostError } from '../errors.ts';
import type { ElemType } from '../graph/dtype.ts';
import type { Graph, Group, Layer, SelectAttrs, Shape } from '../graph/types.ts';
import { numel, ShapeError, type Tensor } from '../ops/op.ts';
import { upperBoundNote } from '../ops/select.ts';
import { withFoldBudget } from '../ops/tensor.ts';
import { rulelessClause, rulelessOps, tensorsRead } from './blockers.ts';
import { recordBodies } from './body-reads.ts';
import type { BoundInput } from './bound-input.ts';
import { readControl } from './control.ts';
import { keepDecoded } from './decoded.ts';
import { isDefaultDomain, type ReadContext, readNodes, readsItself } from './graph-reader.ts';
import { bindInputs, declaredInfo, givenConstant, valueNote, withValues } from './inputs.ts';
import { liftHelpers } from './lift.ts';
import { META, readStructure } from './metadata.ts';
import { assignNodeNames } from './node-names.ts';
import { whyClause } from './not-read.ts';
import { overridableNote } from './overridable.ts';
import { fusePatterns } from './patterns.ts';
import { constantOf, long, type ModelProto, onnx } from './proto.ts';
import type { CostRules } from './rule-eval.ts';
import { Scope, storedTensor } from './scope.ts';
import { scopePaths } from './scopes.ts';

export class ImportError extends NetcostError {}

export interface ImportOptions {
  /** the model's path, for messages */
  file: string;
  /**
   * the folder its external data is in (ONNX locations are relative to the model file); the
   * folder of `file` unless given. A model with external data read from elsewhere gets undefined
   */
  folder?: string;
  /** shapes for inputs with symbolic dimensions; key '*' applies to a model's only input */
  inputs?: Record<string, number[]>;
  /** symbolic dimensions by name (`--dim batch=8`), wherever they appear */
  dims?: Record<string, number>;
  /** unknown ops are an error instead of a warning */
  strict?: boolean;
  /** the user's cost rules (`--rules`), by op key */
  rules?: CostRules;
  /** trips of a Loop whose trip count is not a constant (`--loop-trips`) */
  loopTrips?: number;
  /** values of inputs that steer the graph (`--value sr=16000`): read as constants */
  values?: Record<string, number[]>;
}

export interface ImportResult {
  graph: Graph;
  /** every graph input (not initializers) with its shape and element type, and its value where `values` gave one */
  inputs: BoundInput[];
  warnings: string[];
  /** what the reading decided that a reader of the report should know (control flow, fusions) */
  notes: string[];
  /** ops netcost has no cost rule for (`domain.Op` outside the default domain), with their counts (costed as 0) */
  unknownOps: ReadonlyMap<string, number>;
  /** nodes folded into constants (shape arithmetic) */
  folded: number;
  nodes: number;
  /**
   * If nodes, in any graph: onnxruntime infers the shapes of both branches of each, so a branch
   * that cannot run at the bound shapes makes it refuse the model once its inputs are fixed to them
   */
  ifs: number;
  /** where its external data is looked up */
  folder: string | undefined;
  /** the value of a constant tensor of the main graph (an initializer, a Constant node or folded arithmetic) */
  constant(tensor: string): Tensor | undefined;
  /** the shape netcost gives a tensor of the main graph, computed or constant */
  shapeOf(tensor: string): Shape | undefined;
  /** a tensor of the main graph: its element type, and whether it is a constant (known before run time) */
  tensorOf(tensor: string): { shape: Shape; type: ElemType; constant: boolean } | undefined;
}

/** The newest default-domain opset ONNX has defined (ONNX 1.18); readers cover every op change up to it. */
const MAX_OPSET = 23;

/** The newest IR version ONNX defines (onnx 1.18: 11), and one ahead. */
const MAX_IR_VERSION = 12;

function opsetsOf(m: ModelProto, fail: (msg: string) => never): Map<string, number> {
  const ir = long(m.irVersion ?? 0);
  if (!Number.isSafeInteger(ir) || ir < 3 || ir > MAX_IR_VERSION)
    fail(
      `IR version ${ir} is not one ONNX defines for a model with opsets (3 to ${MAX_IR_VERSION}); ` +
        'check that the file is a complete .onnx export',
    );
  const opsets = new Map<string, number>();
  for (const o of m.opsetImport ?? []) {
    const domain = isDefaultDomain(o.domain ?? '') ? '' : (o.domain ?? '');
    if (opsets.has(domain))
      fail(`opset_import names the ${domain ? `domain '${domain}'` : 'default domain'} twice; keep one version`);
    opsets.set(domain, long(o.version ?? 1));
  }
  if (opsets.get('') === 0) fail('opset_import gives the default domain version 0; ONNX opsets start at 1');
  const opset = opsets.get('') || 13;
  if (!Number.isInteger(opset) || opset < 1 || opset > MAX_OPSET) {
    fail(
      `opset ${opset} is outside the opsets netcost reads (1 to ${MAX_OPSET}); re-export the model at opset ` +
        `${MAX_OPSET} or lower`,
    );
  }
  opsets.set('', opset);
  return opsets;
}

export function importOnnx(bytes: Uint8Array, opts: ImportOptions): ImportResult {
  return withFoldBudget(() => importBudgeted(bytes, opts));
}

function importBudgeted(bytes: Uint8Array, opts: ImportOptions): ImportResult {
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
  const scope = new Scope();
  const folder = 'folder' in opts ? opts.folder : dirname(opts.file);
  for (const t of g.initializer ?? []) {
    try {
      const c = constantOf(t, folder);
      const name = t.name ?? '';
      scope.set(name, {
        id: name,
        shape: c.dims,
        type: c.type,
        constant: c,
        stored: storedTensor(name, numel(c.dims), c.type),
      });
    } catch (e) {
      if (e instanceof ShapeError) fail(`initializer: ${e.message}`);
      throw e;
    }
  }
  const opsets = opsetsOf(m, fail);
  // what else stops the file, said with the first blocker so that one run names them all
  const ruleless = rulelessOps(g, opsets, opts.rules, readsItself);
  const failWithOps = (msg: string): never =>
    fail(ruleless.length ? `${msg}; the model also has ${rulelessClause(ruleless)}` : msg);
  const declared = (g.input ?? []).filter((i) => !scope.has(i.name ?? ''));
  const valueInfos = [...(g.output ?? []), ...(g.valueInfo ?? [])];
  const bound = bindInputs(declared, opts.inputs, opts.dims, failWithOps, valueInfos);
  const inputs = withValues(bound, opts.values, failWithOps);
  for (const i of inputs) scope.set(i.name, { id: i.name, shape: i.shape, type: i.type, ...givenConstant(i) });
  const ctx: ReadContext = {
    file,
    folder,
    opsets,
    ruleless,
    read: tensorsRead(g),
    graphOutputs: (g.output ?? []).map((o) => o.name ?? ''),
    rules: opts.rules,
    loopTrips: opts.loopTrips,
    declared: declaredInfo([g.valueInfo ?? [], g.output ?? []], opts.dims),
    unknownOps: new Map(),
    overridden: new Set(),
    notes: inputs.flatMap(valueNote),
    layers: [],
    subgraphPaths: new Map(),
    subgraphGroups: new Map(),
    folded: 0,
    mainNames: new Set(assignNodeNames(nodes)),
    subgraphsRead: { count: 0 },
    bodies: [],
    ifs: 0,
    fail,
  };
  const overridable = overridableNote(m);
  if (overridable) ctx.notes.push(overridable);
  ctx.control = (n, name, frame) => readControl(ctx, n, name, frame);
  readNodes(ctx, nodes, { scope, prefix: '', runs: 1, path: [] });
  const fused = fusePatterns(ctx.layers, g.output?.map((o) => o.name ?? '') ?? []);
  for (const l of fused) {
    const note = l.op === 'select' ? upperBoundNote(l.name, l.attrs as SelectAttrs, l.outputShapes[0]) : undefined;
    if (note) ctx.notes.push(note);
  }

  const warnings: string[] = [...ctx.overridden].map(
    (o) => `the user rule ${o} replaces netcost's own rule for that op`,
  );
  if (ctx.unknownOps.size) {
    const list = [...ctx.unknownOps].map(([k, v]) => `${k} x${v}`).join(', ');
    if (opts.strict) fail(`ops netcost has no cost rule for: ${list} (--strict); drop --strict to cost them as 0`);
    const why = whyClause([...ctx.unknownOps.keys()]);
    warnings.push(`no cost rule for ${list}: counted as 0 (use --strict to make this an error)${why}`);
  }

  const meta = new Map((m.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
  const ours = m.producerName === 'netcost';
  const { layers, groups } = withStructure(ours ? liftHelpers(fused) : fused, ours ? meta : undefined, ctx);
  const outName = g.output?.[0]?.name ?? '';
  const out = scope.get(outName);
  if (!out) return fail(`graph output '${outName}' is produced by no node`);
  // computed from stored tensors and given values alone: folded, as netcost folds shape arithmetic
  if (out.constant)
    ctx.notes.push(
      `graph output '${outName}' is a constant (computed from stored tensors and given values alone, folded when ` +
        'the model loads): the layers that make it cost nothing here',
    );
  const first = inputs[0];
  const result: ImportResult = {
    graph: {
      model: meta.get(META.model) || basename(file).replace(/\.onnx$/i, ''),
      file,
      view: meta.get(META.view) === 'deploy' ? 'deploy' : 'original',
      input: { name: first.name, shape: first.shape, type: first.type },
      output: { name: out.id, shape: out.shape },
      layers,
      groups,
      ...(ctx.notes.length ? { notes: ctx.notes } : {}),
    },
    inputs,
    warnings,
    notes: ctx.notes,
    unknownOps: ctx.unknownOps,
    folded: ctx.folded,
    nodes: nodes.length,
    ifs: ctx.ifs,
    folder,
    constant: (t) => scope.get(t)?.constant?.value(),
    shapeOf: (t) => scope.get(t)?.shape,
    tensorOf: (t) => {
      const i = scope.get(t);
      return i && { shape: i.shape, type: i.type, constant: i.constant !== undefined };
    },
  };
  recordBodies(result, ctx.bodies);
  keepDecoded(result, m);
  return result;
}

/**
 * Each layer's group path: from netcost's metadata for its own exports, else from scope names. A
 * subgraph's layers sit under the node that owns them (its path, then the owner and branch groups).
 * Only groups some layer is in are kept.
 */
function withStructure(
  layers: Layer[],
  meta: ReadonlyMap<string, string> | undefined,
  ctx: ReadContext,
): { layers: Layer[]; groups: Group[] } {
  const saved = meta ? readStructure(meta) : undefined;
  const main = layers.filter((l) => !ctx.subgraphPaths.has(l.name));
  // the main graph's nodes that own subgraphs: their layers sit under the owner's own scope path
  const owners = [...new Set([...ctx.subgraphPaths.values()].map((p) => p[0]))];
  const paths = new Map<string, string[]>();
  let groups: Group[];
  if (saved) {
    for (const l of main) paths.set(l.name, saved.pathOf.get(l.name) ?? []);
    groups = [...saved.groups];
  } else {
    const scoped = scopePaths([...main.map((l) => l.name), ...owners]);
    for (const [i, l] of main.entries()) paths.set(l.name, scoped.paths[i]);
    for (const [i, o] of owners.entries()) paths.set(o, scoped.paths[main.length + i]);
    groups = scoped.groups;
  }
  for (const [name, sub] of ctx.subgraphPaths) paths.set(name, [...(paths.get(sub[0]) ?? []), ...sub]);
  const known = new Set(groups.map((gr) => gr.name));
  for (const [name, kind] of ctx.subgraphGroups) if (!known.has(name)) groups.push({ name, kind });
  const used = new Set([...paths.values()].flat());
  return {
    layers: layers.map((l) => ({ ...l, path: paths.get(l.name) ?? [] })),
    groups: groups.filter((gr) => used.has(gr.name)),
  };
}
