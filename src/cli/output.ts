/**
 * What a command prints, to stdout or (`-o FILE`) to a file written whole or not at all. Text
 * formats are escaped line by line (names from input files may hold control characters that would
 * move a terminal's cursor); JSON keeps every string raw.
 */
import { writeFileAtomic } from '../util/fs.ts';
import { printable } from '../util/text.ts';

export function emit(text: string, format: string, output?: string): void {
  const out = format === 'json' ? text : text.split('\n').map(printable).join('\n');
  if (output === undefined) process.stdout.write(out);
  else writeFileAtomic(output, out);
}
