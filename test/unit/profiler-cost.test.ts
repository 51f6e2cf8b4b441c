/**
 * What onnxruntime's profiler adds to each kernel, as calibration measures it: tiny chains for the
 * cost per kernel and per tensor, chains of small kernels for the cost in context, and the witness
 * in every session for the host's state. Synthetic chains with a known answer; no timing.
 */
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { profilerCostFit, profilerCostOf, wholeModelFit } from '../../src/predict/fit.ts';
import { machineProfileSchema } from '../../src/predict/machine.ts';
import { profilerCostOfBoth } from '../../src/predict/profiler-cost.ts';
import { Builder } from '../../src/predict/sweep-builder.ts';
import { splitWitness, WITNESS_INPUT, WITNESS_KERNELS, withWitness } from '../../src/predict/witness.ts';

const { onnx } = onnxProto;

describe("the profiler's cost", () => {
  it("the profiler's cost per kernel and per tensor, from chains of tiny kernels", () => {
    // 1.8 µs per kernel + 0.15 µs per tensor written out; the kernels' own work 0.1-0.5 µs each
    const truth = { perKernelMs: 0.0018, perTensorMs: 0.00015 };
    const chains = [
      [128, 2, 0.0001],
      [128, 3, 0.0003],
      [128, 5, 0.0005],
    ].map(([kernels, perKernel, workMs]) => ({
      kernels,
      tensors: kernels * perKernel,
      outputBytes: 1024,
      ms: kernels * workMs,
      kernelMs: kernels * (workMs + truth.perKernelMs + truth.perTensorMs * perKernel),
    }));
    const c = profilerCostFit(chains);
    // in µs, to a thousandth (the fit's small ridge aside)
    expect(1000 * c.perKernelMs).toBeCloseTo(1000 * truth.perKernelMs, 2);
    expect(1000 * c.perTensorMs).toBeCloseTo(1000 * truth.perTensorMs, 2);
    // chains that all write the same tensors per kernel say nothing of the per-tensor cost: all of it per kernel
    const same = profilerCostFit(chains.slice(0, 1));
    expect(same.perTensorMs).toBe(0);
    expect(1000 * same.perKernelMs).toBeCloseTo(1000 * (truth.perKernelMs + 2 * truth.perTensorMs), 2);
  });

  it("the profiler's cost from two measurements, one in a slow stretch of the host, is the quiet one's", () => {
    const truth = { perKernelMs: 0.0014, perTensorMs: 0.0003 };
    const quiet = [2, 3, 4, 5].map((perKernel) => ({
      kernels: 128,
      tensors: 128 * perKernel,
      outputBytes: 0,
      ms: 128 * 0.0002,
      kernelMs: 128 * (0.0002 + truth.perKernelMs + truth.perTensorMs * perKernel),
    }));
    // everything, the profiler's own bookkeeping too, 1.9x slower
    const slow = quiet.map((w) => ({ ...w, ms: 1.9 * w.ms, kernelMs: 1.9 * w.kernelMs }));
    const rounds = (ws: typeof quiet) => ws.map((w) => [w]);
    for (const c of [
      profilerCostOfBoth([rounds(slow), rounds(quiet)]),
      profilerCostOfBoth([rounds(quiet), rounds(slow)]),
    ]) {
      expect(1000 * c.perKernelMs).toBeCloseTo(1000 * truth.perKernelMs, 2);
      expect(1000 * c.perTensorMs).toBeCloseTo(1000 * truth.perTensorMs, 2);
    }
    // the slow one alone reads 1.9x the cost
    expect(profilerCostFit(slow).perKernelMs).toBeCloseTo(1.9 * truth.perKernelMs, 5);
  });

  it("the profiler's cost per kernel in context: chains of small kernels, the median of their rounds", () => {
    // tiny chains: 1.8 µs per kernel + 0.15 µs per tensor; in context each kernel pays 2.6 µs + 0.15 per tensor
    const perTensor = 0.00015;
    const tiny = [2, 3, 5].map((perKernel) => ({
      kernels: 128,
      tensors: 128 * perKernel,
      outputBytes: 0,
      ms: 128 * 0.0002,
      kernelMs: 128 * (0.0002 + 0.0018 + perTensor * perKernel),
    }));
    // three chains of 70-90 kernels of 3-20 µs, five rounds each; one round of each 1.9x slow throughout
    const context = [70, 80, 90].map((kernels, c) =>
      [1, 1, 1.9, 1, 1].map((slow, r) => {
        const own = kernels * (0.003 + 0.001 * c + 0.0002 * r);
        const tensors = kernels * 3;
        return {
          kernels,
          tensors,
          outputBytes: 0,
          ms: slow * own,
          kernelMs: slow * (own + kernels * 0.0026 + tensors * perTensor),
        };
      }),
    );
    const c = profilerCostOfBoth([tiny.map((w) => [w]), tiny.map((w) => [w])], [context, context]);
    expect(1000 * c.perKernelMs).toBeCloseTo(2.6, 2);
    expect(1000 * c.perTensorMs).toBeCloseTo(0.15, 2);
    // without context chains, the tiny chains' cost
    expect(1000 * profilerCostOfBoth([tiny.map((w) => [w]), tiny.map((w) => [w])]).perKernelMs).toBeCloseTo(1.8, 2);
  });

  it("the profiler's cost beyond each session's witness: sessions in a cheap and a dear state of the host", () => {
    // a session's profiler costs 1.6 µs per kernel or 3.5 (the host's state), which its witness ReLUs
    // (0.4 µs of their own) pay too; a kernel in context pays 0.7 µs more, + 0.15 µs per tensor
    const perTensor = 0.00015;
    const session = (state: number, kernels: number, tensors: number, ownMs: number) => ({
      kernels,
      tensors,
      outputBytes: 0,
      ms: ownMs,
      kernelMs: ownMs + kernels * (state + 0.0007) + tensors * perTensor,
      witnessMs: 0.0004 + state + 2 * perTensor,
    });
    const states = [0.0016, 0.0035, 0.0016, 0.0035, 0.0035];
    const tiny = [2, 3, 5].map((t) =>
      states.map((st) => ({ ...session(st, 128, 128 * t, 0.05), kernelMs: 0.05 + 128 * st + 128 * t * perTensor })),
    );
    const context = [70, 80, 90].map((k, c) => states.map((st, r) => session(st, k, 3 * k, 0.2 + 0.05 * c + 0.01 * r)));
    const cost = profilerCostOfBoth([tiny, tiny], [context, context]);
    // a kernel of t tensors in a session whose witness took w: the state + 0.7 µs + t · 0.15 µs, whatever the state
    for (const st of states) {
      const w = 0.0004 + st + 2 * perTensor;
      expect(1000 * profilerCostOf(cost, 1, 3, w)).toBeCloseTo(1000 * (st + 0.0007 + 3 * perTensor), 2);
    }
  });
});

