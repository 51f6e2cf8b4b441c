/** The one-way pipeline as single calls: model spec -> graph -> (deploy view) -> costs. */
import { analyze, type CostReport, type Dtype } from './cost/analyze.ts';
import { buildGraph } from './graph/build.ts';
import { deployGraph } from './graph/deploy.ts';
import type { Graph, View } from './graph/types.ts';
import { withInput, type Nchw } from './spec/load.ts';
import type { ModelSpec } from './spec/types.ts';

export interface CostOptions {
  view?: View;
  dtype?: Dtype;
  /** override the spec's input shape */
  input?: Nchw;
}

export function graphOf(model: ModelSpec, opts: Pick<CostOptions, 'view' | 'input'> = {}): Graph {
  const g = buildGraph(withInput(model, opts.input));
  return opts.view === 'deploy' ? deployGraph(g) : g;
}

export function costReport(model: ModelSpec, opts: CostOptions = {}): CostReport {
  return analyze(graphOf(model, opts), opts.dtype ?? 'fp32');
}
