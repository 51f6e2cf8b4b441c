/**
 * What stops a file from being costed, found in one pass over the whole model instead of one
 * error per run: every op (main graph and subgraphs) netcost has neither a rule nor a user rule
 * for, with a rules-file template for them that fits on one line (YAML's flow style).
 */
import { whyClause } from './not-read.ts';
import type { GraphProto, NodeProto } from './proto.ts';
import { readerFor } from './readers/index.ts';
import { type CostRules, ruleKey } from './rule-eval.ts';

export interface Ruleless {
  /** domain.op (the op alone in the default domain) */
  key: string;
  domain: string;
  op: string;
  /** nodes of that op */
  count: number;
}

const isDefault = (d: string) => d === '' || d === 'ai.onnx';

function* allNodes(g: GraphProto | null | undefined): Generator<NodeProto> {
  for (const n of g?.node ?? []) {
    yield n;
    for (const a of n.attribute ?? []) {
      if (a.g) yield* allNodes(a.g);
      for (const sub of a.graphs ?? []) yield* allNodes(sub);
    }
  }
}

/** The ops of a graph that no built-in reader and no user rule covers, most nodes first. */
export function rulelessOps(
  g: GraphProto | null | undefined,
  opsets: ReadonlyMap<string, number>,
  rules: CostRules | undefined,
  readsItself: (domain: string, op: string) => boolean,
): Ruleless[] {
  const found = new Map<string, Ruleless>();
  for (const n of allNodes(g)) {
    const [domain, op] = [n.domain ?? '', n.opType ?? ''];
    const key = ruleKey(domain, op);
    if (rules?.has(key) || readsItself(domain, op)) continue;
    const opset = opsets.get(isDefault(domain) ? '' : domain) ?? 1;
    // a reader that refuses the node at this opset is a rule (it names the opset it needs)
    if (readerFor(domain, op, opset)) continue;
    const r = found.get(key) ?? { key, domain: isDefault(domain) ? '' : domain, op, count: 0 };
    r.count++;
    found.set(key, r);
  }
  return [...found.values()].sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/** YAML-safe scalar: quoted when it is not a plain word. */
const plain = (s: string) => (/^[A-Za-z_][\w.-]*$/.test(s) ? s : JSON.stringify(s));

/** A rules file for the ops, in one line: each op's output shape kept as its first input's, counts to fill in. */
export const rulesTemplate = (ops: Ruleless[]): string => {
  const rule = (o: Ruleless) =>
    [`op: ${plain(o.op)}`, ...(o.domain ? [`domain: ${plain(o.domain)}`] : []), 'category: elementwise']
      .concat(['outputs: same', 'flops: "0"'])
      .join(', ');
  return `rules: [${ops.map((o) => `{${rule(o)}}`).join(', ')}]`;
};

/** Every tensor name some node reads, in the main graph or a subgraph (a subgraph may read the main graph's). */
export function tensorsRead(g: GraphProto | null | undefined): Set<string> {
  const read = new Set<string>();
  for (const n of allNodes(g)) for (const x of n.input ?? []) if (x) read.add(x);
  return read;
}

/** One clause naming the ops without a rule and how to give them one (empty when there are none). */
export function rulelessClause(ops: Ruleless[]): string {
  if (ops.length === 0) return '';
  const list = ops.map((o) => `${o.key} x${o.count}`).join(', ');
  return (
    `no cost rule for ${list}${whyClause(ops.map((o) => o.key))}; give them rules with --rules FILE (a template ` +
    `to fill in: ${rulesTemplate(ops)}; 'outputs: same' keeps the first input's shape)`
  );
}
