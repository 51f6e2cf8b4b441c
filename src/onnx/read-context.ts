/** What a graph reader shares with the subgraphs and sequences it reads, and with the importer. */
import type { ElemType } from '../graph/dtype.ts';
import type { Layer, Shape } from '../graph/types.ts';
import type { Ruleless } from './blockers.ts';
import type { BodyRead } from './body-reads.ts';
import type { NodeProto } from './proto.ts';
import type { CostRules } from './rule-eval.ts';
import type { Scope } from './scope.ts';

/** What a graph reader shares with the subgraphs it reads and with the importer. */
export interface ReadContext {
  file: string;
  /** the model file's folder, where external data is looked up (undefined: the model came as bytes) */
  folder?: string;
  /** the opset of each domain the model imports ('' for the default domain) */
  opsets: ReadonlyMap<string, number>;
  rules?: CostRules;
  /** every op of the model without a rule (blockers.ts), named together when one of them stops the reading */
  ruleless: Ruleless[];
  /** every tensor name a node reads (an op without a rule whose outputs none reads can be left out) */
  read: ReadonlySet<string>;
  /** the graph outputs' names */
  graphOutputs: readonly string[];
  /** the trip count of Loops whose count is not a constant (`--loop-trips`) */
  loopTrips?: number;
  /** shapes and types the file declares for its tensors (value_info and graph outputs), by name */
  declared: Map<string, { shape?: Shape; type: ElemType }>;
  unknownOps: Map<string, number>;
  overridden: Set<string>;
  /** what the report should say about the reading (control flow taken, trip counts) */
  notes: string[];
  /** the layers read so far, in execution order */
  layers: Layer[];
  /** groups made by subgraphs: each subgraph layer's path below its owner's, and the groups' kinds */
  subgraphPaths: Map<string, string[]>;
  subgraphGroups: Map<string, string>;
  folded: number;
  /** the main graph's node names, which subgraph layers' names must not repeat */
  mainNames: ReadonlySet<string>;
  /** subgraph bodies read so far, attempts that were undone included (never restored: a budget) */
  subgraphsRead: { count: number };
  /** the main graph's subgraphs as read, for the latency model */
  bodies: BodyRead[];
  /** If nodes read, in any graph (control.ts) */
  ifs: number;
  fail(message: string): never;
  /** reads a node that owns subgraphs (If, Loop, Scan); set by control.ts */
  control?: (n: NodeProto, name: string, frame: Frame) => void;
}

/** Where a graph's nodes are read: its scope and how its layers are named and counted. */
export interface Frame {
  scope: Scope;
  /** prefix of layer names and tensor ids ('' for the main graph, `<owner>/<branch>/` inside a subgraph) */
  prefix: string;
  /** times each layer of this graph runs per inference */
  runs: number;
  /** group path below the owner's for layers of a subgraph */
  path: string[];
}
