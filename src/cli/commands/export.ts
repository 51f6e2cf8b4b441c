import { UsageError } from '../../errors.ts';
import { exportOnnx } from '../../onnx/export.ts';
import { graphOf } from '../../pipeline.ts';
import { resolveModel } from '../../spec/load.ts';
import { writeFileAtomic } from '../../util/fs.ts';
import { parsePositiveInt, parseShape, parseView } from '../options.ts';
import { annotatedBytes } from './annotate.ts';

declare const VERSION: string;

export interface ExportFlags {
  output: string;
  view: string;
  input?: string;
  seed: string;
  annotate?: boolean;
}

export async function exportCommand(model: string, o: ExportFlags): Promise<void> {
  // the generator's state is 32 bits: a larger seed would wrap while the metadata records it as typed
  const seed = parsePositiveInt('--seed', o.seed, 0, 2 ** 32 - 1);
  if (/\.onnx$/i.test(model))
    throw new UsageError(`${model} is an ONNX file already; export writes netcost specs and built-ins as ONNX`);
  const g = graphOf(await resolveModel(model), { view: parseView(o.view), input: parseShape(o.input) });
  let bytes = exportOnnx(g, { seed, producerVersion: typeof VERSION === 'string' ? VERSION : '' });
  if (o.annotate) bytes = (await annotatedBytes(bytes, o.output, { file: o.output })).bytes;
  writeFileAtomic(o.output, bytes);
  process.stderr.write(
    `netcost: wrote ${o.output} (${g.model}, ${g.view} view, ${g.layers.length} layers, ` +
      `${(bytes.length / 2 ** 20).toFixed(1)} MiB, ONNX opset 17${o.annotate ? ', costs in every node' : ''})\n`,
  );
}
