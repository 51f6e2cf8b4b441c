/**
 * Control flow: If, Loop and Scan, whose subgraphs are read like the main graph, their layers
 * under the node that owns them.
 *
 * - If: a condition that folds to a constant costs its taken branch. Otherwise both branches are
 *   read and reported; the larger (by MAdds, then FLOPs, then MAC) is counted, the other's layers
 *   run 0 times, and a note says so. A branch that cannot run at the given shapes is left out,
 *   with a note naming why; the other is costed.
 * - Loop: a constant trip count (or `--loop-trips N` for one known only at run time) costs the body
 *   that many times (each body layer's `runs`). Loop-carried values must keep their shapes.
 * - Scan: the trips are the scan inputs' length along their scan axis.
 * Per-iteration (scan) outputs are stacked by a `control` layer named after the node.
 */
import { layerCost } from '../cost/analyze.ts';
import { NetcostError } from '../errors.ts';
import type { Layer } from '../graph/types.ts';
import { ShapeError } from '../ops/op.ts';
import type { Frame, ReadContext } from './graph-reader.ts';
import { Attrs, type GraphProto, type NodeProto } from './proto.ts';
import type { TensorInfo } from './scope.ts';
import { bind, readSubgraph, scalarConstant, shown, snapshot, stack, subgraph } from './subgraph.ts';

/** Work of a branch per inference: MAdds, then FLOPs, then MAC (compared in that order). */
function work(layers: Layer[]): [number, number, number] {
  const t: [number, number, number] = [0, 0, 0];
  for (const l of layers) {
    const c = layerCost(l, 4);
    t[0] += c.madds;
    t[1] += c.flops;
    t[2] += c.memoryAccess;
  }
  return t;
}

function readIf(ctx: ReadContext, n: NodeProto, name: string, frame: Frame): void {
  ctx.ifs++;
  const outs = (n.output ?? []).filter((o) => o);
  const cond = frame.scope.get(n.input?.[0] ?? '');
  if (!cond) throw new ShapeError('the condition (input 1) is missing');
  if (cond.type !== 'bool' || cond.shape.reduce((a, d) => a * d, 1) !== 1)
    throw new ShapeError(
      `the condition is ${cond.type} of shape ${shown(cond.shape)}; an If condition is one bool ` +
        '(a tensor of 1 element)',
    );
  const branches = ['then', 'else'] as const;
  const graphs = new Map(branches.map((b) => [b, subgraph(n, `${b}_branch`)] as const));
  for (const [b, g] of graphs) {
    const gives = (g.output ?? []).length;
    if (gives !== outs.length)
      throw new ShapeError(
        `the node names ${outs.length} output${outs.length === 1 ? '' : 's'} but its ${b} branch gives ${gives}; ` +
          'both branches give one value per output',
      );
  }
  if (cond.constant && !cond.varying) {
    const taken = cond.constant.value().data[0] ? 'then' : 'else';
    const r = readSubgraph(ctx, graphs.get(taken) as GraphProto, frame, {
      owner: name,
      branch: taken,
      kind: 'if',
      runs: frame.runs,
      inputs: [],
    });
    bind(frame, outs, r.outputs);
    ctx.notes.push(`If '${name}': its condition is a constant (${taken === 'then'}): costed as its ${taken} branch`);
    return;
  }
  const read = branches.map((b) => readBranch(ctx, graphs.get(b) as GraphProto, frame, name, b));
  const fails = read.map((r) => ('error' in r ? r.error : undefined));
  if (fails[0] && fails[1]) throw fails[0];
  const ran = fails.indexOf(undefined);
  if (fails[0] || fails[1]) {
    const r = read[ran] as ReturnType<typeof readSubgraph>;
    bind(frame, outs, r.outputs);
    const why = (fails[1 - ran] as Error).message.replace(`${ctx.file}: `, '');
    ctx.notes.push(
      `If '${name}': its ${branches[1 - ran]} branch cannot run at these shapes (${why}): costed as its ` +
        `${branches[ran]} branch`,
    );
    return;
  }
  const [a, b] = (read as ReturnType<typeof readSubgraph>[]).map((r) => work(r.layers));
  const larger = a[0] !== b[0] ? (a[0] > b[0] ? 0 : 1) : a[1] !== b[1] ? (a[1] > b[1] ? 0 : 1) : a[2] >= b[2] ? 0 : 1;
  const other = 1 - larger;
  const both = read as ReturnType<typeof readSubgraph>[];
  for (const l of both[other].layers) l.runs = 0;
  const skipped = both[other].body;
  if (skipped) skipped.runs = 0;
  const outShapes = both.map((r) => r.outputs.map((o) => shown(o.shape)).join(', '));
  const differ =
    outShapes[0] !== outShapes[1] ? ` (the branches' outputs differ: ${outShapes[0]} and ${outShapes[1]})` : '';
  bind(frame, outs, both[larger].outputs);
  ctx.notes.push(
    `If '${name}': its condition is known only at run time: both branches are reported and the larger, ` +
      `${branches[larger]} (${[a, b][larger][0].toLocaleString('en-US')} MAdds), ` +
      `is counted; the ${branches[other]} branch (${[a, b][other][0].toLocaleString('en-US')} MAdds) is not${differ}`,
  );
}

