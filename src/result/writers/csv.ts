/** `--format csv`: the primary table's rows (at `--depth`, `--sort`, `--top`) with raw numbers, keys as headers. */
import { UsageError } from '../../errors.ts';
import { rawValue } from '../cells.ts';
import type { Document, TableSection } from '../document.ts';
import { csvLine } from '../format.ts';
import { layout, type WriteOptions } from '../layout.ts';

export function write(doc: Document, o: WriteOptions): string {
  const tables = doc.sections.filter((s): s is TableSection => s.kind === 'table');
  const t = tables.find((s) => s.primary) ?? tables[0];
  if (!t) throw new UsageError(`--format csv: ${doc.title} has no table; --format json has all of it`);
  const laid = layout(t, o, { csv: true });
  const rows = [...laid.rows, ...(laid.total ? [laid.total] : [])];
  return `${[csvLine(laid.columns.map((c) => c.key)), ...rows.map((r) => csvLine(r.map(rawValue)))].join('\n')}\n`;
}
