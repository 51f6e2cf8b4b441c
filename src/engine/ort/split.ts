/**
 * onnxruntime's GatherSliceToSplitFusion (level 2): when every reader of a tensor is a Gather of one
 * index or a Slice of one range, all along the same axis, and together they cut the axis into
 * contiguous parts covering it, one Split writes all the parts (a Gather's part then loses its axis
 * through a Squeeze).
 */
import { Edges, type ENode, type EngineGraph, intAttr } from '../graph.ts';
import { constantValues } from './constants.ts';

interface Part {
  node: ENode;
  start: number;
  end: number;
  axis: number;
  /** a Gather of a scalar index: its part is squeezed */
  squeeze: boolean;
}

function partOf(g: EngineGraph, n: ENode, dims: number[]): Part | undefined {
  const rank = dims.length;
  const norm = (a: number) => (a < 0 ? a + rank : a);
  if (n.domain !== '') return undefined;
  if (n.op === 'Gather') {
    const idx = constantValues(g, n.inputs[1]);
    const scalar = g.tensors.get(n.inputs[1])?.shape?.length === 0;
    if (idx?.length !== 1 || g.tensors.get(n.inputs[1])?.type !== 'int64') return undefined;
    const axis = norm(intAttr(n, 'axis', 0));
    const i = idx[0] < 0 ? idx[0] + dims[axis] : idx[0];
    return { node: n, start: i, end: i + 1, axis, squeeze: scalar };
  }
  if (n.op !== 'Slice' || n.inputs.length < 3) return undefined;
  const [starts, ends] = [constantValues(g, n.inputs[1]), constantValues(g, n.inputs[2])];
  const axes = n.inputs[3] ? constantValues(g, n.inputs[3]) : [0];
  const steps = n.inputs[4] ? constantValues(g, n.inputs[4]) : [1];
  if (starts?.length !== 1 || ends?.length !== 1 || axes?.length !== 1 || steps?.length !== 1 || steps[0] !== 1)
    return undefined;
  const axis = norm(axes[0]);
  const d = dims[axis];
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
  return { node: n, start: clamp(starts[0]), end: clamp(ends[0]), axis, squeeze: false };
}

export function gatherSliceToSplit(g: EngineGraph): void {
  // the edges hold until a fusion changes the graph (computing them for every node was quadratic)
  let edges: Edges | undefined;
  for (const producer of [...g.nodes]) {
    if (producer.outputs.length !== 1 || producer.op === 'Shape') continue;
    edges ??= new Edges(g);
    const e = edges;
    const t = producer.outputs[0];
    const dims = g.tensors.get(t)?.shape;
    const readers = e.consumers.get(t) ?? [];
    if (!dims || readers.length < 2) continue;
    const parts = readers.map((r) => partOf(g, r, dims));
    if (parts.some((p) => !p || p.axis !== parts[0]?.axis || p.end <= p.start)) continue;
    const sorted = (parts as Part[]).sort((a, b) => a.start - b.start);
    const contiguous = sorted.every((p, i) => p.start === (i === 0 ? 0 : sorted[i - 1].end));
    if (!contiguous || sorted[sorted.length - 1].end !== dims[sorted[0].axis]) continue;
    const last = readers.reduce((a, b) => (g.nodes.indexOf(a) > g.nodes.indexOf(b) ? a : b));
    const name = `${last.name}/GatherSliceToSplitFusion`;
    const outputs = sorted.map((p, i) => (p.squeeze ? `${name}#split${i}` : p.node.outputs[0]));
    const split: ENode = {
      name,
      op: 'Split',
      domain: '',
      inputs: [t],
      outputs,
      attrs: new Map([['axis', sorted[0].axis]]),
      covers: sorted.flatMap((p) => p.node.covers),
    };
    const squeezes: ENode[] = sorted.flatMap((p, i) => {
      if (!p.squeeze) return [];
      const shape = dims.map((d, k) => (k === p.axis ? 1 : d));
      g.tensors.set(outputs[i], { shape, type: g.tensors.get(t)?.type ?? 'fp32', constant: false });
      return [
        {
          name: `Squeeze${i}`,
          op: 'Squeeze',
          domain: '',
          inputs: [outputs[i]],
          outputs: p.node.outputs,
          attrs: new Map(),
          covers: [],
        },
      ];
    });
    const gone = new Set(readers);
    const at = g.nodes.indexOf(last);
    g.nodes.splice(at, 1, split, ...squeezes);
    g.nodes = g.nodes.filter((n) => !gone.has(n));
    edges = undefined;
  }
}
