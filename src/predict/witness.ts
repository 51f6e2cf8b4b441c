/**
 * A witness of the profiler's own cost inside each profiled session. What onnxruntime's profiler
 * adds to a kernel's clock moves with the host: here a ReLU on 1 KiB read 1.9 µs profiled in one
 * session and 3.4-3.8 µs in the next, seconds apart, while its unprofiled time stayed 0.4 µs; one
 * calibration whose chains were profiled in the dearer state fitted class overheads 1-2.7 µs too
 * high and predicted small networks 24% slow (median, seed 2026120660). So every model calibration
 * profiles carries a witness: WITNESS_KERNELS ReLUs on a [1, 16, 4, 4] input of their own, the
 * kernel of the profiler's ReLU chain (sweep.ts), on a branch no other node reads. What they take
 * in a session beyond their own time is that session's cost per kernel, up to each kernel's tensors
 * and its context (fit.ts profilerCostInContext).
 */
import type { ModelInput } from '../measure/backend.ts';
import type { TraceKernel } from '../measure/profile.ts';
import { onnx } from '../onnx/proto.ts';

export const WITNESS_KERNELS = 16;
export const WITNESS_INPUT = { name: 'netcost_witness', shape: [1, 16, 4, 4] };
const PREFIX = 'netcost_witness_';

/** The model with the witness chain beside its graph: a second input, ReLUs, a second output. */
export function withWitness(bytes: Uint8Array): Uint8Array {
  const m = onnx.ModelProto.decode(bytes);
  const g = m.graph ?? {};
  const value = (name: string) => ({
    name,
    type: { tensorType: { elemType: 1, shape: { dim: WITNESS_INPUT.shape.map((d) => ({ dimValue: d })) } } },
  });
  let last = WITNESS_INPUT.name;
  const nodes = Array.from({ length: WITNESS_KERNELS }, (_, i) => {
    const node = { opType: 'Relu', name: `${PREFIX}${i}`, input: [last], output: [`${PREFIX}y${i}`] };
    last = node.output[0];
    return node;
  });
  m.graph = {
    ...g,
    node: [...(g.node ?? []), ...nodes],
    input: [...(g.input ?? []), value(WITNESS_INPUT.name)],
    output: [...(g.output ?? []), value(last)],
  };
  return onnx.ModelProto.encode(m).finish();
}

/** A model as the backend takes it, with the witness beside it and the witness's input given. */
export const witnessed = (m: ModelInput): ModelInput => ({
  ...m,
  bytes: withWitness(m.bytes),
  inputs: [...m.inputs, WITNESS_INPUT],
});

/**
 * A trace's kernels apart from the witness's, and the witness kernels' mean time (µs; 0 for a trace
 * without them: every session then reads the same, and the cost is fitted without a witness).
 */
export function splitWitness(kernels: TraceKernel[]): { rest: TraceKernel[]; witnessUs: number } {
  const witness = kernels.filter((k) => k.node.startsWith(PREFIX));
  const rest = kernels.filter((k) => !k.node.startsWith(PREFIX));
  return { rest, witnessUs: witness.length ? witness.reduce((a, k) => a + k.us, 0) / witness.length : 0 };
}
