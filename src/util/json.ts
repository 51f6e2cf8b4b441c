/**
 * JSON from a user's file. The error says where the text stops being JSON, never what it holds:
 * a config symlinked to a secret must not echo the secret (V8's messages quote the text).
 */

/** Why `text` is not JSON, by position only. */
export function jsonProblem(text: string, e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const at = /at position (\d+)/.exec(message);
  if (at) {
    const before = text.slice(0, Number(at[1]));
    const line = before.split('\n').length;
    const where = `line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
    // V8's reasons with a position name the grammar ("Expected ',' or ']' after array element"), not the text
    const why = message.startsWith('Unexpected token') ? '' : `: ${message.replace(/ in JSON at position.*$/s, '')}`;
    return `not valid JSON at ${where}${why.toLowerCase()}`;
  }
  if (/end of JSON input/i.test(message)) return 'not valid JSON: it ends too early';
  return 'not valid JSON (an unexpected character)';
}

/** Parse `text`, or throw `fail(problem)`. */
export function parseJsonText(text: string, fail: (problem: string) => Error): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw fail(jsonProblem(text, e));
  }
}
