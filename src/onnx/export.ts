/**
 * Graph -> ONNX bytes (opset 17): the ModelProto is built in model-proto.ts, which keeps
 * onnx-proto's types out of the library's public declarations.
 */
import type { Graph } from '../graph/types.ts';
import type { ExportOptions } from './export-options.ts';
import { encodeModel, toModelProto } from './model-proto.ts';

export type { ExportOptions } from './export-options.ts';

/** Graph -> ONNX bytes. */
export function exportOnnx(g: Graph, opts: ExportOptions = {}): Uint8Array {
  return encodeModel(toModelProto(g, opts));
}
