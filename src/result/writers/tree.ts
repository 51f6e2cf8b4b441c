/** `--format tree`: the table view with each tree table shown as its hierarchy, every level down to `--depth`. */
import type { Document } from '../document.ts';
import type { WriteOptions } from '../layout.ts';
import { writeText } from './text.ts';

export const write = (doc: Document, o: WriteOptions): string => writeText(doc, o, true);
