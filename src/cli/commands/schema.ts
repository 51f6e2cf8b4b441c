import { specJsonSchema } from '../../spec/schema.ts';
import { emit } from '../output.ts';

export async function schema(o: { output?: string }): Promise<void> {
  emit(`${JSON.stringify(specJsonSchema(), null, 2)}\n`, 'json', o.output);
}