/**
 * One branch of an If whose condition is known only at run time, or why it cannot run at these
 * shapes (a branch for 8 kHz audio given a 16 kHz chunk): what it added to the context is taken back.
 */
function readBranch(
  ctx: ReadContext,
  g: GraphProto,
  frame: Frame,
  owner: string,
  branch: 'then' | 'else',
): ReturnType<typeof readSubgraph> | { error: Error } {
  const restore = snapshot(ctx);
  try {
    return readSubgraph(ctx, g, frame, { owner, branch, kind: 'if', runs: frame.runs, inputs: [] });
  } catch (e) {
    if (!(e instanceof ShapeError) && !(e instanceof NetcostError)) throw e;
    restore();
    return { error: e };
  }
}

/** A Loop's trips: its constant trip count (0 when its first condition is a constant false), or `--loop-trips`. */
function loopTrips(ctx: ReadContext, n: NodeProto, frame: Frame): { trips: number; given: boolean } {
  const m = n.input?.[0] ? frame.scope.get(n.input[0]) : undefined;
  const cond = n.input?.[1] ? frame.scope.get(n.input[1]) : undefined;
  if (cond?.constant && !cond.varying && cond.constant.value().data[0] === 0) return { trips: 0, given: false };
  if (m?.constant && !m.varying) {
    const trips = m.constant.value().data[0];
    if (!Number.isSafeInteger(trips) || trips < 0)
      throw new ShapeError(`the trip count ${trips} is not a whole number >= 0`);
    return { trips, given: false };
  }
  if (ctx.loopTrips !== undefined) return { trips: ctx.loopTrips, given: true };
  throw new ShapeError('its trip count is known only at run time; give the trips to cost it with --loop-trips N');
}

/** Trips a Loop whose shapes change from trip to trip is unrolled up to (each trip read as its own subgraph). */
const MAX_UNROLLED_TRIPS = 256;

/**
 * A Loop's body read once for all its trips (each body layer runs `trips` times), its loop-carried
 * values as they enter: undefined when its shapes depend on the trip (then it is unrolled).
 */
function loopOnce(
  ctx: ReadContext,
  body: GraphProto,
  frame: Frame,
  name: string,
  trips: number,
  carried: TensorInfo[],
) {
  const restore = snapshot(ctx);
  // a trip runs only while the condition holds: inside the body it is true
  const inputs: TensorInfo[] = [
    { id: '', shape: [], type: 'int64', varying: true },
    scalarConstant(`${name}/cond`, 'bool', 1),
    ...carried.map((t) => ({ id: t.id, shape: t.shape, type: t.type, varying: true })),
  ];
  try {
    const r = readSubgraph(ctx, body, frame, { owner: name, kind: 'loop', runs: frame.runs * trips, inputs });
    const finals = r.outputs.slice(1, 1 + carried.length);
    if (finals.some((f, k) => f.shape.join() !== carried[k].shape.join() || f.sequence !== undefined)) {
      restore();
      return undefined;
    }
    return { finals, scans: r.outputs.slice(1 + carried.length), cond: r.outputs[0] };
  } catch (e) {
    if (!(e instanceof ShapeError) && !(e instanceof NetcostError)) throw e;
    restore();
    return undefined;
  }
}