describe('profiled kernels to an unprofiled run', () => {
  it("with the profiler's cost known, the whole-run fit finds the scale and the copy rate", () => {
    // unprofiled = 0.95 x (profiled - (2 µs per kernel + 0.1 µs per tensor)) + bytes / 8 GB/s
    const cost = { perKernelMs: 0.002, perTensorMs: 0.0001 };
    const ws = [
      [0.3, 64, 1e3],
      [0.9, 120, 2e4],
      [2, 10, 3e6],
      [5, 40, 1e4],
      [12, 6, 4e7],
      [0.05, 8, 1e3],
      [1.2, 90, 5e5],
      [30, 20, 1e6],
    ].map(([kernelMs, kernels, outputBytes]) => ({
      kernelMs,
      kernels,
      tensors: 3 * kernels,
      outputBytes,
      ms: 0.95 * (kernelMs - 0.002 * kernels - 0.0001 * 3 * kernels) + outputBytes / 8 / 1e6,
    }));
    const w = wholeModelFit(ws, cost);
    expect(w.kernelScale).toBeCloseTo(0.95, 3);
    expect(w.ioGbps).toBeCloseTo(8, 1);
    // the cost left out, the same runs read as a smaller scale
    expect(wholeModelFit(ws, { perKernelMs: 0, perTensorMs: 0 }).kernelScale).toBeLessThan(0.93);
  });

  it('the scale holds when a third of the runs fell in a slower or faster phase of the host', () => {
    // 30 runs at 0.97 x their kernels; every third one's unprofiled half 1.5x slower or 0.6x faster
    const ws = Array.from({ length: 30 }, (_, i) => {
      const kernelMs = 0.1 + i * 0.37;
      const phase = i % 3 === 0 ? (i % 2 === 0 ? 1.5 : 0.6) : 1;
      return { kernelMs, kernels: 5, tensors: 15, outputBytes: 0, ms: phase * 0.97 * kernelMs };
    });
    expect(wholeModelFit(ws, { perKernelMs: 0, perTensorMs: 0 }).kernelScale).toBeCloseTo(0.97, 3);
  });

  it('with no time left for copying, the copy rate is the highest a profile holds (10^7 GB/s), not infinity', () => {
    // every model runs in exactly its kernels' time: nothing left to attribute to input and output
    const ws = [1, 2, 3, 4].map((k) => ({ kernelMs: k, outputBytes: 1e6 * k, ms: k, kernels: 1, tensors: 2 }));
    const w = wholeModelFit(ws, { perKernelMs: 0, perTensorMs: 0 });
    expect(w.kernelScale).toBe(1);
    expect(w.ioGbps).toBe(1e7);
    expect(machineProfileSchema.shape.ioGbps.safeParse(w.ioGbps).success).toBe(true);
  });
});

describe('the witness', () => {
  it('16 ReLUs on an input of their own beside the model, apart from its kernels in the trace', () => {
    const b = new Builder('m', [1, 8, 6, 6]);
    const model = b.build(b.conv(b.input, 8, 3));
    const g = onnx.ModelProto.decode(withWitness(model.bytes)).graph;
    expect(g?.input?.map((i) => i.name)).toEqual(['x', WITNESS_INPUT.name]);
    expect(g?.output?.length).toBe(2);
    const witness = (g?.node ?? []).filter((n) => n.name?.startsWith('netcost_witness_'));
    expect(witness.map((n) => n.opType)).toEqual(new Array(WITNESS_KERNELS).fill('Relu'));
    // a chain: each reads the one before, the first the witness input
    expect(witness[0].input).toEqual([WITNESS_INPUT.name]);
    expect(witness[1].input).toEqual(witness[0].output);
    const kernel = (node: string, us: number) => ({ node, opType: 'Relu', us, tensors: 2 });
    const { rest, witnessUs } = splitWitness([
      kernel('conv1', 40),
      kernel('netcost_witness_0', 2),
      kernel('netcost_witness_1', 3),
    ]);
    expect(rest.map((k) => k.node)).toEqual(['conv1']);
    expect(witnessUs).toBe(2.5);
    // a trace without a witness reads 0 for every session: the cost is then fitted as without one
    expect(splitWitness([kernel('conv1', 40)]).witnessUs).toBe(0);
  });
});
