/**
 * onnxruntime's layout optimisation (level 3) on x86: convolutions and pooling move to its blocked
 * channel layout (NCHWc, channels in blocks of 8 with AVX2, 16 with AVX-512), with ReorderInput and
 * ReorderOutput kernels where blocked and plain tensors meet. Element-wise Add, Mul, Concat,
 * Relu, Sigmoid, Tanh, HardSigmoid, QuickGelu and Gelu run on blocked tensors when all their inputs
 * are blocked; an Add can fold into the convolution that feeds it (a residual), and Relu, Sigmoid,
 * Tanh or HardSwish into its convolution. The rules follow onnxruntime's NchwcTransformer
 * (onnxruntime/core/optimizer/nchwc_transformer.cc) and what onnxruntime 1.30 was seen to do.
 */
import { Edges, type ENode, type EngineGraph, intAttr, intsAttr, isConstant, strAttr } from '../graph.ts';
import { NCHWC } from '../kernel.ts';

/**
 * Channel counts a blocked convolution pads to whole blocks go in steps of this many (observed on
 * onnxruntime 1.30: a dense convolution of 36 input channels runs blocked with blocks of 8, one of
 * 50 does not; likewise a depthwise one of 60 and of 50 channels).
 */
const CHANNEL_STEP = 4;

/** Element-wise functions that run on blocked tensors (with com.microsoft's QuickGelu and Gelu). */
const BLOCKED_ACTIVATIONS = new Set(['Relu', 'Sigmoid', 'Tanh', 'HardSigmoid']);
/** Those a blocked convolution takes as its activation. */
const FUSED_ACTIVATIONS = new Set(['Relu', 'Sigmoid', 'Tanh', 'HardSigmoid']);

/** A blocked tensor standing for an original one. */
interface Blocked {
  /** the node writing the blocked tensor */
  node: ENode;
  tensor: string;
  /** readers of the original tensor when it became blocked (+1 for a graph output) */
  startingUses: number;
  /** readers still wanting the plain tensor */
  remaining: number;
  channels: number;
}

class Nchwc {
  readonly blocked = new Map<string, Blocked>();
  readonly reordered = new Map<string, string>();
  readonly removed = new Set<ENode>();
  readonly added: { after: ENode | undefined; node: ENode }[] = [];
  constructor(
    readonly g: EngineGraph,
    readonly e: Edges,
    readonly block: number,
  ) {}

  shape = (t: string) => this.g.tensors.get(t)?.shape;

  /** the plain tensor's readers: nodes, and the graph output */
  uses = (t: string) => this.e.uses(t);

  /** Make `out` (an original tensor) the blocked output of `node`. */
  createBlocked(original: ENode, node: ENode, out: string, channels: number): void {
    if (original.uncertain) node.uncertain = true;
    const tensor = `${out}#nchwc`;
    node.outputs = [tensor, ...node.outputs.slice(1)];
    this.g.tensors.set(tensor, {
      ...(this.g.tensors.get(out) ?? { type: 'fp32', constant: false }),
      blockedChannels: channels,
    });
    const uses = this.uses(out);
    this.blocked.set(out, { node, tensor, startingUses: uses, remaining: uses, channels });
  }

  /** `out`, written by a node that is being removed, is the same blocked tensor as `b` (a fusion). */
  fuseBlocked(out: string, b: Blocked): void {
    const uses = this.uses(out);
    this.blocked.set(out, {
      node: b.node,
      tensor: b.tensor,
      startingUses: uses,
      remaining: uses,
      channels: b.channels,
    });
  }

  /** The blocked form of input `t` of `at`: an existing one (its plain use counted off), or a ReorderInput. */
  blockedInput(at: ENode, t: string): string {
    const b = this.blocked.get(t);
    if (b) {
      b.remaining--;
      return b.tensor;
    }
    const known = this.reordered.get(t);
    if (known) return known;
    const tensor = `${t}#reorder`;
    this.reordered.set(t, tensor);
    this.g.tensors.set(tensor, { ...(this.g.tensors.get(t) ?? { type: 'fp32', constant: false }) });
    this.add(at, {
      name: `ReorderInput@${t}`,
      op: 'ReorderInput',
      domain: NCHWC,
      inputs: [t],
      outputs: [tensor],
      attrs: new Map(),
      covers: [],
    });
    return tensor;
  }

  /** Add a node right before `before` (in graph order). */
  add(before: ENode | undefined, node: ENode): void {
    this.added.push({ after: before, node });
  }

