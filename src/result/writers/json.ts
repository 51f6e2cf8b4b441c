/** `--format json`: the command's result as the library returns it, whole (the options shape only the views). */
import type { Document } from '../document.ts';

export const write = (doc: Document): string => `${JSON.stringify(doc.data, null, 2)}\n`;
