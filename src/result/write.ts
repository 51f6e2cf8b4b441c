/**
 * The formats, one writer each: a new format is one file in writers/ and one line here; a new
 * command builds a Document and touches no writer. html and svg load vega on first use only.
 */
import type { Document } from './document.ts';
import { checkOptions, DEFAULT_OPTIONS, type WriteOptions } from './layout.ts';
import * as csv from './writers/csv.ts';
import * as json from './writers/json.ts';
import * as md from './writers/md.ts';
import * as table from './writers/text.ts';
import * as tree from './writers/tree.ts';

type Writer = (doc: Document, o: WriteOptions) => string | Promise<string>;

const WRITERS = {
  table: table.write,
  tree: tree.write,
  md: md.write,
  csv: csv.write,
  json: json.write,
  html: async (doc, o) => (await import('./writers/html.ts')).write(doc, o),
  svg: async (doc, o) => (await import('./writers/svg.ts')).write(doc, o),
} satisfies Record<string, Writer>;

export type Format = keyof typeof WRITERS;
export const FORMATS = Object.keys(WRITERS) as Format[];

/** A document in a format, at the output options (`--units`, `--depth`, `--sort`, `--top`, `--columns`, `--chart`). */
export async function render(doc: Document, format: Format, options: Partial<WriteOptions> = {}): Promise<string> {
  const o = { ...DEFAULT_OPTIONS, ...options };
  checkOptions(doc, o);
  return WRITERS[format](doc, o);
}
