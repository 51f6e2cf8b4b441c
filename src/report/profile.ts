/** A machine profile as a table: the machine, its roofline, and the fitted model per kernel class. */
import { balancePoint, KERNEL_CLASSES, type MachineProfile } from '../predict/machine.ts';
import { bytes, csvLine, fixed, mdTable } from './format.ts';
import type { Format } from './report.ts';
import { textTable } from './table.ts';

/** One line about the machine a prediction is for, for report headers. */
export function machineLine(p: MachineProfile): string {
  const bw = p.roofline.bandwidth;
  return (
    `machine: ${p.machine.cpu}, ${p.machine.threads} thread(s), onnxruntime ${p.machine.onnxruntime}; ` +
    `peak ${fixed(p.roofline.peakGflops, 1)} GFLOP/s, ${fixed(bw[bw.length - 1].gbps, 1)} GB/s from memory ` +
    `(${fixed(bw[0].gbps, 1)} GB/s in cache), balance point ${fixed(balancePoint(p), 1)} FLOP/B`
  );
}

export function renderProfile(p: MachineProfile, format: Format, writtenTo?: string): string {
  if (format === 'json') return `${JSON.stringify(p, null, 2)}\n`;
  const head = ['class', 'layers', 'overhead us', 'compute eff', 'memory eff', 'median abs err'];
  const rows = KERNEL_CLASSES.flatMap((k) => {
    const f = p.classes[k];
    return f
      ? [
          [
            k,
            String(f.samples),
            fixed(f.overheadMs * 1000, 1),
            fixed(f.computeEfficiency),
            fixed(f.memoryEfficiency),
            `${fixed(100 * f.medianAbsError, 1)}%`,
          ],
        ]
      : [];
  });
  const bwHead = ['working set', 'GB/s'];
  const bwRows = p.roofline.bandwidth.map((b) => [bytes(b.bytes), fixed(b.gbps, 1)]);
  const summary = [
    machineLine(p),
    `fit: ${p.fit.layers} calibration layers, median abs error ${fixed(100 * p.fit.medianAbsError, 1)}%; ` +
      `run overhead ${fixed(p.runOverheadMs * 1000, 1)} us; ${p.calibration.networks} networks in ` +
      `${fixed(p.calibration.seconds, 1)} s${p.calibration.quick ? ' (--quick)' : ''}`,
    ...(writtenTo ? [`written to ${writtenTo}`] : []),
  ];
  if (format === 'md') return `${summary.join('\n\n')}\n\n${mdTable(bwHead, bwRows)}\n${mdTable(head, rows)}`;
  if (format === 'csv') {
    const fields = ['class', 'layers', 'overhead_ms', 'compute_eff', 'memory_eff', 'median_abs_err'];
    const lines = KERNEL_CLASSES.flatMap((k) => {
      const f = p.classes[k];
      return f
        ? [csvLine([k, f.samples, f.overheadMs, f.computeEfficiency, f.memoryEfficiency, f.medianAbsError])]
        : [];
    });
    return `${[csvLine(fields), ...lines].join('\n')}\n`;
  }
  return `${summary.join('\n')}\n\n${textTable(bwHead, bwRows)}\n${textTable(head, rows)}`;
}
