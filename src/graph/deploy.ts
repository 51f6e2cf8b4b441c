/**
 * The deploy view: the graph as an inference engine runs it. A batch norm that directly follows a
 * convolution is folded into it (the conv gains a bias), and an activation that directly follows
 * the conv (or its folded BN) is fused into it. The fused layer takes the name of the group the
 * three came from (`stage2.unit1.branch2.pw1`), or the conv's name, and lists them in `fusedFrom`.
 * Intermediate tensors of a fused chain never reach memory, so their MAC disappears.
 */
import { isActivation } from '../ops/activation.ts';
import type { Graph, Layer, LayerOf } from './types.ts';

export function deployGraph(g: Graph): Graph {
  const consumers = new Map<string, number>();
  for (const l of g.layers) for (const t of l.inputs) consumers.set(t, (consumers.get(t) ?? 0) + 1);
  consumers.set(g.output.name, (consumers.get(g.output.name) ?? 0) + 1);
  const firstReader = new Map<string, Layer>();
  for (const l of g.layers) for (const t of l.inputs) if (!firstReader.has(t)) firstReader.set(t, l);
  /** the single layer reading tensor t, if exactly one reads it and it is not the graph output */
  const soleReader = (t: string): Layer | undefined =>
    consumers.get(t) === 1 && t !== g.output.name ? firstReader.get(t) : undefined;

  const groupKinds = new Map(g.groups.map((gr) => [gr.name, gr.kind]));
  /** layers directly in each group */
  const members = new Map<string, number>();
  for (const l of g.layers) {
    const inner = l.path.at(-1);
    if (inner !== undefined) members.set(inner, (members.get(inner) ?? 0) + 1);
  }
  const absorbed = new Set<string>();
  const rename = new Map<string, string>();
  const out: Layer[] = [];
  const fusedGroups = new Set<string>();

  for (const l of g.layers) {
    if (absorbed.has(l.name)) continue;
    if (l.op !== 'conv') {
      out.push(l);
      continue;
    }
    const chain: Layer[] = [l];
    let tail: Layer = l;
    const bn = soleReader(tail.outputs[0]);
    if (bn?.op === 'bn') {
      chain.push(bn);
      tail = bn;
    }
    const act = soleReader(tail.outputs[0]);
    if (act && isActivation(act.op)) {
      chain.push(act);
      tail = act;
    }
    if (chain.length === 1) {
      out.push(l);
      continue;
    }
    // a group of exactly this conv, BN and activation (a spec's `conv` with `bn` and `act`) names the fused layer
    const parent = l.path.at(-1);
    const sameGroup =
      parent !== undefined &&
      groupKinds.get(parent) === 'conv' &&
      members.get(parent) === chain.length &&
      chain.every((c) => c.path.at(-1) === parent);
    const name = sameGroup ? parent : l.name;
    if (sameGroup) fusedGroups.add(parent);
    const fused: LayerOf<'conv'> = {
      name,
      op: 'conv',
      attrs: {
        ...l.attrs,
        bias: l.attrs.bias || chain.some((c) => c.op === 'bn'),
        ...(chain.some((c) => c.op === 'bn') ? { foldedBn: true } : {}),
        ...(isActivation(tail.op) ? { act: tail.op } : {}),
      },
      path: sameGroup ? l.path.slice(0, -1) : l.path,
      inputs: l.inputs,
      outputs: [name],
      inputShapes: l.inputShapes,
      outputShapes: tail.outputShapes,
      fusedFrom: chain.map((c) => c.name),
    };
    for (const c of chain) absorbed.add(c.name);
    rename.set(tail.outputs[0], name);
    out.push(fused);
  }
  const r = (t: string) => rename.get(t) ?? t;
  const layers = out.map((l) => ({ ...l, inputs: l.inputs.map(r) }) as Layer);
  return {
    ...g,
    view: 'deploy',
    output: { name: r(g.output.name), shape: g.output.shape },
    layers,
    groups: g.groups.filter((gr) => !fusedGroups.has(gr.name)),
  };
}
