/**
 * Names come from input files and may hold anything. Shown on a terminal they are escaped: a
 * control character becomes `\xNN` (`\n`, `\t` and `\r` as such), so a name can neither move the
 * cursor nor split a one-line message. JSON keeps them raw.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r' };

export const printable = (s: string): string =>
  s.replace(CONTROL, (c) => NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

/** One line on stderr: `netcost: <message>`, escaped. */
export const say = (message: string): void => {
  process.stderr.write(`netcost: ${printable(message)}\n`);
};
