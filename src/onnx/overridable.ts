/**
 * Initializers a caller may override. From IR version 4 on, an initializer that is also named among
 * the graph's inputs is only a default (the ONNX IR spec), so a runtime folds nothing through it and
 * pre-packs nothing that reads it: onnxruntime folds no BatchNormalization into such a Conv and runs
 * no blocked (NCHWc) convolution on its weights. Older exporters wrote files like this (torch's
 * `keep_initializers_as_inputs`). Before IR version 4 every initializer had to be listed as an
 * input, and all are constants.
 */
import { long, type ModelProto } from './proto.ts';

export function overridableInitializers(m: ModelProto): Set<string> {
  if (long(m.irVersion ?? 0) < 4) return new Set();
  const initializers = new Set((m.graph?.initializer ?? []).map((t) => t.name ?? ''));
  return new Set((m.graph?.input ?? []).map((i) => i.name ?? '').filter((x) => initializers.has(x)));
}

/** The note a report carries for such a file, or none. */
export function overridableNote(m: ModelProto): string | undefined {
  const n = overridableInitializers(m).size;
  if (n === 0) return undefined;
  return (
    `${n} initializer${n === 1 ? ' is' : 's are'} also named among the graph's inputs (IR version ` +
    `${long(m.irVersion ?? 0)}): a runtime treats them as values a caller may override, so it folds no ` +
    'batch norm and pre-packs no weights through them; remove them from the graph inputs to run the faster graph'
  );
}
