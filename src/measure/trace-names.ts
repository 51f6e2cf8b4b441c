/**
 * onnxruntime writes node names into its profiler trace without JSON escaping, so a node named
 * `a"b` (or with a backslash or a control character) makes the trace unreadable. A profiled model
 * therefore runs with such names, and the intermediate tensors a fused kernel may be named after,
 * replaced by aliases; the trace's names and the optimized graph onnxruntime writes get the real
 * names back, by substitution, so names onnxruntime derives (`<node>_nchwc`) come back too.
 */
import { onnx } from '../onnx/proto.ts';

/** Characters onnxruntime's trace writer does not escape. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what breaks the trace
const UNSAFE = /["\\\u0000-\u001f]/;
const ALIAS = /netcost_alias_(\d+)_/g;

export interface Aliased {
  bytes: Uint8Array;
  /** the real name of each alias, by number; empty when no name needed one */
  names: string[];
}

/** The model with every unsafe node name and intermediate tensor name aliased. */
export function aliasUnsafeNames(bytes: Uint8Array): Aliased {
  const m = onnx.ModelProto.decode(bytes);
  const g = m.graph;
  const nodes = g?.node ?? [];
  const kept = new Set([...(g?.input ?? []), ...(g?.output ?? [])].map((v) => v.name ?? ''));
  const needs = (s: string | null | undefined) => !!s && UNSAFE.test(s);
  if (!nodes.some((n) => needs(n.name) || (n.output ?? []).some((o) => needs(o) && !kept.has(o)))) {
    return { bytes, names: [] };
  }
  const names: string[] = [];
  const tensors = new Map<string, string>();
  const alias = (s: string) => {
    names.push(s);
    return `netcost_alias_${names.length - 1}_`;
  };
  for (const n of nodes) for (const o of n.output ?? []) if (needs(o) && !kept.has(o)) tensors.set(o, alias(o));
  const rename = (s: string) => tensors.get(s) ?? s;
  for (const n of nodes) {
    if (needs(n.name)) n.name = alias(n.name as string);
    n.input = (n.input ?? []).map(rename);
    n.output = (n.output ?? []).map(rename);
  }
  for (const v of g?.valueInfo ?? []) v.name = rename(v.name ?? '');
  return { bytes: onnx.ModelProto.encode(m).finish(), names };
}

/** A name with its aliases replaced by the real names. */
export function unalias(s: string, names: readonly string[]): string {
  return names.length ? s.replace(ALIAS, (a, k: string) => names[Number(k)] ?? a) : s;
}

/** onnxruntime's optimized graph with the real names back in its nodes, tensors and weights. */
export function unaliasGraph(bytes: Uint8Array, names: readonly string[]): Uint8Array {
  if (!names.length) return bytes;
  const m = onnx.ModelProto.decode(bytes);
  const g = m.graph;
  const back = (s: string) => unalias(s, names);
  for (const n of g?.node ?? []) {
    n.name = back(n.name ?? '');
    n.input = (n.input ?? []).map(back);
    n.output = (n.output ?? []).map(back);
  }
  for (const t of g?.initializer ?? []) t.name = back(t.name ?? '');
  for (const v of [...(g?.valueInfo ?? []), ...(g?.input ?? []), ...(g?.output ?? [])]) v.name = back(v.name ?? '');
  return onnx.ModelProto.encode(m).finish();
}