  replace(old: ENode, node: ENode): void {
    this.removed.add(old);
    this.add(old, node);
  }

  conv(n: ENode): void {
    const w = this.g.tensors.get(n.inputs[1]);
    if (!isConstant(this.g, n.inputs[1]) || w?.type !== 'fp32' || w.shape?.length !== 4) return;
    const [out, inPerGroup] = w.shape;
    const group = intAttr(n, 'group', 1);
    let reorderInput = true;
    if (group > 1) {
      // a depthwise convolution's channels are padded to whole blocks (in steps of CHANNEL_STEP); a
      // grouped one needs whole blocks of channels per group
      const depthwise = inPerGroup === 1 && out === group;
      if (depthwise ? out % CHANNEL_STEP !== 0 : inPerGroup % this.block !== 0 || (out / group) % this.block !== 0)
        return;
    } else if (inPerGroup < this.block) {
      reorderInput = false; // reads the plain input directly
    } else if (inPerGroup % CHANNEL_STEP !== 0) return;
    const b = n.inputs[2];
    if (b && (!isConstant(this.g, b) || this.shape(b)?.length !== 1 || this.shape(b)?.[0] !== out)) return;
    const original = n.outputs[0];
    const attrs = new Map(n.attrs);
    const node: ENode = { ...n, name: `${original}_nchwc`, op: 'Conv', domain: NCHWC, inputs: [...n.inputs], attrs };
    if (reorderInput) node.inputs[0] = this.blockedInput(n, n.inputs[0]);
    this.replace(n, node);
    this.createBlocked(n, node, original, out);
    node.originalOutput = original;
  }

  pool(n: ENode): void {
    if (n.outputs.length > 1) return;
    const x = this.g.tensors.get(n.inputs[0]);
    if (x?.type !== 'fp32' || x.shape?.length !== 4 || x.shape[1] % this.block !== 0) return;
    const original = n.outputs[0];
    const node: ENode = {
      ...n,
      name: `${original}_nchwc`,
      domain: NCHWC,
      inputs: [...n.inputs],
      attrs: new Map(n.attrs),
    };
    node.inputs[0] = this.blockedInput(n, n.inputs[0]);
    this.replace(n, node);
    this.createBlocked(n, node, original, x.shape[1]);
    node.originalOutput = original;
  }

  binary(n: ENode, add: boolean): void {
    const ins = n.inputs.map((t) => this.blocked.get(t));
    if (!add && this.scale(n)) return;
    if (ins.some((b) => !b)) return;
    const bs = ins as Blocked[];
    if (bs.some((b) => b.channels !== bs[0].channels)) return;
    const s0 = this.shape(n.inputs[0])?.join();
    if (!n.inputs.every((t) => this.shape(t)?.join() === s0)) return; // broadcasting: left plain here
    n.inputs = bs.map((b) => {
      b.remaining--;
      return b.tensor;
    });
    if (add && n.inputs.length === 2) {
      for (const k of [0, 1]) {
        const conv = bs[k].node;
        const free = conv.inputs.length < 4 && bs[k].startingUses === 1 && !conv.attrs.has('activation');
        if (conv.op === 'Conv' && conv.domain === NCHWC && free) {
          // the other input becomes the convolution's accumulator (its fourth input; the bias may be empty)
          conv.inputs = [conv.inputs[0], conv.inputs[1], conv.inputs[2] ?? '', bs[k ^ 1].tensor];
          conv.covers = [...conv.covers, ...n.covers];
          // a sum of what a rule placed unsure of is unsure too: which side fuses follows from it
          if (n.uncertain || bs[k ^ 1].node.uncertain) conv.uncertain = true;
          this.fuseBlocked(n.outputs[0], bs[k]);
          this.removed.add(n);
          return;
        }
      }
    }
    this.createBlocked(n, n, n.outputs[0], bs[0].channels);
  }

  /**
   * A Mul of a blocked tensor by a constant per channel ([1, C, 1, 1] or [C, 1, 1], either side):
   * a depthwise 1x1 blocked convolution (`<output>_mul_nchwc`), as onnxruntime 1.30 writes it (the
   * transform of a BatchNormalization, applied to a scale).
   */
  scale(n: ENode): boolean {
    if (n.inputs.length !== 2) return false;
    const k = n.inputs.findIndex((t) => this.blocked.has(t));
    const b = this.blocked.get(n.inputs[k]);
    const c = n.inputs[k ^ 1];
    const s = this.shape(c);
    if (!b || !isConstant(this.g, c) || !s) return false;
    const perChannel =
      (s.length === 4 && s[0] === 1 && s[1] === b.channels && s[2] === 1 && s[3] === 1) ||
      (s.length === 3 && s[0] === b.channels && s[1] === 1 && s[2] === 1);
    if (!perChannel) return false;
    this.depthwise(n, b, 'mul');
    return true;
  }

