/**
 * Expand a model spec into the layer graph (original view): evaluate expressions, instantiate blocks,
 * unroll repeats, name every layer hierarchically, and infer every shape.
 */
import { SpecError } from '../errors.ts';
import { fmtLimit, LIMITS } from '../limits.ts';
import { inferShapes, ShapeError } from '../ops/index.ts';
import { ExprError, evalValue, interpolate, type Scope } from '../spec/expr.ts';
import {
  type BlockDef,
  type ConvEntry,
  type Entry,
  isSimpleEntry,
  type Kernel,
  type ModelSpec,
  type Num,
} from '../spec/types.ts';
import type { Graph, Group, Layer, OpAttrs, OpKind, Pair, Shape } from './types.ts';

interface TensorRef {
  name: string;
  shape: Shape;
}

interface Ctx {
  model: ModelSpec;
  scope: Scope;
  /** the groups enclosing the current entry, outermost first */
  path: string[];
  blocks: string[];
  /** entries enclosing this one (the nesting guard) */
  depth: number;
}

class Builder {
  readonly layers: Layer[] = [];
  readonly groups: Group[] = [];
  private readonly names = new Set<string>();
  private readonly autoCount = new Map<string, number>();
  /** entries expanded so far: repeats and blocks that expand beyond LIMITS.expansion stop early */
  private expanded = 0;

  constructor(readonly model: ModelSpec) {}

  fail(ctx: Ctx, where: string, message: string, name?: string): never {
    const layer = name ? ` (layer ${name})` : ctx.path.length ? ` (in ${ctx.path.at(-1)})` : '';
    throw new SpecError(`${this.model.file}: ${where}${layer}: ${message}`);
  }

  num(
    ctx: Ctx,
    where: string,
    field: string,
    value: Num,
    opts: { int?: boolean; min?: number; max?: number } = {},
    name?: string,
  ): number {
    let v: number;
    try {
      v = evalValue(value, ctx.scope);
    } catch (e) {
      if (e instanceof ExprError) this.fail(ctx, `${where}.${field}`, e.message, name);
      throw e;
    }
    const min = opts.min ?? (opts.int === false ? -Infinity : 1);
    const max = opts.max ?? (opts.int === false ? Number.MAX_VALUE : LIMITS.dimension);
    if ((opts.int !== false && !Number.isInteger(v)) || v < min || v > max || !Number.isFinite(v)) {
      const kind = opts.int === false ? 'a finite number' : `a whole number from ${min} to ${fmtLimit(max)}`;
      this.fail(ctx, `${where}.${field}`, `${JSON.stringify(value)} evaluates to ${v}; it must be ${kind}`, name);
    }
    return v;
  }

  flag(ctx: Ctx, where: string, field: string, value: boolean | Num | undefined, dflt: boolean, name: string): boolean {
    if (value === undefined) return dflt;
    if (typeof value === 'boolean') return value;
    return this.num(ctx, where, field, value, { int: false, min: -Infinity }, name) !== 0;
  }

  pair(
    ctx: Ctx,
    where: string,
    field: string,
    value: Kernel | undefined,
    dflt: number,
    min: number,
    name: string,
  ): Pair {
    if (value === undefined) return [dflt, dflt];
    if (Array.isArray(value))
      return [
        this.num(ctx, where, `${field}[0]`, value[0], { min }, name),
        this.num(ctx, where, `${field}[1]`, value[1], { min }, name),
      ];
    const v = this.num(ctx, where, field, value, { min }, name);
    return [v, v];
  }

  text(ctx: Ctx, where: string, template: string): string {
    try {
      const s = interpolate(template, ctx.scope);
      if (!/^[A-Za-z0-9_-]+$/.test(s))
        this.fail(
          ctx,
          `${where}.name`,
          `name '${s}' may hold only letters, digits, '_' and '-' (the '.' joins levels)`,
        );
      return s;
    } catch (e) {
      if (e instanceof ExprError) this.fail(ctx, `${where}.name`, e.message);
      throw e;
    }
  }

