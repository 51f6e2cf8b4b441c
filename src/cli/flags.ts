/** The option groups several commands share, declared once, and how --help shows their defaults. */
import type { Command, Option } from 'commander';
import { collect } from './options.ts';

/**
 * `--predict` and `--profile`, shared by report, compare, bench, guidelines and annotate; `threads`:
 * also `--threads` (the commands that time models have it already, for both).
 */
export function predictOptions(c: Command, threads = false): Command {
  if (threads) c.option('--threads <N>', "with --predict: the thread count to predict for (that count's profile)", '1');
  return c
    .option('--predict', "predicted latency from this machine's profile (make one with: netcost calibrate)")
    .option(
      '--profile <file>',
      'predict from this machine profile instead (one calibrated elsewhere); implies --predict. ' +
        'compare takes several: one predicted column per machine',
      collect,
      [] as string[],
    );
}

/** `--input`, `--dim`, `--loop-trips` and `--value`, shared by the commands that read ONNX files. */
export function inputOptions(c: Command, input: string): Command {
  return c
    .option('--input <[name=]NxCxHxW>', input, collect, [] as string[])
    .option(
      '--dim <name=N[,N...]>',
      'ONNX: the size of a symbolic dimension, wherever it appears (repeatable): --dim batch=8 --dim seq=128; ' +
        'several sizes (--dim batch=1,8,32), like --input twice for one input, sweep them in report, compare ' +
        'and bench: one row per size',
      collect,
      [] as string[],
    )
    .option('--loop-trips <N>', 'ONNX: the trips of a Loop whose trip count is known only at run time')
    .option(
      '--value <name=v[,v...]>',
      'ONNX: the value of an input that steers the graph, read as a constant and fed when timed (repeatable): ' +
        '--value sr=16000 picks the branch an If takes on it',
      collect,
      [] as string[],
    );
}

/**
 * The timing flags bench, compare --measure, check --measure and guidelines share. Defaults for
 * runs and warm-up belong to each command (parseRunFlags); the help states them.
 */
export function timingOptions(c: Command, runs: string, warmup: string, what = ''): Command {
  return c
    .option('--runs <N>', `timed runs per model${what} (default ${runs})`)
    .option('--warmup <N>', `warm-up runs per model${what} (default ${warmup})`)
    .option('--threads <N>', `onnxruntime intra-op threads${what}; 1 keeps numbers stable`, '1')
    .option('--opt-level <level>', 'onnxruntime graph optimisation: disabled | basic | extended | all', 'all');
}

/**
 * The output flags of every command that reports, declared once: the format (one writer each), the
 * file, and what the tables show. `file` is false where -o means something else (calibrate).
 */
export function outputOptions(c: Command, file = true): Command {
  c.option('--format <format>', 'table|tree|md|csv|json|html|svg', 'table');
  if (file) c.option('-o, --output <file>', 'write to this file (atomically) instead of standard output');
  return c
    .option('--units <unit>', 'counts in tables: auto (8.13M, 884.7K, 320) or one scale for all: 1 | K | M | G', 'auto')
    .option(
      '--depth <N>',
      'fold rows deeper than N into their group (1 = stages, 2 = units; all = every layer); tree: levels shown. ' +
        'Without it a table or tree of more than 250 layers shows the deepest levels that fit in 100 rows',
    )
    .option('--sort <column>', "the main table's rows largest first by a number column (params, madds, mac, ...)")
    .option('--top <N>', "only the main table's first N rows (after --sort); totals still count every row")
    .option(
      '--columns <names>',
      'add optional columns (report: kernel,stride,groups,dtype), drop one with -name (--columns=-flops), or ' +
        'name exactly those to show (--columns madds,mac)',
      collect,
      [] as string[],
    )
    .option('--chart <name>', 'with --format svg: the chart to draw (default: the first; a wrong name lists them)')
    .option(
      '--legend',
      "table and tree: end with the legend (what each column counts, each op's rule); md and html always do",
    );
}

export function describeOption(o: Option): string {
  const d = o.defaultValue as unknown;
  const shown =
    o.defaultValueDescription ?? (d === undefined || d === false || Array.isArray(d) ? undefined : String(d));
  return shown === undefined ? o.description : `${o.description} (default: ${shown})`;
}