/** A Loop's body read trip by trip, each with its iteration number and carried values as constants. */
function loopUnrolled(
  ctx: ReadContext,
  body: GraphProto,
  frame: Frame,
  name: string,
  trips: number,
  carried: TensorInfo[],
) {
  if (trips > MAX_UNROLLED_TRIPS) {
    throw new ShapeError(
      `its body's shapes change from trip to trip, and netcost unrolls at most ${MAX_UNROLLED_TRIPS} trips (it has ` +
        `${trips})`,
    );
  }
  let state = carried;
  const scans: TensorInfo[][] = [];
  let cond: TensorInfo | undefined;
  for (let i = 0; i < trips; i++) {
    const inputs = [
      scalarConstant(`${name}/${i}/iter`, 'int64', i),
      scalarConstant(`${name}/${i}/cond`, 'bool', 1),
      ...state,
    ];
    const r = readSubgraph(ctx, body, frame, {
      owner: name,
      branch: String(i),
      kind: 'loop',
      runs: frame.runs,
      inputs,
    });
    state = r.outputs.slice(1, 1 + carried.length);
    scans.push(r.outputs.slice(1 + carried.length));
    cond = r.outputs[0];
  }
  return { finals: state, scans, cond };
}

function readLoop(ctx: ReadContext, n: NodeProto, name: string, frame: Frame): void {
  const outs = n.output ?? [];
  const { trips, given } = loopTrips(ctx, n, frame);
  const body = subgraph(n, 'body');
  const carried = (n.input ?? []).slice(2).map((x, k) => {
    const t = frame.scope.get(x);
    if (!t) throw new ShapeError(`loop-carried value ${k + 1} is missing`);
    return t;
  });
  const gives = (body.output ?? []).length;
  if (gives < 1 + carried.length)
    throw new ShapeError(
      `its body gives ${gives} outputs; a Loop body gives its condition and then the ${carried.length} carried ` +
        'value(s) first',
    );
  const scanCount = gives - 1 - carried.length;
  if (outs.length > carried.length + scanCount)
    throw new ShapeError(
      `the node names ${outs.length} outputs, but its body gives ${carried.length} carried value` +
        `${carried.length === 1 ? '' : 's'} and ${scanCount} scan output${scanCount === 1 ? '' : 's'}; ` +
        'name at most those',
    );
  const once = trips > 0 ? loopOnce(ctx, body, frame, name, trips, carried) : undefined;
  const r = once ?? loopUnrolled(ctx, body, frame, name, trips, carried);
  bind(frame, outs.slice(0, carried.length), trips === 0 ? carried : r.finals);
  // each scan output's tensors: one standing for every trip, or one per unrolled trip
  const perTrip = once ? [r.scans as TensorInfo[]] : (r.scans as TensorInfo[][]);
  const parts = (perTrip[0] ?? []).map((_, k) => perTrip.map((s) => s[k]));
  stack(
    ctx,
    frame,
    name,
    'Loop',
    trips,
    parts,
    outs.slice(carried.length),
    parts.map(() => 0),
  );
  // the body's condition may end the loop early unless it is a constant true
  const c = r.cond;
  const early = trips > 0 && !(c?.constant && !c.varying && c.constant.value().data[0] !== 0);
  const count = `${trips.toLocaleString('en-US')} trip${trips === 1 ? '' : 's'}`;
  const how = once
    ? `its body is counted ${trips.toLocaleString('en-US')} times`
    : 'its shapes change from trip to trip: unrolled, each trip read on its own';
  ctx.notes.push(
    `Loop '${name}': ${count}${given ? ' (--loop-trips)' : ''}` +
      `${early ? ' at most (its condition may end it earlier)' : ''}: ${how}`,
  );
}

/**
 * Scan. Before opset 9 its inputs start with the sequence lengths (optional) and every input and
 * output carries a batch axis 0, the scan axis 1: the body runs per batch item and step.
 */