  /** `n` (a BatchNormalization or a per-channel Mul of blocked `b`) as a blocked depthwise 1x1 convolution. */
  depthwise(n: ENode, b: Blocked, kind: 'bn' | 'mul'): void {
    const original = n.outputs[0];
    const node: ENode = {
      ...n,
      name: `${original}_${kind}_nchwc`,
      op: 'Conv',
      domain: NCHWC,
      inputs: [b.tensor],
      attrs: new Map(),
    };
    b.remaining--;
    this.replace(n, node);
    this.createBlocked(n, node, original, b.channels);
    node.originalOutput = original;
  }

  concat(n: ENode): void {
    if (intAttr(n, 'axis', 0) !== 1) return;
    const bs = n.inputs.map((t) => this.blocked.get(t));
    if (bs.some((b) => !b || b.channels % this.block !== 0)) return;
    n.inputs = (bs as Blocked[]).map((b) => {
      b.remaining--;
      return b.tensor;
    });
    this.createBlocked(
      n,
      n,
      n.outputs[0],
      (bs as Blocked[]).reduce((a, b) => a + b.channels, 0),
    );
  }

  /** A blocked convolution with no activation yet, whose blocked output `b` can take one. */
  private fusable(b: Blocked, uses: number): boolean {
    const conv = b.node;
    return conv.op === 'Conv' && conv.domain === NCHWC && b.startingUses === uses && !conv.attrs.has('activation');
  }

  /** An element-wise function on a blocked tensor: fused into the convolution that writes it, or run blocked. */
  activation(n: ENode): void {
    const b = this.blocked.get(n.inputs[0]);
    if (!b) return;
    if (n.op === 'HardSigmoid' && this.hardSwish(n, b)) return;
    n.inputs = [b.tensor];
    b.remaining--;
    const conv = b.node;
    if (FUSED_ACTIVATIONS.has(n.op) && n.domain === '' && this.fusable(b, 1)) {
      conv.attrs.set('activation', n.op);
      conv.covers = [...conv.covers, ...n.covers];
      if (n.uncertain) conv.uncertain = true;
      this.fuseBlocked(n.outputs[0], b);
      this.removed.add(n);
    } else this.createBlocked(n, n, n.outputs[0], b.channels);
  }

  /**
   * x · HardSigmoid(x) with alpha 1/6 and beta 1/2 (HardSwish, as its function body is inlined)
   * right after a blocked convolution that writes x for these two alone: the convolution's activation,
   * unless the product is a graph output (onnxruntime then runs the two blocked, unfused).
   */
  hardSwish(h: ENode, b: Blocked): boolean {
    const near = (k: string, v: number) => {
      const a = h.attrs.get(k);
      return Math.abs((typeof a === 'object' && 'f' in a ? a.f : k === 'alpha' ? 0.2 : 0.5) - v) < 1e-6;
    };
    const mul = this.e.sole(h.outputs[0]);
    const x = h.inputs[0];
    const ok = mul?.op === 'Mul' && mul.domain === '' && mul.inputs.includes(x) && mul.inputs.includes(h.outputs[0]);
    if (!ok || !near('alpha', 1 / 6) || !near('beta', 0.5) || !this.fusable(b, 2)) return false;
    if (this.g.outputs.has(mul.outputs[0])) return false;
    b.node.attrs.set('activation', 'HardSwish');
    b.node.covers = [...b.node.covers, ...h.covers, ...mul.covers];
    if (h.uncertain || mul.uncertain) b.node.uncertain = true;
    b.remaining -= 2;
    this.fuseBlocked(mul.outputs[0], b);
    this.removed.add(h);
    this.removed.add(mul);
    return true;
  }

  batchNorm(n: ENode): void {
    if (n.outputs.length > 1) return;
    const b = this.blocked.get(n.inputs[0]);
    if (!b || !n.inputs.slice(1).every((t) => isConstant(this.g, t) && this.shape(t)?.join() === String(b.channels)))
      return;
    this.depthwise(n, b, 'bn');
  }

