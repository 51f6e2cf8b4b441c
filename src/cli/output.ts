/**
 * What a command prints, to stdout or (`-o FILE`) to a file written whole or not at all. Text
 * formats are escaped line by line (names from input files may hold control characters that would
 * move a terminal's cursor); JSON keeps every string raw.
 */
import type { Document } from '../result/document.ts';
import { render } from '../result/write.ts';
import { writeFileAtomic } from '../util/fs.ts';
import { printable, say } from '../util/text.ts';
import type { Output } from './options.ts';

export function emit(text: string, format: string, output?: string): void {
  const out = format === 'json' ? text : text.split('\n').map(printable).join('\n');
  if (output === undefined) process.stdout.write(out);
  else writeFileAtomic(output, out);
}

/** A command's document, in the asked format, to stdout or the `-o` file. */
export async function show(doc: Document, out: Output): Promise<void> {
  emit(await render(doc, out.format, out.options), out.format, out.file);
}

/** Warnings go to stderr, where a pipe does not hide them; every document also has them in a section of its own. */
export function sayWarnings(warnings: string[]): void {
  for (const w of warnings) say(`warning: ${w}`);
}
