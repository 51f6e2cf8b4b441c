/** README's table of the real-world corpus, from scripts/corpus/real.json. */
export function realCorpusMarkdown(): string;
/** The flags a file of real.json needs, as netcost's CLI spells them. */
export function flagsOf(f: {
  inputs?: Record<string, number[]>;
  dims?: Record<string, number>;
  values?: Record<string, number[]>;
}): string[];
