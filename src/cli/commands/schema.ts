import { specJsonSchema } from '../../spec/schema.ts';

export async function schema(): Promise<void> {
  process.stdout.write(`${JSON.stringify(specJsonSchema(), null, 2)}\n`);
}
