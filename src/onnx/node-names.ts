/**
 * One unique name per node, in file order: its own name, else its first output's, else
 * `<op>_<index>`. The importer names layers this way, and `withNodeNames` writes the same names
 * into a model before onnxruntime profiles it, so kernel times join layers by name.
 */
import { onnx } from './proto.ts';

/** What naming reads of a node (structurally onnx-proto's NodeProto, whose types stay private). */
interface NamedNode {
  name?: string | null;
  opType?: string | null;
  output?: string[] | null;
}

export function assignNodeNames(nodes: NamedNode[]): string[] {
  const seen = new Set<string>();
  return nodes.map((n, i) => {
    const base = (n.name || n.output?.find((o) => o) || `${n.opType}_${i}`).replace(/\s+/g, '_');
    let name = base;
    for (let k = 2; seen.has(name); k++) name = `${base}_${k}`;
    seen.add(name);
    return name;
  });
}

/** The model with every node named as the importer names it (for profiling). */
export function withNodeNames(bytes: Uint8Array): Uint8Array {
  const m = onnx.ModelProto.decode(bytes);
  const nodes = m.graph?.node ?? [];
  const names = assignNodeNames(nodes);
  for (const [i, n] of nodes.entries()) n.name = names[i];
  return onnx.ModelProto.encode(m).finish();
}
