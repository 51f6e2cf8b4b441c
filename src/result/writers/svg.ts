/** `--format svg`: one chart (`--chart NAME`, else the first) as a standalone SVG. */
import { UsageError } from '../../errors.ts';
import type { Document } from '../document.ts';
import type { WriteOptions } from '../layout.ts';
import { toSvg } from './render-svg.ts';

export async function write(doc: Document, o: WriteOptions): Promise<string> {
  const charts = doc.charts?.(o) ?? [];
  if (charts.length === 0) throw new UsageError(`--format svg: ${doc.noChart ?? `${doc.title} draws no chart`}`);
  const c = o.chart === undefined ? charts[0] : charts.find((x) => x.name === o.chart);
  if (!c)
    throw new UsageError(`--chart ${o.chart}: this output draws ${charts.map((x) => x.name).join(', ')}; choose one`);
  return toSvg(c.spec);
}
