/**
 * The naming protocol between netcost's graphs, the ONNX files it writes and reads, and
 * onnxruntime's profiler: one layer may become several ONNX nodes and tensors. The node that does
 * the layer's work is named after the layer; every helper node and tensor it adds is named
 * `<layer>#<role>`, so any of those names leads back to its layer by cutting at the `#`.
 *
 * Export writes the names (op modules call `helperName`), import recognises them to lift netcost's
 * own exports back into their layers (`roleOf`), and the profiler credits a kernel named after a
 * helper node to its layer (`ownerOf`).
 */
const SEP = '#';

/** The roles of helper nodes and tensors. */
export const ROLE = {
  /** channel shuffle: Reshape to 5-D, its target shape, its output */
  shuffleSplit: 'split',
  shuffleShape5: 'shape5',
  shuffleTensor5: '5d',
  /** channel shuffle: the Transpose's output, and the Reshape back to 4-D with its target shape */
  shuffleTransposed: 't',
  shuffleMerge: 'merge',
  shuffleShape4: 'shape4',
  /** a conv's output before its fused activation (the activation node is `<layer>#<activation>`) */
  convOutput: 'conv',
  /** constant inputs a node needs: Clip's bounds, Pad's pads, Reshape's target, Split's sizes... */
  clipMin: 'min',
  clipMax: 'max',
  pads: 'pads',
  shape: 'shape',
  sizes: 'sizes',
  starts: 'starts',
  ends: 'ends',
  axes: 'axes',
  steps: 'steps',
  roi: 'roi',
  scales: 'scales',
} as const;

/** `<layer>#<role>`: a helper node or tensor of a layer. */
export const helperName = (layer: string, role: string): string => `${layer}${SEP}${role}`;

/** The layer a node or tensor name belongs to: the name up to its first `#`. */
export function ownerOf(name: string): string {
  const at = name.indexOf(SEP);
  return at < 0 ? name : name.slice(0, at);
}

/** The helper role of a name (`stage2.shuffle#merge` -> `merge`), undefined for a layer's own name. */
export function roleOf(name: string): string | undefined {
  const at = name.indexOf(SEP);
  return at < 0 ? undefined : name.slice(at + 1);
}
