/**
 * A model with its external data moved into the file: what onnxruntime is given (it resolves
 * external locations against the working folder when a model comes as bytes) and what an annotated
 * copy written into another folder must hold to stay whole.
 */
import { dirname } from 'node:path';
import onnxProto from 'onnx-proto';
import { UsageError } from '../errors.ts';
import { ShapeError } from '../ops/op.ts';
import { externalRef, isExternal, readExternal } from './external-data.ts';
import { type GraphProto, storedBytes, type TensorProto } from './proto.ts';

const { onnx } = onnxProto;
/** protobuf's limit on a message, less room for the graph itself */
const MAX_INLINE = 2 ** 31 - 2 ** 26;

function* tensorsOf(g: GraphProto): Generator<TensorProto> {
  yield* g.initializer ?? [];
  for (const n of g.node ?? [])
    for (const a of n.attribute ?? []) {
      if (a.t) yield a.t;
      yield* a.tensors ?? [];
      if (a.g) yield* tensorsOf(a.g);
      for (const sub of a.graphs ?? []) yield* tensorsOf(sub);
    }
}

/** Whether the bytes may hold external data (a cheap scan before a decode). */
export const mayHaveExternalData = (bytes: Uint8Array): boolean =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes('location');

/**
 * The bytes of the model file `file` with every external tensor's data read into raw_data, or the
 * bytes as they are when nothing is external. A file missing, outside the model's folder or short,
 * or a whole past 2 GiB, is a UsageError naming the file and the tensor.
 */
export function inlineExternalData(bytes: Uint8Array, file: string): Uint8Array {
  if (!mayHaveExternalData(bytes)) return bytes;
  try {
    return inlined(bytes, dirname(file));
  } catch (e) {
    if (e instanceof ShapeError) throw new UsageError(`${file}: ${e.message}`);
    throw e;
  }
}

function inlined(bytes: Uint8Array, folder: string): Uint8Array {
  const m = onnx.ModelProto.decode(bytes);
  let total = bytes.length;
  let moved = 0;
  for (const t of m.graph ? tensorsOf(m.graph) : []) {
    if (!isExternal(t)) continue;
    const name = t.name ? `'${t.name}' ` : '';
    const size = storedBytes(t);
    if (size === undefined)
      throw new ShapeError(`tensor ${name}has element type ${t.dataType}, which is no ONNX element type`);
    total += size;
    if (total > MAX_INLINE)
      throw new ShapeError(
        `its external data comes to more than ${MAX_INLINE} bytes, past what one ONNX file can hold; ` +
          'keep the model in its own folder',
      );
    t.rawData = readExternal(externalRef(t, folder, size, name));
    t.externalData = [];
    t.dataLocation = onnx.TensorProto.DataLocation.DEFAULT;
    moved++;
  }
  return moved ? onnx.ModelProto.encode(m).finish() : bytes;
}
