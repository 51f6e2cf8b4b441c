/**
 * Execution order of a graph's nodes: Kahn's algorithm, linear in nodes plus edges, keeping file
 * order among ready nodes (exporters usually write a valid order already). A tensor no node
 * produces and no input or initializer provides, and a cycle, are errors naming the nodes.
 */
import type { NodeProto } from './proto.ts';

export function topologicalOrder(
  nodes: NodeProto[],
  names: string[],
  known: (tensor: string) => boolean,
  fail: (message: string) => never,
  /** a node's inputs, explicit and implicit (the outer tensors its subgraphs read) */
  inputsOf: (n: NodeProto) => string[] = (n) => n.input ?? [],
): number[] {
  const producer = new Map<string, number>();
  for (const [i, n] of nodes.entries()) {
    for (const o of n.output ?? []) {
      if (!o) continue;
      const other = producer.get(o);
      if (other !== undefined || known(o)) {
        const by =
          other !== undefined
            ? `node '${names[other]}' and node '${names[i]}'`
            : `node '${names[i]}', and it is an input or initializer`;
        fail(`tensor '${o}' is produced twice (by ${by}); every tensor of an ONNX graph has one producer`);
      }
      producer.set(o, i);
    }
  }
  const waitingOn = new Array<number>(nodes.length).fill(0);
  const readers = new Map<number, number[]>();
  for (const [i, n] of nodes.entries()) {
    for (const x of new Set(inputsOf(n))) {
      if (!x || known(x)) continue;
      const p = producer.get(x);
      if (p === undefined) {
        fail(
          `node '${names[i]}' (${n.opType}) reads '${x}', which is neither a graph input, an initializer ` +
            "nor any node's output (a missing initializer?)",
        );
      }
      waitingOn[i]++;
      const list = readers.get(p);
      if (list) list.push(i);
      else readers.set(p, [i]);
    }
  }
  // a min-heap of ready node indexes keeps file order among them
  const ready: number[] = [];
  const push = (v: number) => {
    ready.push(v);
    for (let c = ready.length - 1; c > 0; ) {
      const p = (c - 1) >> 1;
      if (ready[p] <= ready[c]) break;
      [ready[p], ready[c]] = [ready[c], ready[p]];
      c = p;
    }
  };
  const pop = () => {
    const top = ready[0];
    const last = ready.pop() as number;
    if (ready.length) {
      ready[0] = last;
      for (let p = 0; ; ) {
        const l = 2 * p + 1;
        const r = l + 1;
        let m = p;
        if (l < ready.length && ready[l] < ready[m]) m = l;
        if (r < ready.length && ready[r] < ready[m]) m = r;
        if (m === p) break;
        [ready[p], ready[m]] = [ready[m], ready[p]];
        p = m;
      }
    }
    return top;
  };
  for (let i = 0; i < nodes.length; i++) if (waitingOn[i] === 0) push(i);
  const order: number[] = [];
  while (ready.length) {
    const i = pop();
    order.push(i);
    for (const r of readers.get(i) ?? []) if (--waitingOn[r] === 0) push(r);
  }
  if (order.length < nodes.length) {
    const cycle = cycleAmong(nodes, (i) => waitingOn[i] > 0, producer, inputsOf);
    const shown = cycle.slice(0, 6).map((i) => `'${names[i]}'`);
    const loop = cycle.length > 6 ? `${shown.join(' -> ')} -> ...` : [...shown, shown[0]].join(' -> ');
    fail(`nodes ${loop} form a cycle; an ONNX graph must be acyclic`);
  }
  return order;
}

/**
 * One cycle among the nodes Kahn's algorithm left waiting, in the order data flows through it: from
 * a waiting node, step to a waiting producer of one of its inputs (one exists, or it would not wait)
 * until a node comes round again. The waiting nodes downstream of the cycle are not in it.
 */
function cycleAmong(
  nodes: NodeProto[],
  waiting: (i: number) => boolean,
  producer: Map<string, number>,
  inputsOf: (n: NodeProto) => string[],
): number[] {
  const seenAt = new Map<number, number>();
  const path: number[] = [];
  let i = nodes.findIndex((_, k) => waiting(k));
  while (!seenAt.has(i)) {
    seenAt.set(i, path.length);
    path.push(i);
    const next = inputsOf(nodes[i])
      .map((x) => producer.get(x))
      .find((p) => p !== undefined && waiting(p));
    if (next === undefined) return path.reverse();
    i = next;
  }
  // the walk went against the data: the cycle is the path from the node that came round, reversed
  return path.slice(seenAt.get(i)).reverse();
}
