/**
 * The file each import decoded, which the engine plans from without decoding it again
 * (engine/graph.ts). Kept beside the import's result, not on it, and in a module the library's
 * entry types do not reach: they stay free of onnx-proto's, whose declarations need a `Long` type a
 * user's project may not have (test/e2e/user-project.test.ts).
 */
import type { ModelProto } from './proto.ts';

/** keyed by the import's result (an object; its type lives in import.ts, which imports this module) */
const DECODED = new WeakMap<object, ModelProto>();

export function keepDecoded(r: object, m: ModelProto): void {
  DECODED.set(r, m);
}

export function decodedModel(r: object): ModelProto {
  const m = DECODED.get(r);
  if (!m) throw new Error('netcost: a model import importOnnx did not make');
  return m;
}