  /** A unique hierarchical name: explicit names must be unique; default names get _2, _3... */
  leafName(ctx: Ctx, where: string, explicit: string | undefined, dflt: string): string {
    const prefix = ctx.path.length ? `${ctx.path.at(-1)}.` : '';
    if (explicit !== undefined) {
      const full = prefix + this.text(ctx, where, explicit);
      if (this.names.has(full))
        this.fail(ctx, `${where}.name`, `duplicate name '${full}'; give one of the two another name`);
      this.names.add(full);
      return full;
    }
    for (;;) {
      const n = (this.autoCount.get(prefix + dflt) ?? 0) + 1;
      this.autoCount.set(prefix + dflt, n);
      const full = prefix + (n === 1 ? dflt : `${dflt}_${n}`);
      if (!this.names.has(full)) {
        this.names.add(full);
        return full;
      }
    }
  }

  addLayer<K extends OpKind>(
    ctx: Ctx,
    where: string,
    name: string,
    op: K,
    attrs: OpAttrs[K],
    inputs: TensorRef[],
  ): TensorRef[] {
    if (this.layers.length >= LIMITS.layers) {
      this.fail(ctx, where, `the model has more than ${fmtLimit(LIMITS.layers)} layers`, name);
    }
    let shapes: Shape[];
    try {
      shapes = inferShapes(
        op,
        attrs,
        inputs.map((t) => t.shape),
      );
    } catch (e) {
      if (e instanceof ShapeError) this.fail(ctx, where, `${e.message}`, name);
      throw e;
    }
    const outputs = shapes.map((s, i) => ({ name: shapes.length === 1 ? name : `${name}:${i}`, shape: s }));
    this.layers.push({
      name,
      op,
      attrs,
      path: ctx.path,
      inputs: inputs.map((t) => t.name),
      outputs: outputs.map((t) => t.name),
      inputShapes: inputs.map((t) => t.shape),
      outputShapes: shapes,
    } as Layer);
    return outputs;
  }

  /** Open a named group, or stay in the current one when the entry has no name. */
  enter(ctx: Ctx, where: string, name: string | undefined, kind: string, autoName?: string): Ctx {
    if (name === undefined && autoName === undefined) return ctx;
    const full = this.leafName(ctx, where, name, autoName ?? kind);
    this.groups.push({ name: full, kind });
    return { ...ctx, path: [...ctx.path, full] };
  }

  seq(ctx: Ctx, entries: Entry[], input: TensorRef, where: string): TensorRef {
    let x = input;
    entries.forEach((e, i) => {
      x = this.entry(ctx, e, x, `${where}[${i}]`);
    });
    return x;
  }

