/**
 * Params as an imported file stores them. Each layer's row keeps the params it uses; the model's
 * total counts each stored tensor once, however many layers read it: torch's exporter writes one
 * initializer for equal constants and aliases it with Identity nodes, and a tied weight is read by
 * two layers. Where the two differ, the report says by how much and which tensors are shared.
 */
import { bytesOf, type ElemType } from '../graph/dtype.ts';
import type { Layer } from '../graph/types.ts';

export interface SharedTensor {
  /** the stored tensor's name in the file */
  tensor: string;
  elements: number;
  /** how many times layers read it as params */
  uses: number;
  /** the first layers that read it */
  layers: string[];
}

export interface StoredParams {
  /** params as stored: each stored tensor once */
  stored: number;
  /** the layers' own params summed */
  layers: number;
  /** bytes of the stored params, at their stored element types */
  bytes: number;
  /** stored tensors read as params more than once, most elements first */
  shared: SharedTensor[];
}

const SHOWN_LAYERS = 3;

export function storedParams(layers: Layer[], costs: { params: number }[]): StoredParams {
  const tensors = new Map<string, { elements: number; type: ElemType; uses: number; layers: string[] }>();
  let direct = 0;
  let layersTotal = 0;
  for (const [i, l] of layers.entries()) {
    const params = costs[i].params;
    layersTotal += params;
    const refs = (l.weights ?? []).filter((w) => w.param);
    if (refs.length === 0) {
      // params from a user rule or a spec: no stored tensor to tell them by
      direct += params;
      continue;
    }
    for (const w of refs) {
      for (const s of w.sources) {
        const t = tensors.get(s.key) ?? { elements: s.elements, type: w.storedType, uses: 0, layers: [] };
        t.uses += 1;
        if (t.layers.length < SHOWN_LAYERS && !t.layers.includes(l.name)) t.layers.push(l.name);
        tensors.set(s.key, t);
      }
    }
  }
  let stored = direct;
  let bytes = bytesOf(direct, 'fp32');
  for (const t of tensors.values()) {
    stored += t.elements;
    bytes += bytesOf(t.elements, t.type);
  }
  const shared = [...tensors]
    .filter(([, t]) => t.uses > 1)
    .map(([tensor, t]) => ({ tensor, elements: t.elements, uses: t.uses, layers: t.layers }))
    .sort((a, b) => b.elements * (b.uses - 1) - a.elements * (a.uses - 1));
  return { stored, layers: layersTotal, bytes, shared };
}
