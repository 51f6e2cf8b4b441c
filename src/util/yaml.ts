/**
 * YAML from a user's file (a config, a rules file): every error the parser finds is refused (a
 * duplicate key, an unclosed bracket), said by position and kind, never by the file's contents.
 */
import { parseDocument } from 'yaml';

/** Parse `text`, or throw `fail(problem)`. */
export function parseYamlText(text: string, fail: (problem: string) => Error, maxAliasCount = 100): unknown {
  const doc = parseDocument(text, { uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const at = err.linePos ? ` at line ${err.linePos[0].line}, column ${err.linePos[0].col}` : '';
    throw fail(`not valid YAML${at} (${err.code.toLowerCase().replaceAll('_', ' ')})`);
  }
  try {
    return doc.toJS({ maxAliasCount });
  } catch {
    throw fail(`its YAML aliases expand past ${maxAliasCount} nodes; write the values out`);
  }
}
