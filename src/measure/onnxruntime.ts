/**
 * What onnxruntime makes of a model on this machine, without timing it: the graph it optimises the
 * model into (its optimized graph, as the session writes it), and the channel block of its NCHWc
 * layout, found by a probe.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetcostError } from '../errors.ts';
import { IR_VERSION, OPSET } from '../onnx/metadata.ts';
import { encodeModel } from '../onnx/model-proto.ts';
import { type OptLevel, ort } from './runner.ts';

/** The graph onnxruntime runs for a model at an optimisation level (its optimized graph, as an ONNX file). */
export async function optimizedGraph(model: Uint8Array, level: OptLevel, threads = 1): Promise<Uint8Array> {
  const o = await ort();
  const dir = mkdtempSync(join(tmpdir(), 'netcost-optimized-'));
  try {
    const file = join(dir, 'optimized.onnx');
    try {
      const s = await o.InferenceSession.create(model, {
        graphOptimizationLevel: level,
        intraOpNumThreads: threads,
        optimizedModelFilePath: file,
        logSeverityLevel: 3,
      });
      await s.release();
    } catch (e) {
      throw new NetcostError(`onnxruntime cannot load the model: ${String((e as Error).message).split('\n')[0]}`);
    }
    return readFileSync(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Channels per group of the probe's grouped convolutions: the smallest that runs blocked is the block. */
const PROBE_GROUP_WIDTHS = [4, 8, 16];

/** A model of grouped 1x1 convolutions over 32 channels, 4, 8 and 16 channels per group. */
function probeModel(): Uint8Array {
  const C = 32;
  const vi = (name: string) => ({
    name,
    type: { tensorType: { elemType: 1, shape: { dim: [1, C, 4, 4].map((d) => ({ dimValue: d })) } } },
  });
  const convs = PROBE_GROUP_WIDTHS.map((w) => ({
    opType: 'Conv',
    name: `g${w}`,
    input: ['x', `w${w}`],
    output: [`y${w}`],
    attribute: [{ name: 'group', type: 2, i: C / w }],
  }));
  return encodeModel({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'netcost',
    graph: {
      name: 'nchwc-probe',
      node: convs,
      initializer: PROBE_GROUP_WIDTHS.map((w) => ({
        name: `w${w}`,
        dims: [C, w, 1, 1],
        dataType: 1,
        rawData: new Uint8Array(4 * C * w),
      })),
      input: [vi('x')],
      output: PROBE_GROUP_WIDTHS.map((w) => vi(`y${w}`)),
    },
  });
}

let block: number | undefined;

/**
 * Channels per block of onnxruntime's NCHWc layout here (8 with AVX2, 16 with AVX-512; 0 without
 * the layout): the smallest channels-per-group of a grouped convolution it runs blocked.
 */
export async function nchwcBlock(): Promise<number> {
  if (block !== undefined) return block;
  const { onnx } = await import('../onnx/proto.ts');
  const g = onnx.ModelProto.decode(await optimizedGraph(probeModel(), 'all')).graph;
  const blocked = (g?.node ?? [])
    .filter((n) => n.domain === 'com.microsoft.nchwc' && n.opType === 'Conv')
    .map((n) => PROBE_GROUP_WIDTHS.find((w) => (n.name ?? '').startsWith(`y${w}_`)) ?? 0)
    .filter((w) => w > 0);
  block = blocked.length ? Math.min(...blocked) : 0;
  return block;
}
