/**
 * The summaries users of torchinfo and fvcore read first: totals by operator and by category, and
 * the memory an inference needs (torchinfo's params size, forward-pass activation size, input
 * size and estimated total, plus the peak of live activations in execution order).
 */

import { bytesOf } from '../graph/dtype.ts';
import type { Graph, Layer } from '../graph/types.ts';
import { opDef } from '../ops/index.ts';
import { numel } from '../ops/op.ts';
import { type LayerCost, opName, type Totals } from './layer.ts';

export interface Breakdown extends Totals {
  /** an op (`conv`, `NonMaxSuppression (rule)`) or a category (`pointwise-conv`) */
  name: string;
  layers: number;
}

/** Totals of the layers grouped by a key, largest MAdds first (then MAC). */
export function breakdown(layers: LayerCost[], key: (l: LayerCost) => string): Breakdown[] {
  const out = new Map<string, Breakdown>();
  for (const l of layers) {
    const k = key(l);
    const b = out.get(k) ?? {
      name: k,
      layers: 0,
      params: 0,
      madds: 0,
      flops: 0,
      memoryAccess: 0,
      memoryAccessBytes: 0,
    };
    b.layers += 1;
    b.params += l.params;
    b.madds += l.madds;
    b.flops += l.flops;
    b.memoryAccess += l.memoryAccess;
    b.memoryAccessBytes += l.memoryAccessBytes;
    out.set(k, b);
  }
  return [...out.values()].sort((a, b) => b.madds - a.madds || b.memoryAccess - a.memoryAccess);
}

/** Memory of one inference, in bytes (at the report's dtype, or each tensor's own type for a file). */
export interface MemorySummary {
  /** the learnable parameters */
  paramsBytes: number;
  /** the graph input(s) */
  inputBytes: number;
  /** every layer output, as if all were kept (torchinfo's forward pass size) */
  activationBytes: number;
  /** the most activation memory alive at once: layers run in order, each tensor freed after its last reader */
  peakActivationBytes: number;
  /** the layer during which the peak is reached */
  peakAt: string;
  /** params + input + peak activations */
  totalBytes: number;
  /** a decoder step: the key-value cache its attention layers write for the next step (present keys and values) */
  cacheBytes?: number;
}

/** Bytes of the key-value cache attention layers write: their outputs after the first (present, or key and value). */
const cacheBytesOf = (g: Graph, bpe: number | undefined): number =>
  g.layers
    .filter((l) => l.op === 'attention')
    .reduce(
      (a, l) => a + [1, 2].filter((k) => k < l.outputs.length).reduce((s, k) => s + outputBytes(l, k, bpe), 0),
      0,
    );

/** Bytes of output k of a layer: at its own type (a file), else at the report's bytes per element. */
const outputBytes = (l: Layer, k: number, bpe: number | undefined): number =>
  l.types?.outputs[k] !== undefined
    ? bytesOf(numel(l.outputShapes[k]), l.types.outputs[k])
    : numel(l.outputShapes[k]) * (bpe ?? 4);

export function memorySummary(
  g: Graph,
  params: number,
  bytesPerElement: number | undefined,
  paramsBytes?: number,
): MemorySummary {
  // a view (reshape, flatten) allocates nothing: its output is its input under another name
  const root = new Map<string, string>();
  const rootOf = (t: string) => root.get(t) ?? t;
  const inputType = g.input.type;
  const inputBytes =
    inputType !== undefined ? bytesOf(numel(g.input.shape), inputType) : numel(g.input.shape) * (bytesPerElement ?? 4);
  const size = new Map<string, number>([[g.input.name, inputBytes]]);
  const lastRead = new Map<string, number>();
  let activations = 0;
  g.layers.forEach((l, i) => {
    for (const t of l.inputs) lastRead.set(rootOf(t), i);
    const view = opDef(l.op).view === true && l.inputs.length === 1;
    for (const [k, t] of l.outputs.entries()) {
      if (view) root.set(t, rootOf(l.inputs[0]));
      else {
        const b = outputBytes(l, k, bytesPerElement);
        size.set(t, b);
        activations += b;
      }
    }
  });
  lastRead.set(rootOf(g.output.name), g.layers.length); // the result outlives every layer
  // each tensor is freed after its last reader, or right after the layer that made it if none reads it
  const freedAfter = (t: string, made: number) => lastRead.get(t) ?? made;
  const freeAt = new Map<number, string[]>();
  const free = (t: string, made: number) => {
    const at = freedAfter(t, made);
    const list = freeAt.get(at);
    if (list) list.push(t);
    else freeAt.set(at, [t]);
  };
  free(g.input.name, 0);
  let current = size.get(g.input.name) ?? 0;
  let peak = current;
  let peakAt = g.layers[0]?.name ?? '';
  g.layers.forEach((l, i) => {
    for (const t of l.outputs) {
      if (!size.has(t)) continue; // a view: its root is already alive
      current += size.get(t) ?? 0;
      free(t, i);
    }
    if (current > peak) {
      peak = current;
      peakAt = l.name;
    }
    for (const t of freeAt.get(i) ?? []) current -= size.get(t) ?? 0;
  });
  const pBytes = paramsBytes ?? params * (bytesPerElement ?? 4);
  const cacheBytes = cacheBytesOf(g, bytesPerElement);
  return {
    ...(cacheBytes > 0 ? { cacheBytes } : {}),
    paramsBytes: pBytes,
    inputBytes,
    activationBytes: activations,
    peakActivationBytes: peak,
    peakAt,
    totalBytes: pBytes + inputBytes + peak,
  };
}

export interface Summary {
  byOp: Breakdown[];
  byCategory: Breakdown[];
  memory: MemorySummary;
}

export function summary(
  g: Graph,
  layers: LayerCost[],
  params: number,
  bytesPerElement: number | undefined,
  paramsBytes?: number,
): Summary {
  return {
    byOp: breakdown(layers, opName),
    byCategory: breakdown(layers, (l) => l.category),
    memory: memorySummary(g, params, bytesPerElement, paramsBytes),
  };
}
