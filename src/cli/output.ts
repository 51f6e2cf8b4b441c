/**
 * What a command prints. Text formats are escaped line by line (names from input files may hold
 * control characters that would move a terminal's cursor); JSON keeps every string raw.
 */
import { printable } from '../util/text.ts';

export function emit(text: string, format: string): void {
  process.stdout.write(format === 'json' ? text : text.split('\n').map(printable).join('\n'));
}
