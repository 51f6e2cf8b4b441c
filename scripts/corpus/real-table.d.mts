/** README's table of the real-world corpus, from scripts/corpus/real.json. */
export function realCorpusMarkdown(): string;