  entry(outer: Ctx, e: Entry, x: TensorRef, where: string): TensorRef {
    const ctx = { ...outer, depth: outer.depth + 1 };
    if (ctx.depth > LIMITS.nesting) this.fail(ctx, where, `entries nest deeper than ${LIMITS.nesting} levels`);
    if (++this.expanded > LIMITS.expansion) {
      this.fail(
        ctx,
        where,
        `the model expands to more than ${fmtLimit(LIMITS.expansion)} entries (repeats and blocks)`,
      );
    }
    if (e.when !== undefined) {
      if (!this.flag(ctx, where, 'when', e.when, true, '')) return x;
    }
    if (isSimpleEntry(e)) return this.addLayer(ctx, where, this.leafName(ctx, where, e.name, e.op), e.op, {}, [x])[0];
    switch (e.op) {
      case 'conv':
        return this.conv(ctx, e, x, where);
      case 'maxpool':
      case 'avgpool': {
        const name = this.leafName(ctx, where, e.name, e.op);
        const kernel = this.pair(ctx, where, 'kernel', e.kernel, 1, 1, name);
        const attrs = {
          kernel,
          stride: e.stride === undefined ? kernel : this.pair(ctx, where, 'stride', e.stride, 1, 1, name),
          padding: this.pair(ctx, where, 'padding', e.padding, 0, 0, name),
          ceilMode: e.ceilMode ?? false,
        };
        return this.addLayer(ctx, where, name, e.op, attrs, [x])[0];
      }
      case 'linear': {
        const name = this.leafName(ctx, where, e.name, 'fc');
        return this.addLayer(
          ctx,
          where,
          name,
          'linear',
          {
            outFeatures: this.num(ctx, where, 'out', e.out, {}, name),
            bias: this.flag(ctx, where, 'bias', e.bias, true, name),
          },
          [x],
        )[0];
      }
      case 'shuffle': {
        const name = this.leafName(ctx, where, e.name, 'shuffle');
        return this.addLayer(
          ctx,
          where,
          name,
          'shuffle',
          { groups: this.num(ctx, where, 'groups', e.groups, {}, name) },
          [x],
        )[0];
      }
      case 'seq':
        return this.seq(this.enter(ctx, where, e.name, 'seq'), e.layers, x, `${where}.layers`);
      case 'repeat': {
        const count = this.num(ctx, where, 'count', e.count, { min: 0, max: LIMITS.repeat });
        let y = x;
        for (let i = 0; i < count; i++) {
          const inner: Ctx = e.as ? { ...ctx, scope: { ...ctx.scope, [e.as]: i } } : ctx;
          y = this.seq(this.enter(inner, where, e.name, 'repeat'), e.layers, y, `${where}.layers`);
        }
        return y;
      }
      case 'parallel':
        return this.parallel(ctx, e, x, where);
      case 'block':
        return this.block(ctx, e, x, where);
    }
  }

  conv(ctx: Ctx, e: ConvEntry, x: TensorRef, where: string): TensorRef {
    const sugar = e.bn === true || e.act !== undefined;
    const inner = sugar ? this.enter(ctx, where, e.name, 'conv', 'conv') : ctx;
    const name = this.leafName(inner, where, sugar ? 'conv' : e.name, 'conv');
    const c = x.shape[1];
    if (x.shape.length !== 4) this.fail(ctx, where, `conv expects an NxCxHxW input, got [${x.shape.join(', ')}]`, name);
    const groups = e.depthwise ? c : e.groups === undefined ? 1 : this.num(ctx, where, 'groups', e.groups, {}, name);
    if (e.depthwise && e.groups !== undefined)
      this.fail(ctx, where, `give either 'depthwise: true' or 'groups', not both`, name);
    const out =
      e.out !== undefined
        ? this.num(ctx, where, 'out', e.out, {}, name)
        : e.depthwise
          ? c
          : this.fail(ctx, where, `conv needs 'out' (output channels)`, name);
    const kernel = this.pair(ctx, where, 'kernel', e.kernel, 1, 1, name);
    const attrs: OpAttrs['conv'] = {
      outChannels: out,
      kernel,
      stride: this.pair(ctx, where, 'stride', e.stride, 1, 1, name),
      padding: this.pair(ctx, where, 'padding', e.padding, 0, 0, name),
      dilation: this.pair(ctx, where, 'dilation', e.dilation, 1, 1, name),
      groups,
      bias: this.flag(ctx, where, 'bias', e.bias, false, name),
    };
    let y = this.addLayer(inner, where, name, 'conv', attrs, [x])[0];
    if (e.bn) y = this.addLayer(inner, where, this.leafName(inner, where, 'bn', 'bn'), 'bn', {}, [y])[0];
    if (e.act) y = this.addLayer(inner, where, this.leafName(inner, where, e.act, e.act), e.act, {}, [y])[0];
    return y;
  }

