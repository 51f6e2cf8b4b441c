/**
 * Sweeps: `--input` given twice for one input (`--input 1x3x160x160 --input 1x3x224x224`) and
 * `--dim` with several sizes (`--dim batch=1,8,32`) ask for the model at each size, their product
 * when several vary. Each binding has a label naming what varies (`batch=8`, `1x3x224x224`).
 */
import { UsageError } from '../errors.ts';
import { fmtLimit, LIMITS } from '../limits.ts';
import type { InputBinding } from '../pipeline.ts';
import { parseDims } from '../spec/load.ts';
import { type InputFlags, nameValue, parsePositiveInt, parseValueFlags } from './options.ts';

export interface SweepPoint {
  binding: InputBinding;
  /** what varies across the sweep at this point ('' when nothing does) */
  label: string;
}

/** `--input` values by input name ('*': a model's only input), each name's shapes in order. */
function inputShapes(list: string[]): Map<string, number[][]> {
  const out = new Map<string, number[][]>();
  for (const v of list) {
    const m = nameValue(v);
    const [name, text] = m ? [m[1], m[2]] : ['*', v];
    const dims = parseDims(text);
    if (!dims)
      throw new UsageError(
        `--input: '${v}' is not a shape; write its dimensions joined by x (1x3x224x224 for an image, 1x16000 for ` +
          `a second of 16 kHz audio; each from 1 to ${fmtLimit(LIMITS.dimension)}), or name=shape for one input of ` +
          'an ONNX file',
      );
    out.set(name, [...(out.get(name) ?? []), dims]);
  }
  return out;
}

/** `--dim name=N[,N...]` sizes by dimension name. */
function dimSizes(list: string[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const v of list) {
    const m = nameValue(v);
    if (!m)
      throw new UsageError(`--dim: '${v}' is not name=N; write, for example, --dim batch=8 or --dim batch=1,8,32`);
    if (out.has(m[1])) throw new UsageError(`--dim: two --dim flags for '${m[1]}'; give its sizes in one: ${m[1]}=1,8`);
    out.set(
      m[1],
      m[2].split(',').map((s) => parsePositiveInt(`--dim ${m[1]}`, s, 1, LIMITS.dimension)),
    );
  }
  return out;
}

/** Every point the flags ask for, in the order given (the last flag varying fastest). */
export function parseSweep(o: InputFlags): SweepPoint[] {
  const values = parseValueFlags(o.value);
  const loopTrips =
    o.loopTrips !== undefined ? parsePositiveInt('--loop-trips', o.loopTrips, 0, LIMITS.repeat) : undefined;
  type Partial = { inputs: Record<string, number[]>; dims: Record<string, number>; label: string[] };
  // names are data: null-prototype objects, so `__proto__` is a name like any other
  let points: Partial[] = [{ inputs: Object.create(null), dims: Object.create(null), label: [] }];
  const vary = <T>(choices: T[], set: (p: Partial, v: T) => void, label: (v: T) => string) => {
    points = points.flatMap((p) =>
      choices.map((v) => {
        const q = {
          inputs: Object.assign(Object.create(null), p.inputs),
          dims: Object.assign(Object.create(null), p.dims),
          label: [...p.label],
        };
        set(q, v);
        if (choices.length > 1) q.label.push(label(v));
        return q;
      }),
    );
  };
  for (const [name, shapes] of inputShapes(o.input ?? []))
    vary(
      shapes,
      (p, s) => (p.inputs[name] = s),
      (s) => (name === '*' ? s.join('x') : `${name}=${s.join('x')}`),
    );
  for (const [name, sizes] of dimSizes(o.dim ?? []))
    vary(
      sizes,
      (p, n) => (p.dims[name] = n),
      (n) => `${name}=${n}`,
    );
  if (points.length > LIMITS.sweep)
    throw new UsageError(`--input and --dim ask for ${points.length} sizes; a sweep takes at most ${LIMITS.sweep}`);
  return points.map((p) => ({
    binding: {
      inputs: p.inputs,
      ...(Object.keys(p.dims).length ? { dims: p.dims } : {}),
      ...(Object.keys(values).length ? { values } : {}),
      ...(loopTrips !== undefined ? { loopTrips } : {}),
    },
    label: p.label.join(' '),
  }));
}

/** The one binding of a command that takes no sweep; several sizes are refused, naming those that do. */
export function parseInputFlags(o: InputFlags, command: string): InputBinding {
  const points = parseSweep(o);
  if (points.length > 1)
    throw new UsageError(
      `${command} takes one size per input; ${points.length} were given (--input twice for one input, or ` +
        '--dim with several sizes): a sweep is for report, compare and bench',
    );
  return points[0].binding;
}
