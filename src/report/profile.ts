/** A machine profile as a table: the machine, its bandwidth curve, and the fitted model per kernel class. */
import { computeUnit, KERNEL_CLASSES, type KernelClass, narrowCountsRuns } from '../predict/classes.ts';
import { balancePoint, type ClassFit, type MachineProfile } from '../predict/machine.ts';
import { type Document, num, text } from '../result/document.ts';
import { fixed } from '../result/format.ts';

/** One line about the machine a prediction is for, for report headers. */
export function machineLine(p: MachineProfile): string {
  const bw = p.bandwidth;
  return (
    `machine: ${p.machine.cpu}, ${p.machine.threads} thread(s), onnxruntime ${p.machine.onnxruntime}, ` +
    `NCHWc block ${p.engine.nchwcBlock || 'none'}; peak ${fixed(p.peakGflops, 1)} GFLOP/s, ` +
    `${fixed(bw[bw.length - 1].gbps, 1)} GB/s from memory (${fixed(bw[0].gbps, 1)} GB/s in cache), ` +
    `balance point ${fixed(balancePoint(p), 1)} FLOP/B`
  );
}

/**
 * A class's parameters as a reader takes them: overhead in us, speed, narrow-GEMM half width (for
 * plain convolutions: ns per im2col row run, and per element copied alone at a stride), memory efficiency.
 */
function readable(k: KernelClass, f: ClassFit, which: 'params' | 'lo' | 'hi') {
  const x = f[which];
  const perRun = narrowCountsRuns(k);
  return {
    overheadUs: 1000 * x.overhead,
    // ms per GFLOP -> GFLOP/s; ms per M elements (blocks) -> G elements (blocks) per second
    speed: x.compute > 0 ? (computeUnit(k) === 'GFLOP' ? 1000 : 1) / x.compute : undefined,
    halfWidth: !perRun && x.compute > 0 && x.narrow > 0 ? x.narrow / x.compute : undefined,
    // ms per million runs is ns per run
    runNs: perRun && x.narrow > 0 ? x.narrow : undefined,
    // ms per million copies is ns per copy
    copyNs: perRun && x.strided > 0 ? x.strided : undefined,
    memoryEfficiency: x.memory > 0 ? 1 / x.memory : undefined,
    unit: { GFLOP: 'GFLOP/s', 'M elements': 'Gel/s', 'M blocks': 'Gblocks/s' }[computeUnit(k)],
  };
}

/** three significant digits, thousands grouped (76.7, 3,030, 0.0412) */
const sig = (v: number) =>
  Number(v.toPrecision(3)).toLocaleString('en-US', { maximumSignificantDigits: 3, useGrouping: true });

/** A value with its bootstrap range, to three significant digits: `76.7 [37.7-3,030]`. */
const range = (v: number | undefined, lo: number | undefined, hi: number | undefined) =>
  v === undefined ? '' : `${sig(v)} [${sig(Math.min(lo ?? v, hi ?? v))}-${sig(Math.max(lo ?? v, hi ?? v))}]`;

/** A machine profile as a document; `writtenTo`, where calibrate wrote it. */
export function profileDocument(p: MachineProfile, writtenTo?: string): Document {
  const fitted = KERNEL_CLASSES.flatMap((k) => (p.classes[k] ? [[k, p.classes[k]] as [KernelClass, ClassFit]] : []));
  const rows = fitted.map(([k, f]) => {
    const [v, lo, hi] = (['params', 'lo', 'hi'] as const).map((w) => readable(k, f, w));
    return [
      k,
      f.samples,
      range(v.overheadUs, lo.overheadUs, hi.overheadUs),
      v.speed === undefined ? '' : `${range(v.speed, hi.speed, lo.speed)} ${v.unit}`,
      v.runNs === undefined
        ? range(v.halfWidth, lo.halfWidth, hi.halfWidth)
        : `${range(v.runNs, lo.runNs, hi.runNs)} ns/run` +
          (v.copyNs === undefined ? '' : `, ${range(v.copyNs, lo.copyNs, hi.copyNs)} ns/strided copy`),
      range(v.memoryEfficiency, hi.memoryEfficiency, lo.memoryEfficiency),
      f.params.overhead,
      f.params.compute,
      f.params.narrow,
      f.params.strided,
      f.params.memory,
      f.medianAbsError,
      f.cv?.linear ?? null,
      f.cv?.trees ?? null,
      f.trees?.trees.length ?? 0,
    ];
  });
  const raw = (key: string) => num(key, key, 'fixed', { only: 'csv' });
  return {
    title: `netcost machine profile: ${p.machine.cpu}`,
    head: [
      machineLine(p),
      `fit: ${p.fit.kernels} calibration kernels, median abs error ${fixed(100 * p.fit.medianAbsError, 1)}%; ` +
        `run overhead ${fixed(p.runOverheadMs * 1000, 1)} us; speed probe ${fixed(p.probe.ms, 3)} ms ` +
        `(drift ${fixed(100 * p.probe.drift, 1)}% during calibration); ${p.calibration.models} models in ` +
        `${fixed(p.calibration.seconds, 1)} s${p.calibration.quick ? ' (--quick)' : ''}`,
      ...(p.calibration.heldOut
        ? [
            `held out (--hold-out): ${p.calibration.heldOut.kernels} calibration kernels sharing a signature with ` +
              `a kernel of the ${p.calibration.heldOut.models} model${p.calibration.heldOut.models === 1 ? '' : 's'} ` +
              'named, kept out of the fit',
          ]
        : []),
      'each parameter with its 10th-90th percentile over bootstrap resamples of the calibration kernels; ' +
        "cross-validated errors: each kernel predicted by a fit without its calibration model's kernels (5 folds), " +
        'median |predicted / measured - 1|, the linear model alone and with the boosted trees on what it misses',
      ...(writtenTo ? [`written to ${writtenTo}`] : []),
    ],
    sections: [
      {
        kind: 'table',
        id: 'bandwidth',
        title: 'Bandwidth by working set',
        columns: [num('bytes', 'working set', 'bytes'), num('gbps', 'GB/s', 'fixed', { digits: 1 })],
        rows: p.bandwidth.map((b) => [b.bytes, b.gbps]),
      },
      {
        kind: 'table',
        id: 'classes',
        title: 'Kernel classes',
        primary: true,
        columns: [
          text('class'),
          num('kernels', 'kernels', 'int'),
          text('overhead', 'overhead us', { only: 'display' }),
          text('speed', 'speed', { only: 'display' }),
          text('halfWidth', 'narrow half-width (im2col)', { only: 'display' }),
          text('memoryEff', 'memory eff', { only: 'display' }),
          raw('overhead_ms'),
          raw('compute_ms_per_unit'),
          raw('narrow'),
          raw('strided'),
          raw('memory'),
          num('median_abs_err', 'median abs err', 'share', { only: 'csv' }),
          num('cv_linear', 'cross-val err, linear', 'share'),
          num('cv_trees', 'with trees', 'share'),
          num('trees', 'trees', 'int'),
        ],
        rows,
      },
    ],
    data: p,
  };
}
