/**
 * `--format html` and `--format svg` for report, compare, bench, guidelines and check: the
 * command's result -> its charts (charts.ts) -> one SVG, or a page with every chart and table.
 */
import type { CheckResult } from '../check/check.ts';
import { type CostReport, opLabel } from '../cost/analyze.ts';
import { UsageError } from '../errors.ts';
import type { BenchResult } from '../measure/bench.ts';
import type { CompareResult } from '../report/compare.ts';
import { count, fixed, shape } from '../report/format.ts';
import type { GuidelinesReport } from '../report/guidelines.ts';
import {
  benchCharts,
  CHARTS,
  type Chart,
  checkCharts,
  compareCharts,
  guidelineCharts,
  reportCharts,
} from './charts.ts';
import { type Cell, page, type Table } from './html.ts';
import { toSvg } from './render.ts';

export type PictureFormat = 'html' | 'svg';
type Command = keyof typeof CHARTS;

const num = (n: number, text = count(n)): Cell => ({ text, sort: n });
const txt = (text: string): Cell => ({ text });
const share = (x: number): Cell => ({ text: `${(100 * x).toFixed(1)}%`, sort: x });

async function picture(
  command: Command,
  charts: Chart[],
  format: PictureFormat,
  chartName: string | undefined,
  html: { title: string; meta: string[]; tables: Table[]; data: unknown },
): Promise<string> {
  if (format === 'svg') {
    const names: readonly string[] = CHARTS[command];
    const name = chartName ?? names[0];
    if (!names.includes(name))
      throw new UsageError(`--chart ${name}: ${command} draws ${names.join(', ')}; choose one of them`);
    const c = charts.find((x) => x.name === name);
    if (!c) throw new UsageError(`--chart ${name}: nothing to draw here (bench needs --per-layer)`);
    return toSvg(c.spec);
  }
  if (chartName !== undefined) throw new UsageError('--chart chooses the chart of --format svg; html draws them all');
  const rendered = [];
  for (const c of charts) rendered.push({ ...c, svg: await toSvg(c.spec) });
  return page({ ...html, charts: rendered });
}

export function reportPicture(r: CostReport, format: PictureFormat, chart?: string): Promise<string> {
  const predicted = r.layers.some((l) => typeof l.predictedMs === 'number');
  const table: Table = {
    title: 'Per layer',
    head: ['layer', 'op', 'output', 'params', 'MAdds', 'FLOPs', 'MAC (el)', 'FLOP/B', 'MAdds %', 'MAC %'].concat(
      predicted ? ['pred (us)', 'bound'] : [],
    ),
    rows: r.layers.map((l) => [
      txt(l.name),
      txt(opLabel(l)),
      txt(shape(l.outputShape)),
      num(l.params),
      num(l.madds),
      num(l.flops),
      num(l.memoryAccess),
      num(l.intensity, fixed(l.intensity)),
      share(l.madds / (r.totals.madds || 1)),
      share(l.memoryAccess / (r.totals.memoryAccess || 1)),
      ...(predicted
        ? [num(1000 * (l.predictedMs as number), (1000 * (l.predictedMs as number)).toFixed(1)), txt(String(l.bound))]
        : []),
    ]),
  };
  const t = r.totals;
  return picture('report', reportCharts(r), format, chart, {
    title: `netcost report: ${r.model}`,
    meta: [
      `input ${shape(r.input)}, view ${r.view}, dtype ${r.dtype}, from ${r.file}`,
      `${count(t.params)} params, ${count(t.madds)} MAdds, ${count(t.flops)} FLOPs, ${count(t.memoryAccess)} ` +
        `elements of memory access, ${fixed(t.intensity)} FLOP/B, ${t.layers} layers`,
    ],
    tables: [table],
    data: r,
  });
}

export function comparePicture(c: CompareResult, format: PictureFormat, chart?: string): Promise<string> {
  const lat = c.measured?.latencies;
  const pred = c.predicted?.[0]?.predictedMs;
  const table: Table = {
    title: 'Models',
    head: ['model', 'input', 'params', 'MAdds', 'FLOPs', 'MAC (el)', 'layers']
      .concat(lat ? ['latency (ms)'] : [])
      .concat(pred ? ['predicted (ms)'] : []),
    rows: c.models.map((m, i) => [
      txt(m.model),
      txt(shape(m.input)),
      num(m.totals.params),
      num(m.totals.madds),
      num(m.totals.flops),
      num(m.totals.memoryAccess),
      num(m.totals.layers, String(m.totals.layers)),
      ...(lat ? [num(lat[i].latency.medianMs, fixed(lat[i].latency.medianMs, 3))] : []),
      ...(pred ? [num(pred[i], fixed(pred[i], 3))] : []),
    ]),
  };
  return picture('compare', compareCharts(c), format, chart, {
    title: `netcost compare: ${c.models.length} models`,
    meta: [`view ${c.view}, dtype ${c.dtype}${c.measured ? `, measured on ${c.measured.env.cpu}` : ''}`],
    tables: [table],
    data: c,
  });
}

