import { listDocument } from '../../report/list.ts';
import { type OutputFlags, parseOutput } from '../options.ts';
import { show } from '../output.ts';

export async function list(o: OutputFlags): Promise<void> {
  await show(await listDocument(), parseOutput(o));
}