function readScan(ctx: ReadContext, n: NodeProto, name: string, frame: Frame, opset: number): void {
  const batched = opset < 9;
  const a = new Attrs(n);
  const count = a.int('num_scan_inputs', 0);
  const given = (n.input ?? []).slice(batched ? 1 : 0).map((x, k) => {
    const t = frame.scope.get(x);
    if (!t) throw new ShapeError(`input ${k + (batched ? 2 : 1)} is missing`);
    return t;
  });
  if (count < 1 || count > given.length)
    throw new ShapeError(`num_scan_inputs ${count} does not fit its ${given.length} inputs`);
  const batch = batched ? (given[0].shape[0] ?? 0) : 1;
  if (batched && given.some((t) => t.shape[0] !== batch))
    throw new ShapeError(
      `Scan before opset 9 needs one batch size on every input; got ${given.map((t) => shown(t.shape)).join(', ')}`,
    );
  const items = batched ? given.map((t) => ({ ...t, shape: t.shape.slice(1) })) : given;
  const states = items.slice(0, items.length - count);
  const scanned = items.slice(items.length - count);
  const axes = scanned.map((t, k) => {
    const ax = batched ? 0 : (a.ints('scan_input_axes')?.[k] ?? 0);
    const r = ax < 0 ? ax + t.shape.length : ax;
    if (r < 0 || r >= t.shape.length) throw new ShapeError(`scan axis ${ax} is out of range for ${shown(t.shape)}`);
    return r;
  });
  const trips = scanned[0].shape[axes[0]];
  for (const [k, t] of scanned.entries()) {
    if (t.shape[axes[k]] !== trips)
      throw new ShapeError(`scan inputs differ in length (${trips} and ${t.shape[axes[k]]})`);
  }
  const inputs: TensorInfo[] = [
    ...states.map((t) => ({ id: '', shape: t.shape, type: t.type, varying: true })),
    ...scanned.map((t, k) => ({ id: '', shape: t.shape.filter((_, i) => i !== axes[k]), type: t.type, varying: true })),
  ];
  const r = readSubgraph(ctx, subgraph(n, 'body'), frame, {
    owner: name,
    kind: 'scan',
    runs: frame.runs * trips * batch,
    inputs,
  });
  const outs = n.output ?? [];
  if (outs.length > r.outputs.length)
    throw new ShapeError(
      `the node names ${outs.length} outputs, but its body gives ${r.outputs.length} (the ${states.length} ` +
        'state value(s), then the scan outputs); name at most those',
    );
  // before opset 9 each output has the batch axis in front
  const rebatched = batched ? r.outputs.map((o) => ({ ...o, shape: [batch, ...o.shape] })) : r.outputs;
  bind(frame, outs.slice(0, states.length), rebatched.slice(0, states.length));
  const parts = rebatched.slice(states.length);
  const outAxes = parts.map((p, k) => {
    const ax = batched ? 1 : (a.ints('scan_output_axes')?.[k] ?? 0);
    const at = ax < 0 ? ax + p.shape.length + 1 : ax;
    if (at < 0 || at > p.shape.length)
      throw new ShapeError(`scan_output_axes[${k}] ${ax} is out of range for a ${p.shape.length + 1}-D stacked output`);
    return at;
  });
  stack(
    ctx,
    frame,
    name,
    'Scan',
    trips,
    parts.map((p) => [p]),
    outs.slice(states.length),
    outAxes,
  );
  const per = batched && batch !== 1 ? ` for each of ${batch} batch items` : '';
  ctx.notes.push(
    `Scan '${name}': ${trips.toLocaleString('en-US')} trips${per}: its body is counted ` +
      `${(trips * batch).toLocaleString('en-US')} times`,
  );
}

export function readControl(ctx: ReadContext, n: NodeProto, name: string, frame: Frame): void {
  if (n.opType === 'If') readIf(ctx, n, name, frame);
  else if (n.opType === 'Loop') readLoop(ctx, n, name, frame);
  else readScan(ctx, n, name, frame, ctx.opsets.get('') ?? 1);
}
