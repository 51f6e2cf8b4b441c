/**
 * Tensors whose bytes live in a file beside the model (ONNX external data). A tensor's entry names
 * the file (`location`, relative to the model's folder), where its bytes start (`offset`) and how
 * many there are (`length`). Before a single param is counted the file must exist, stay inside the
 * model's folder wherever links lead, be a regular file (never a FIFO that would block a read) and
 * hold the bytes the tensor's dims declare. Values are read only when asked for.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import onnxProto from 'onnx-proto';
import { ShapeError } from '../ops/op.ts';
import { isWithin } from '../util/fs.ts';

type TensorProto = onnxProto.onnx.ITensorProto;
const { onnx } = onnxProto;

/** Where an external tensor's bytes are: a regular file inside the model's folder, checked. */
export interface ExternalRef {
  path: string;
  offset: number;
  length: number;
}

/** Whether a tensor keeps its bytes outside the model file. */
export const isExternal = (t: TensorProto): boolean =>
  t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (t.externalData?.length ?? 0) > 0;

const wholeNumber = (v: string | undefined): number | undefined =>
  v === undefined ? undefined : /^\d{1,15}$/.test(v) ? Number(v) : Number.NaN;

/**
 * The checked place of an external tensor's `bytes` bytes; `folder` is the model's folder
 * (undefined when the model came as bytes without a file). `name` is the tensor's name, quoted.
 */
export function externalRef(t: TensorProto, folder: string | undefined, bytes: number, name: string): ExternalRef {
  const entries = new Map<string, string>();
  for (const e of t.externalData ?? []) entries.set(e.key ?? '', e.value ?? '');
  const location = entries.get('location');
  const where = `tensor ${name}keeps its data in an external file`;
  if (!location) throw new ShapeError(`${where} but names none (external_data has no 'location')`);
  const file = `'${location}'`;
  if (folder === undefined)
    throw new ShapeError(`${where} (${file}); give netcost the model's path so the file is found beside it`);
  if (isAbsolute(location) || location.includes('\0'))
    throw new ShapeError(`${where} at ${file}; a location is a path relative to the model's folder`);
  const offset = wholeNumber(entries.get('offset')) ?? 0;
  const length = wholeNumber(entries.get('length'));
  if (!Number.isSafeInteger(offset) || (length !== undefined && !Number.isSafeInteger(length)))
    throw new ShapeError(`${where} (${file}) whose offset or length is not a whole number of bytes`);
  // inside the folder wherever links lead (util/fs.ts isWithin), then a regular file
  const path = join(folder, location);
  if (!isWithin(path, folder))
    throw new ShapeError(`${where} at ${file}, which lies outside the model's folder; keep the data beside the model`);
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new ShapeError(`${where} at ${file}, which is not a regular file`);
    size = st.size;
  } catch (e) {
    if (e instanceof ShapeError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new ShapeError(
      `${where} at ${file}, which ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}; ` +
        "put it in the model's folder",
    );
  }
  const held = length ?? size - offset;
  if (held !== bytes)
    throw new ShapeError(`${where} (${file}) that gives it ${Math.max(held, 0)} bytes where its dims need ${bytes}`);
  if (offset + held > size)
    throw new ShapeError(`${where} (${file}) at bytes ${offset}-${offset + held}, past the file's ${size} bytes`);
  return { path, offset, length: held };
}

/** The bytes an external tensor stores. */
export function readExternal(ref: ExternalRef): Uint8Array {
  const out = new Uint8Array(ref.length);
  // the file was a regular file when checked; a FIFO swapped in since then must not block the open
  const fd = openSync(ref.path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) throw new ShapeError(`'${ref.path}' is no longer a regular file`);
    let done = 0;
    while (done < out.length) {
      const n = readSync(fd, out, done, out.length - done, ref.offset + done);
      if (n === 0) throw new ShapeError(`'${ref.path}' ended before the ${ref.length} bytes it should hold`);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}
