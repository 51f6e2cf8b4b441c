import { dirname } from 'node:path';
import { analyze } from '../../cost/analyze.ts';
import { UsageError } from '../../errors.ts';
import { annotateOnnx } from '../../onnx/annotate.ts';
import { importOnnx } from '../../onnx/import.ts';
import { inlineExternalData } from '../../onnx/inline-external.ts';
import { resolveSource } from '../../pipeline.ts';
import type { MachineProfile } from '../../predict/machine.ts';
import { isWithin, writeFileAtomic } from '../../util/fs.ts';
import { say } from '../../util/text.ts';
import { checkDtypeFor, type InputFlags, type PredictFlags, parsePredict, parseRules } from '../options.ts';
import { parseInputFlags } from '../sweep.ts';

declare const VERSION: string;
export const netcostVersion = () => (typeof VERSION === 'string' ? VERSION : '');

export interface AnnotateFlags extends PredictFlags, InputFlags {
  threads?: string;
  output: string;
  dtype?: string;
  strict?: boolean;
  rules?: string;
}

/** The file's own bytes with every node's costs in its doc_string (and metadata, IR >= 10). */
export async function annotatedBytes(
  bytes: Uint8Array,
  file: string,
  opts: Parameters<typeof importOnnx>[1] & { predict?: { profile: MachineProfile; file: string } },
) {
  const r = importOnnx(bytes, opts);
  for (const w of r.warnings) say(`warning: ${file}: ${w}`);
  let report = analyze(r.graph);
  if (opts.predict) {
    const { withPrediction } = await import('../../predict/attach.ts');
    const { inputs, dims, loopTrips, values, rules } = opts;
    const src = { kind: 'onnx' as const, file, bytes, inputs, dims, loopTrips, values, rules };
    report = withPrediction(report, src, opts.predict.profile, opts.predict.file);
  }
  return { bytes: annotateOnnx(bytes, report, netcostVersion()), report };
}

const sameFolder = (a: string, b: string) => isWithin(a, b) && isWithin(b, a);

export async function annotateCommand(model: string, o: AnnotateFlags): Promise<void> {
  const src = await resolveSource(model);
  if (src.kind !== 'onnx') {
    throw new UsageError(
      `${model}: annotate takes an .onnx file; for a spec, run \`netcost export ${model} -o FILE --annotate\``,
    );
  }
  checkDtypeFor([src], o.dtype);
  const rules = await parseRules(o.rules);
  // a copy in another folder would lose its external data, whose locations are relative: it gets them inline
  const elsewhere = !sameFolder(dirname(o.output), dirname(src.file));
  const bytes = elsewhere ? inlineExternalData(src.bytes, src.file) : src.bytes;
  const out = await annotatedBytes(bytes, src.file, {
    file: src.file,
    ...parseInputFlags(o, 'annotate'),
    strict: o.strict,
    rules,
    predict: await parsePredict(o),
  });
  writeFileAtomic(o.output, out.bytes);
  const inlined =
    bytes !== src.bytes ? ', its external data written into the copy (which lives in another folder)' : '';
  const layers = out.report.totals.layers;
  say(`wrote ${o.output}: ${src.file} with the costs of its ${layers} layers in each node's doc_string${inlined}`);
}