  transpose(n: ENode): void {
    const b = this.blocked.get(n.inputs[0]);
    if (!b || intsAttr(n, 'perm')?.join() !== '0,2,3,1') return;
    b.remaining--;
    const attrs = new Map([['channels_last', 1] as [string, number]]);
    this.replace(n, {
      ...n,
      name: `ReorderOutput@${n.outputs[0]}`,
      op: 'ReorderOutput',
      domain: NCHWC,
      inputs: [b.tensor],
      attrs,
    });
  }

  /**
   * Resize or Upsample by whole factors of the spatial axes (from scales or sizes): nearest with
   * asymmetric coordinates and floor rounding, or linear with asymmetric, half_pixel or
   * align_corners coordinates.
   */
  resize(n: ENode): void {
    const b = this.blocked.get(n.inputs[0]);
    const x = this.shape(n.inputs[0]);
    const y = this.shape(n.outputs[0]);
    if (!b || !x || !y || x[0] !== y[0] || x[1] !== y[1] || !y.every((d, i) => d % x[i] === 0)) return;
    const mode = strAttr(n, 'mode', 'nearest');
    if (n.op === 'Resize') {
      const coords = strAttr(n, 'coordinate_transformation_mode', 'half_pixel');
      const nearest =
        mode === 'nearest' && coords === 'asymmetric' && strAttr(n, 'nearest_mode', 'round_prefer_floor') === 'floor';
      const linear = mode === 'linear' && ['asymmetric', 'half_pixel', 'align_corners'].includes(coords);
      if (!nearest && !linear) return;
    } else if (mode !== 'nearest') return;
    const original = n.outputs[0];
    const attrs = new Map([['mode', mode] as [string, string]]);
    const node: ENode = { ...n, name: `${original}_nchwc`, op: 'Upsample', domain: NCHWC, inputs: [b.tensor], attrs };
    b.remaining--;
    this.replace(n, node);
    this.createBlocked(n, node, original, b.channels);
    node.originalOutput = original;
  }

  /** A node all of whose computed inputs are blocked (or that reads only graph inputs and constants). */
  inputsBlocked(n: ENode): boolean {
    return n.inputs.length > 0 && n.inputs.every((t) => !t || !this.e.producer.has(t) || this.blocked.has(t));
  }

  transform(n: ENode): void {
    if (this.removed.has(n)) return;
    const fused = n.domain === 'com.microsoft' && n.op === 'FusedConv' && !(n.inputs.length > 3 && n.inputs[3]);
    if ((n.domain === '' && n.op === 'Conv') || fused) this.conv(n);
    else if (n.domain === '' && (n.op === 'MaxPool' || n.op === 'AveragePool')) this.pool(n);
    else if (!this.inputsBlocked(n)) return;
    else if (n.domain === 'com.microsoft' && (n.op === 'QuickGelu' || n.op === 'Gelu')) this.activation(n);
    else if (n.domain !== '') return;
    else if (n.op === 'Add' || n.op === 'Sum') this.binary(n, true);
    else if (n.op === 'Mul') this.binary(n, false);
    else if (n.op === 'Concat') this.concat(n);
    else if (BLOCKED_ACTIVATIONS.has(n.op)) this.activation(n);
    else if (n.op === 'BatchNormalization') this.batchNorm(n);
    else if (n.op === 'Transpose') this.transpose(n);
    else if (n.op === 'Resize' || n.op === 'Upsample') this.resize(n);
    else if (n.op === 'GlobalAveragePool' || n.op === 'GlobalMaxPool') this.pool(n);
  }

  finalize(): void {
    for (const [original, b] of this.blocked) {
      if (b.remaining <= 0) continue;
      const attrs = new Map([['channels', b.channels] as [string, number]]);
      this.add(undefined, {
        name: `ReorderOutput@${original}`,
        op: 'ReorderOutput',
        domain: NCHWC,
        inputs: [b.tensor],
        outputs: [original],
        attrs,
        covers: [],
      });
    }
    const before = new Map<ENode | undefined, ENode[]>();
    for (const a of this.added) before.set(a.after, [...(before.get(a.after) ?? []), a.node]);
    const nodes: ENode[] = [];
    for (const n of this.g.nodes) {
      nodes.push(...(before.get(n) ?? []));
      if (!this.removed.has(n)) nodes.push(n);
    }
    nodes.push(...(before.get(undefined) ?? []));
    this.g.nodes = nodes;
  }
}

/** NCHWc with channel blocks of `block` (0 or 1: the machine has no blocked layout). */
export function nchwc(g: EngineGraph, block: number): void {
  if (block <= 1) return;
  const t = new Nchwc(g, new Edges(g), block);
  for (const n of [...g.nodes]) t.transform(n);
  t.finalize();
}
