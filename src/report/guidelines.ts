/** `netcost guidelines` as a document: per guideline, its rows against the paper's and its verdict. */
import type { GuidelineResult, GuidelinesReport } from '../guidelines/guidelines.ts';
import {
  type Cell,
  type Column,
  type Document,
  lines,
  num,
  type Section,
  type TableSection,
  text,
} from '../result/document.ts';
import { guidelineCharts } from './charts/commands.ts';

const BOUNDS = ['compute', 'memory', 'balanced', 'overhead'] as const;

/** The rows of some guidelines (one, or all of them for CSV) in one table. */
function rowsTable(gs: GuidelineResult[]): Omit<TableSection, 'id'> {
  const hasBound = gs.some((g) => g.rows.some((x) => x.macLowerBound !== undefined));
  const hasPred = gs.some((g) => g.rows.some((x) => x.predictedMs !== undefined));
  const mega = (key: string, title: string) => num(key, title, 'fixed', { digits: 2 });
  const columns: Column[] = [
    text('guideline', 'guideline', { only: 'csv' }),
    text('row'),
    text('width'),
    text('input'),
    mega('maddsM', 'MAdds (M)'),
    mega('memoryAccessM', 'MAC (M el)'),
    ...(hasBound ? [mega('macLowerBoundM', 'Eq.1 bound (M el)')] : []),
    num('imagesPerSecond', 'images/s', 'fixed', { digits: 1 }),
    num('relative', 'relative', 'ratio'),
    num('paperImagesPerSecond', 'paper images/s', 'fixed', { digits: 1 }),
    num('paperRelative', 'paper relative', 'ratio'),
    ...(hasPred
      ? [
          num('predictedMs', 'predicted ms', 'fixed'),
          num('predictedRelative', 'pred relative', 'ratio'),
          text('bounds', 'bound % (compute/memory/balanced/overhead)'),
        ]
      : []),
  ];
  const rows = gs.flatMap((g) =>
    g.rows.map((x): Cell[] => [
      `${g.id}${g.construction ? ` (${g.construction})` : ''}`,
      x.label,
      x.width,
      x.input.join('x'),
      x.madds / 1e6,
      x.memoryAccess / 1e6,
      ...(hasBound ? [x.macLowerBound === undefined ? null : x.macLowerBound / 1e6] : []),
      x.imagesPerSecond ?? null,
      x.relative ?? null,
      x.paperImagesPerSecond,
      x.paperRelative,
      ...(hasPred
        ? [
            x.predictedMs ?? null,
            x.predictedRelative ?? null,
            x.boundShares
              ? BOUNDS.map((k) => (100 * (x.boundShares as Record<string, number>)[k]).toFixed(0)).join('/')
              : null,
          ]
        : []),
    ]),
  );
  return { kind: 'table', columns, rows };
}

function guidelineSections(g: GuidelineResult): Section[] {
  const id = `${g.id}${g.construction ? '-aligned' : ''}`.toLowerCase();
  const built = g.construction ? `, built with ${g.construction}` : '';
  return [
    {
      ...rowsTable([g]),
      id,
      title:
        `${g.id} (paper ${g.table}${built}; paper figures from ${g.platform}): ${g.claim}; ` +
        `tested: ${g.hypothesis}`,
    },
    ...(g.verdict ? [lines(`${id}-verdict`, [g.verdict], 'strong')] : []),
    ...(g.platformNote ? [lines(`${id}-note`, [g.platformNote])] : []),
  ];
}

/** The guidelines timed again because their first pass left the verdict open, and on how many runs. */
function again(r: GuidelinesReport): string {
  const more = r.results.filter((g) => g.passes);
  if (!more.length) return '';
  const each = more.map((g) => `${g.id}${g.construction ? ` (${g.construction})` : ''} on ${g.runs}`).join(', ');
  const cap = r.maxRuns ? ` (up to ${r.maxRuns})` : '';
  return `; timed again while a verdict was inconclusive at this noise${cap}: ${each}`;
}

export function guidelinesDocument(r: GuidelinesReport): Document {
  const head = r.env
    ? [
        `Measured on ${r.env.cpu} (${r.env.cores} cores) with onnxruntime ${r.env.onnxruntime}, ` +
          `${r.env.threads} intra-op thread${r.env.threads === 1 ? '' : 's'}, batch 1, median of ${r.runs} runs per ` +
          `network (rows of one width timed interleaved)${again(r)}. Paper speeds are its own platform figures; ` +
          'compare the relative columns, not the absolute ones.',
      ]
    : [];
  // every row of every guideline in one table: what CSV writes and --sort / --top apply to
  const all: TableSection = { ...rowsTable(r.results), id: 'rows', primary: true, csvOnly: true };
  const sections: Section[] = [all, ...r.results.flatMap(guidelineSections)];
  if (r.warnings.length) sections.push(lines('warnings', r.warnings, 'warning', 'Warnings'));
  sections.push(
    lines('legend', [
      'MAdds: multiply-adds (held fixed across the rows of a width, within rounding); MAC: memory access cost in ' +
        "elements; relative: speed / the first row's speed at the same width. A verdict tests the guideline's own " +
        'order of the rows: Spearman of the speeds with it per width, averaged; p from the exact permutation ' +
        'distribution with no trend; its stability from resampling whole interleaved rounds. G3 and G4 name two ' +
        'effects each, tested apart (log-speed contrasts within blocks of rows, every permutation within the ' +
        'blocks, the same resampling); their verdict combines the two. The paper rows are shown for comparison.',
    ]),
  );
  return {
    title: "netcost guidelines: ShuffleNet V2's G1-G4 on this machine",
    head,
    sections,
    data: r,
    charts: () => guidelineCharts(r),
  };
}
