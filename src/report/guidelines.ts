/** Reporter for `guidelines`. */
import type { GuidelineResult } from '../guidelines/guidelines.ts';
import type { MeasureEnv } from '../measure/env.ts';
import { mdText } from '../util/text.ts';
import { fixed, mdTable, mega } from './format.ts';
import type { Format } from './report.ts';
import { textTable } from './table.ts';

export interface GuidelinesReport {
  schemaVersion: number;
  env?: MeasureEnv;
  runs: number;
  results: GuidelineResult[];
  warnings: string[];
}

const opt = (x: number | undefined, d: number) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));

export function renderGuidelines(r: GuidelinesReport, format: Format): string {
  if (format === 'json') return `${JSON.stringify(r, null, 2)}\n`;
  const md = format === 'md';
  const parts: string[] = [];
  if (r.env) {
    const line =
      `Measured on ${r.env.cpu} (${r.env.cores} cores) with onnxruntime ${r.env.onnxruntime}, ` +
      `${r.env.threads} intra-op thread${r.env.threads === 1 ? '' : 's'}, batch 1, median of ${r.runs} runs per ` +
      `network (rows of one width timed interleaved). Paper speeds are its ${'own platform'} figures; compare the ` +
      `relative columns, not the absolute ones.`;
    parts.push(md ? `_${mdText(line)}_` : line);
  }
  for (const g of r.results) {
    const hasBound = g.rows.some((x) => x.macLowerBound !== undefined);
    const hasPred = g.rows.some((x) => x.predictedMs !== undefined);
    const head = [
      'row',
      'width',
      'input',
      'MAdds (M)',
      'MAC (M el)',
      ...(hasBound ? ['Eq.1 bound (M el)'] : []),
      'images/s',
      'relative',
      'paper images/s',
      'paper relative',
      ...(hasPred ? ['predicted ms', 'pred relative', 'bound % (compute/memory/balanced/overhead)'] : []),
    ];
    const rows = g.rows.map((x) => [
      x.label,
      x.width,
      x.input.join('x'),
      mega(x.madds),
      mega(x.memoryAccess),
      ...(hasBound ? [mega(x.macLowerBound ?? 0)] : []),
      opt(x.imagesPerSecond, 1),
      x.relative === undefined ? '-' : `${fixed(x.relative)}x`,
      fixed(x.paperImagesPerSecond, 1),
      `${fixed(x.paperRelative)}x`,
      ...(hasPred
        ? [
            opt(x.predictedMs, 2),
            x.predictedRelative === undefined ? '-' : `${fixed(x.predictedRelative)}x`,
            x.boundShares
              ? ['compute', 'memory', 'balanced', 'overhead']
                  .map((k) => (100 * (x.boundShares as Record<string, number>)[k]).toFixed(0))
                  .join('/')
              : '-',
          ]
        : []),
    ]);
    const align = head.map((_, i) => (i < 3 ? 'l' : 'r') as 'l' | 'r');
    const built = g.construction ? `, built with ${g.construction}` : '';
    const title =
      `${g.id} (paper ${g.table}${built}; paper figures from ${g.platform}): ${g.claim}; ` + `tested: ${g.hypothesis}`;
    parts.push(
      '',
      md ? `### ${mdText(title)}` : title,
      ...(md ? [''] : []),
      md ? mdTable(head, rows, align) : textTable(head, rows, align),
    );
    if (g.verdict) parts.push('', md ? `**${mdText(g.verdict)}**` : g.verdict);
    if (g.platformNote) parts.push('', md ? mdText(g.platformNote) : g.platformNote);
  }
  if (r.warnings.length) parts.push('', ...r.warnings.map((w) => `warning: ${md ? mdText(w) : w}`));
  parts.push(
    '',
    'MAdds: multiply-adds (held fixed across the rows of a width, within rounding); MAC: memory access cost in ' +
      "elements; relative: speed / the first row's speed at the same width. A verdict tests the guideline's own " +
      'order of the rows: Spearman of the speeds with it per width, averaged; p from the exact permutation ' +
      'distribution with no trend; its stability from resampling whole interleaved rounds. The paper rows are ' +
      'shown for comparison.',
  );
  return `${parts.join('\n').replace(/^\n/, '')}\n`;
}
