/** `netcost list` as a document: the built-in models with their params and MAdds. */
import { SCHEMA_VERSION } from '../cost/analyze.ts';
import { costReport } from '../pipeline.ts';
import { type Document, lines, num, text } from '../result/document.ts';
import { shape } from '../result/format.ts';
import { builtinModels } from '../spec/load.ts';

export async function listDocument(): Promise<Document> {
  const models = (await builtinModels()).map((m) => {
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
  return {
    title: 'netcost: built-in models',
    head: [],
    sections: [
      {
        kind: 'table',
        id: 'models',
        label: 'Built-in models',
        primary: true,
        columns: [
          text('name', 'model'),
          num('params', 'params', 'int', { scaled: true }),
          num('madds', 'MAdds', 'count', { scaled: true }),
          text('input'),
          text('file', 'spec file'),
        ],
        rows: models.map((m) => [m.name, m.params, m.madds, shape(m.input), m.file]),
      },
      lines('legend', [
        'MAdds: multiply-adds of conv and linear layers (what the ShuffleNet papers call FLOPs); K, M, G = 10^3, ' +
          '10^6, 10^9. `netcost report <model>` for the per-layer view.',
      ]),
    ],
    data: { schemaVersion: SCHEMA_VERSION, models },
  };
}
