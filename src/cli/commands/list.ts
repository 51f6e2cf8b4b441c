import { SCHEMA_VERSION } from '../../cost/analyze.ts';
import { costReport } from '../../pipeline.ts';
import { count, csvLine, int, mdTable, shape, unitHead } from '../../report/format.ts';
import { textTable } from '../../report/table.ts';
import { builtinModels } from '../../spec/load.ts';
import { parseFormat, parseUnits } from '../options.ts';
import { emit } from '../output.ts';

export async function list(o: { format: string; output?: string; units: string }): Promise<void> {
  const units = parseUnits(o.units);
  const format = parseFormat(o.format);
  const rows = (await builtinModels()).map((m) => {
    const r = costReport(m);
    return {
      name: m.name,
      file: m.file,
      input: m.input,
      params: r.totals.params,
      madds: r.totals.madds,
      description: m.description ?? '',
    };
  });
  if (format === 'json') {
    emit(`${JSON.stringify({ schemaVersion: SCHEMA_VERSION, models: rows }, null, 2)}\n`, format, o.output);
    return;
  }
  if (format === 'csv') {
    const lines = rows.map((r) => csvLine([r.name, r.file, shape(r.input), r.params, r.madds]));
    emit(`${[csvLine(['name', 'file', 'input', 'params', 'madds']), ...lines].join('\n')}\n`, format, o.output);
    return;
  }
  const head = ['model', 'params', unitHead('MAdds', units), 'input', 'spec file'];
  const cells = rows.map((r) => [r.name, int(r.params), count(r.madds, units), shape(r.input), r.file]);
  const align: ('l' | 'r')[] = ['l', 'r', 'r', 'l', 'l'];
  const note =
    'MAdds: multiply-adds of conv and linear layers (what the ShuffleNet papers call FLOPs); K, M, G = 10^3, 10^6, ' +
    '10^9. `netcost ' +
    'report <model>` for the per-layer view.';
  const text =
    format === 'md' ? `${mdTable(head, cells, align)}\n\n${note}\n` : `${textTable(head, cells, align)}\n${note}\n`;
  emit(text, format, o.output);
}