export function benchPicture(b: BenchResult, format: PictureFormat, chart?: string): Promise<string> {
  if (!b.perLayer) throw new UsageError(`bench --format ${format} draws per-layer time: add --per-layer`);
  const pred = b.prediction !== undefined;
  const table: Table = {
    title: 'Per layer',
    head: [
      'layer',
      'op',
      'MAdds',
      'MAC (el)',
      'time (us)',
      'kernel (us)',
      'time %',
      'MAdds %',
      'MAC %',
      'GFLOP/s',
    ].concat(pred ? ['pred (us)', 'bound'] : []),
    rows: b.perLayer.layers.map((l) => [
      txt(l.name),
      txt(l.op),
      num(l.madds),
      num(l.memoryAccess),
      num(1000 * l.measuredMs, (1000 * l.measuredMs).toFixed(1)),
      num(1000 * l.kernelMs, (1000 * l.kernelMs).toFixed(1)),
      share(l.timeShare),
      share(l.maddsShare),
      share(l.memoryAccessShare),
      num(l.gflops, fixed(l.gflops, 1)),
      ...(pred ? [num(1000 * (l.predictedMs ?? 0), (1000 * (l.predictedMs ?? 0)).toFixed(1)), txt(l.bound ?? '')] : []),
    ]),
  };
  const e = b.env;
  return picture('bench', benchCharts(b), format, chart, {
    title: `netcost bench: ${b.model}`,
    meta: [
      `median ${fixed(b.latency.medianMs, 3)} ms over ${b.latency.runs} runs (p10 ${fixed(b.latency.p10Ms, 3)}, ` +
        `p90 ${fixed(b.latency.p90Ms, 3)}) on ${e.cpu}, ${e.threads} thread(s), onnxruntime ${e.onnxruntime}`,
      ...(b.prediction ? [`predicted ${fixed(b.prediction.predictedMs, 3)} ms`] : []),
    ],
    tables: [table],
    data: b,
  });
}

export function guidelinesPicture(g: GuidelinesReport, format: PictureFormat, chart?: string): Promise<string> {
  const table: Table = {
    title: 'Guideline networks',
    head: ['guideline', 'row', 'width', 'MAdds', 'MAC (el)', 'images/s', 'relative', 'paper relative', 'predicted'],
    rows: g.results.flatMap((res) =>
      res.rows.map((x) => [
        txt(`${res.id}${res.construction ? ` (${res.construction})` : ''}`),
        txt(x.label),
        txt(x.width),
        num(x.madds),
        num(x.memoryAccess),
        x.imagesPerSecond === undefined ? txt('-') : num(x.imagesPerSecond, fixed(x.imagesPerSecond, 1)),
        x.relative === undefined ? txt('-') : num(x.relative, `${fixed(x.relative)}x`),
        num(x.paperRelative, `${fixed(x.paperRelative)}x`),
        x.predictedRelative === undefined ? txt('-') : num(x.predictedRelative, `${fixed(x.predictedRelative)}x`),
      ]),
    ),
  };
  return picture('guidelines', guidelineCharts(g), format, chart, {
    title: "netcost guidelines: ShuffleNet V2's G1-G4 on this machine",
    meta: g.results.flatMap((r) => [r.verdict ?? `${r.id}: ${r.claim}`, ...(r.platformNote ? [r.platformNote] : [])]),
    tables: [table],
    data: g,
  });
}

export function checkPicture(r: CheckResult, format: PictureFormat, chart?: string): Promise<string> {
  const table: Table = {
    title: 'Findings',
    head: ['model', 'kind', 'view', 'layer', 'metric', 'baseline', 'current'],
    rows: r.findings.map((f) => [
      txt(f.model),
      txt(f.kind),
      txt('view' in f ? f.view : ''),
      txt('layer' in f ? (f.layer ?? '(total)') : ''),
      txt(f.kind === 'changed' ? f.metric : ''),
      f.kind === 'changed' ? num(f.baseline) : txt(''),
      f.kind === 'changed' ? num(f.current) : txt(''),
    ]),
  };
  return picture('check', checkCharts(r), format, chart, {
    title: `netcost check: ${r.ok ? 'all models match their baselines' : `${r.findings.length} findings`}`,
    meta: [`baseline ${r.baseline}; models ${r.models.join(', ')}`],
    tables: [table],
    data: r,
  });
}