  parallel(ctx: Ctx, e: Extract<Entry, { op: 'parallel' }>, x: TensorRef, where: string): TensorRef {
    const inner = this.enter(ctx, where, e.name, 'parallel');
    let inputs: TensorRef[] = e.branches.map(() => x);
    if (e.split !== undefined && e.split !== false) {
      const n = e.branches.length;
      let sizes: number[];
      if (e.split === true) {
        if (x.shape[1] % n !== 0)
          this.fail(
            ctx,
            `${where}.split`,
            `${x.shape[1]} channels do not split into ${n} equal parts; give the sizes as a list`,
          );
        sizes = e.branches.map(() => x.shape[1] / n);
      } else {
        if (e.split.length !== n)
          this.fail(ctx, `${where}.split`, `${e.split.length} sizes for ${n} branches; give one size per branch`);
        sizes = e.split.map((s, i) => this.num(ctx, where, `split[${i}]`, s));
      }
      const name = this.leafName(inner, where, undefined, 'split');
      inputs = this.addLayer(inner, where, name, 'split', { sizes }, [x]);
    }
    const outs = e.branches.map((b, i) => {
      const bw = `${where}.branches[${i}]`;
      const bctx = this.enter(inner, bw, b.name, 'branch');
      return this.seq(bctx, b.layers, inputs[i], `${bw}.layers`);
    });
    const name = this.leafName(inner, where, undefined, e.join);
    return this.addLayer(inner, where, name, e.join, {}, outs)[0];
  }

  block(ctx: Ctx, e: Extract<Entry, { op: 'block' }>, x: TensorRef, where: string): TensorRef {
    const blocks = this.model.spec.blocks ?? {};
    const def: BlockDef | undefined = Object.hasOwn(blocks, e.use) ? blocks[e.use] : undefined;
    if (!def) {
      const known = Object.keys(blocks);
      this.fail(
        ctx,
        `${where}.use`,
        `unknown block '${e.use}'; define it under 'blocks:'` +
          (known.length ? ` or use one of: ${known.join(', ')}` : ''),
      );
    }
    if (ctx.blocks.includes(e.use))
      this.fail(
        ctx,
        `${where}.use`,
        `block '${e.use}' uses itself (${[...ctx.blocks, e.use].join(' -> ')}); blocks cannot recurse`,
      );
    const params = def.params ?? {};
    const scope: Record<string, number> = {
      ...this.model.vars,
      inC: x.shape[1],
      inH: x.shape[2] ?? 1,
      inW: x.shape[3] ?? 1,
    };
    for (const [k, v] of Object.entries(params)) if (v !== null) scope[k] = v;
    for (const [k, v] of Object.entries(e.args ?? {})) {
      if (!Object.hasOwn(params, k))
        this.fail(
          ctx,
          `${where}.args.${k}`,
          `block '${e.use}' has no parameter '${k}' (its parameters: ${Object.keys(params).join(', ') || 'none'})`,
        );
      scope[k] = this.num(ctx, where, `args.${k}`, v, { int: false });
    }
    for (const [k, v] of Object.entries(params)) {
      if (v === null && !Object.hasOwn(scope, k))
        this.fail(ctx, `${where}.args`, `block '${e.use}' needs the argument '${k}'`);
    }
    const inner = this.enter(ctx, where, e.name, e.use);
    return this.seq({ ...inner, scope, blocks: [...ctx.blocks, e.use] }, def.layers, x, `blocks.${e.use}.layers`);
  }
}

/** Build the original-view graph of one model. Throws SpecError naming the file, the spec path and the layer. */
export function buildGraph(model: ModelSpec): Graph {
  const b = new Builder(model);
  const input = { name: 'input', shape: [...model.input] };
  const ctx: Ctx = {
    model,
    scope: { ...model.vars, N: model.input[0], inC: model.input[1], inH: model.input[2], inW: model.input[3] },
    path: [],
    blocks: [],
    depth: 0,
  };
  const out = b.seq(ctx, model.spec.layers, input, 'layers');
  if (b.layers.length === 0)
    throw new SpecError(`${model.file}: model '${model.name}' has no layers once 'when' conditions are applied`);
  const used = new Set(b.layers.flatMap((l) => l.path));
  return {
    model: model.name,
    file: model.file,
    view: 'original',
    input,
    output: { name: out.name, shape: out.shape },
    layers: b.layers,
    groups: b.groups.filter((g) => used.has(g.name)),
  };
}
