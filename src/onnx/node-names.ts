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

/**
 * The model as netcost runs it: every node named as the importer names it (so profiled kernels join
 * layers), and the inputs' symbolic dimensions fixed to the shapes they are bound to (so the engine
 * optimises, and folds shape arithmetic, for the shapes netcost costs).
 */
export function withNodeNames(bytes: Uint8Array, inputs: { name: string; shape: number[] }[] = []): Uint8Array {
  const m = onnx.ModelProto.decode(bytes);
  const nodes = m.graph?.node ?? [];
  const names = assignNodeNames(nodes);
  for (const [i, n] of nodes.entries()) n.name = names[i];
  const shapes = new Map(inputs.map((i) => [i.name, i.shape]));
  for (const v of m.graph?.input ?? []) {
    const shape = shapes.get(v.name ?? '');
    const dims = v.type?.tensorType?.shape?.dim;
    if (shape && dims && dims.length === shape.length) {
      for (const [k, d] of dims.entries()) {
        d.dimValue = shape[k];
        d.dimParam = undefined;
      }
    }
  }
  return onnx.ModelProto.encode(m).finish();
}
