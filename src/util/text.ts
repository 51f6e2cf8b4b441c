/**
 * Names come from input files and may hold anything. Shown on a terminal they are escaped: a
 * control character becomes `\xNN` (`\n`, `\t` and `\r` as such), so a name can neither move the
 * cursor nor split a one-line message. JSON keeps them raw.
 */
// and the bidirectional controls (U+200E/F, U+202A-E, U+2066-9), which reorder what follows them on screen
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r' };

export const printable = (s: string): string =>
  s.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return NAMED[c] ?? (code > 0xff ? `\\u${code.toString(16)}` : `\\x${code.toString(16).padStart(2, '0')}`);
  });

/** One line on stderr: `netcost: <message>`, escaped. */
export const say = (message: string): void => {
  process.stderr.write(`netcost: ${printable(message)}\n`);
};

/**
 * A name as Markdown text (pull-request comments render it): control characters escaped as on a
 * terminal, HTML as entities, and every character that can open Markdown markup (emphasis, links,
 * images, code, tables, strikethrough, autolinks) backslash-escaped, so `<img src=x>` or
 * `[a](http://b)` in a layer name shows as those characters.
 */
export const mdText = (s: string): string =>
  printable(s)
    .replace(/[\\`*_[\]|~!#]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/:\/\//g, '\\://')
    .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}\\.`);
