/**
 * The command line: flags -> typed options -> one library call -> a reporter. Errors are caught
 * here, once: a NetcostError prints one line and exits with its code (2 for user mistakes); any
 * other error is a bug and keeps its stack.
 */
import { Command, CommanderError, type Option } from 'commander';
import { NetcostError } from '../errors.ts';
import { say } from '../util/text.ts';
import { collect } from './options.ts';

const EXAMPLES = `
Examples:
  $ netcost list
  $ netcost report shufflenet-v2-1.0x --depth 2
  $ netcost report shufflenet-v2-1.0x --view deploy --format json > costs.json
  $ netcost report builtin:examples/resnext-unit
  $ netcost report model.onnx --input x=1x3x224x224
  $ netcost compare 'shufflenet-v1-g*-1.0x'
  $ netcost compare shufflenet-v2-1.0x mobilenet-v2-1.0x --input 1x3x160x160 --format md
  $ netcost compare 'shufflenet-v1-g*-1.0x' --measure
  $ netcost export shufflenet-v2-1.0x -o shufflenet-v2-1.0x.onnx
  $ netcost bench shufflenet-v2-1.0x --per-layer
  $ netcost report det.onnx --rules rules.yaml
  $ netcost annotate model.onnx -o model.costs.onnx
  $ netcost check --format md
  $ netcost guidelines --quick
  $ netcost schema > netcost.schema.json
  $ netcost calibrate && netcost report shufflenet-v2-1.0x --predict
  $ netcost compare builtin:guidelines/g2 --predict
  $ netcost report shufflenet-v2-1.0x --format html -o report.html
  $ netcost compare 'shufflenet-v1-g*-1.0x' --measure --format svg --chart latency -o latency.svg

Model arguments: a built-in name (netcost list), a glob over built-in names (quote it), a
spec file (YAML or JSON; file.yaml#variant picks one variant of a family file), or for report,
compare, bench and check an .onnx file.
Exit codes: 0 success, 1 findings (check), 2 usage or spec error.`;

/**
 * The timing flags bench, compare --measure, check --measure and guidelines share. Defaults for
 * runs and warm-up belong to each command (parseRunFlags); the help states them.
 */
/** `--predict` and `--profile`, shared by report, compare, bench and guidelines. */
function predictOptions(c: Command): Command {
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

/** `--input`, `--dim` and `--loop-trips`, shared by the commands that read ONNX files. */
function inputOptions(c: Command, input: string): Command {
  return c
    .option('--input <[name=]NxCxHxW>', input, collect, [] as string[])
    .option(
      '--dim <name=N>',
      'ONNX: the size of a symbolic dimension, wherever it appears (repeatable): --dim batch=8 --dim seq=128',
      collect,
      [] as string[],
    )
    .option('--loop-trips <N>', 'ONNX: the trips of a Loop whose trip count is known only at run time');
}

function timingOptions(c: Command, runs: string, warmup: string, what = ''): Command {
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
function outputOptions(c: Command, file = true): Command {
  c.option('--format <format>', 'table | tree | md | csv | json | html | svg', 'table');
  if (file) c.option('-o, --output <file>', 'write to this file (atomically) instead of standard output');
  return c
    .option('--units <unit>', 'counts in tables: auto (8.13M, 884.7K, 320) or one scale for all: 1 | K | M | G', 'auto')
    .option('--depth <N>', 'fold rows deeper than N into their group (1 = stages, 2 = units); tree: levels shown')
    .option('--sort <column>', "the main table's rows largest first by a number column (params, madds, mac, ...)")
    .option('--top <N>', "only the main table's first N rows (after --sort); totals still count every row")
    .option('--columns <names>', 'add optional columns (report: kernel,stride,groups,dtype)', collect, [] as string[])
    .option('--chart <name>', 'with --format svg: the chart to draw (default: the first; a wrong name lists them)');
}

function describeOption(o: Option): string {
  const d = o.defaultValue as unknown;
  const shown =
    o.defaultValueDescription ?? (d === undefined || d === false || Array.isArray(d) ? undefined : String(d));
  return shown === undefined ? o.description : `${o.description} (default: ${shown})`;
}

export function program(argv: string[] = []): Command {
  const p = new Command('netcost')
    .description('What a neural network really costs: params, multiply-adds, FLOPs and memory access (MAC) per layer.')
    .version(VERSION)
    // the option parser's mistakes are one line, like every other error
    .configureOutput({
      outputError: (str, write) =>
        write(`netcost: ${str.replace(/^error: /, '').trim()} (netcost --help shows usage)\n`),
    })
    .addHelpText('after', EXAMPLES)
    // defaults as a user types them: 1, table (not "1", "table"), and none shown for a repeatable flag
    .configureHelp({ optionDescription: describeOption })
    .exitOverride();

  outputOptions(p.command('list'))
    .description('list the built-in models with their params and MAdds')
    .addHelpText('after', '\nExample:\n  $ netcost list --format md')
    .action(async (o) => (await import('./commands/list.ts')).list(o));

  inputOptions(
    predictOptions(outputOptions(p.command('report')))
      .description('per-layer costs of one model: params, MAdds, FLOPs, MAC, intensity, shares, stage subtotals')
      .argument('<model>', 'built-in model name, spec file, or .onnx file'),
    "input shape (default: the spec's, usually 1x3x224x224); for an ONNX file with symbolic dimensions, " +
      'name=shape per input (repeatable)',
  )
    .option('--strict', 'ONNX: an op netcost has no cost rule for is an error, not a warning')
    .option('--rules <file>', 'ONNX: cost rules (YAML or JSON) for ops netcost does not know; see the README')
    .option(
      '--view <view>',
      'original (as defined: conv, BN, activation separate) | deploy (BN folded, activations fused)',
      'original',
    )
    .option(
      '--dtype <dtype>',
      'specs: bytes per element for MAC bytes: fp32 | fp16 | int8 (default fp32); ' +
        "an ONNX file's tensors keep their own types",
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ netcost report shufflenet-v2-1.0x\n  $ netcost report shufflenet-v1-g3-1.0x --depth 1 ' +
        '--format md\n  $ netcost report my-net.yaml --view deploy --dtype fp16 --format json\n  $ netcost report ' +
        'model.onnx --input x=1x3x224x224',
    )
    .action(async (model, o) => (await import('./commands/report.ts')).report(model, o));

  inputOptions(
    predictOptions(timingOptions(outputOptions(p.command('compare')), '30', '5', ' with --measure'))
      .description('totals of several models side by side, ratios to the first, and a per-stage breakdown')
      .argument('<models...>', 'built-in names, quoted globs, spec files, or .onnx files'),
    'input shape for every model (repeatable for named ONNX inputs)',
  )
    .option('--strict', 'ONNX: an op netcost has no cost rule for is an error')
    .option('--rules <file>', 'ONNX: cost rules (YAML or JSON) for ops netcost does not know')
    .option('--view <view>', 'original | deploy', 'original')
    .option('--dtype <dtype>', "specs: fp32 | fp16 | int8 (default fp32); an ONNX file's tensors keep their own types")
    .option(
      '--measure',
      'also time every model in onnxruntime-node on this CPU (interleaved) and correlate latency with MAdds and MAC',
    )
    .addHelpText(
      'after',
      "\nExamples:\n  $ netcost compare 'shufflenet-v1-g*-1.0x'\n  $ netcost compare 'shufflenet-v2-[0-9]*' " +
        "--format md\n  $ netcost compare 'shufflenet-v1-g*-1.0x' --measure --runs 50",
    )
    .action(async (models, o) => (await import('./commands/compare.ts')).compare(models, o));

  p.command('export')
    .description('write a model as ONNX (opset 17): node names = layer names, seeded weights, shapes and metadata')
    .argument('<model>', 'built-in model name or spec file')
    .requiredOption('-o, --output <file.onnx>', 'where to write the model')
    .option(
      '--view <view>',
      'original (BN and activations as their own nodes) | deploy (BN folded, conv biases)',
      'original',
    )
    .option('--input <NxCxHxW>', 'input shape')
    .option('--seed <N>', 'seed of the pseudo-random weights', '0')
    .option('--annotate', "write every node's costs into its doc_string, as `netcost annotate` does")
    .addHelpText('after', '\nExample:\n  $ netcost export shufflenet-v2-1.0x -o shufflenet-v2-1.0x.onnx')
    .action(async (model, o) => (await import('./commands/export.ts')).exportCommand(model, o));

  inputOptions(
    predictOptions(p.command('annotate'))
      .description(
        "copy an ONNX file with each node's costs in it (doc_string; metadata at IR >= 10), for graph viewers",
      )
      .argument('<model.onnx>', 'an .onnx file')
      .requiredOption('-o, --output <file.onnx>', 'where to write the annotated copy'),
    'shape for inputs with symbolic dimensions (repeatable)',
  )
    .option(
      '--dtype <dtype>',
      'specs: bytes per element for MAC bytes: fp32 | fp16 | int8 (default fp32); ' +
        "an ONNX file's tensors keep their own types",
    )
    .option('--strict', 'an op netcost has no cost rule for is an error, not a warning')
    .option('--rules <file>', 'cost rules (YAML or JSON) for ops netcost does not know')
    .addHelpText('after', '\nExample:\n  $ netcost annotate model.onnx -o model.costs.onnx --rules rules.yaml')
    .action(async (model, o) => (await import('./commands/annotate.ts')).annotateCommand(model, o));

  inputOptions(
    predictOptions(timingOptions(outputOptions(p.command('bench')), '50', '10'))
      .description(
        "time a model in onnxruntime-node on this CPU: latency statistics, and with --per-layer the profiler's time " +
          'per layer beside MAdds and MAC',
      )
      .argument('<model>', 'built-in model name, spec file, or .onnx file')
      .option('--per-layer', 'profile kernels and attribute their time to layers')
      .option('--view <view>', 'graph to export: original | deploy (onnxruntime fuses either way)', 'original'),
    'input shape; for an ONNX file with symbolic dimensions, name=shape per input (repeatable)',
  )
    .option('--strict', 'ONNX: an op netcost has no cost rule for is an error')
    .option('--rules <file>', 'ONNX: cost rules (YAML or JSON) for ops netcost does not know')
    .addHelpText(
      'after',
      '\nExamples:\n  $ netcost bench shufflenet-v2-1.0x\n  $ netcost bench shufflenet-v1-g3-1.0x --per-layer ' +
        '--runs 100\n  $ netcost bench model.onnx --input x=1x3x224x224 --per-layer --format json',
    )
    .action(async (model, o) => (await import('./commands/bench.ts')).benchCommand(model, o));

  outputOptions(p.command('calibrate'), false)
    .description(
      'measure this machine for --predict: the kernels onnxruntime runs for 68 micro-benchmark models, ' +
        'profiled one by one in three rounds, and a latency model per kernel class fitted to them with each ' +
        "parameter's uncertainty (about 50 s here, --quick about 5 s)",
    )
    .option('--quick', 'fewer models, one round (a rougher fit)')
    .option(
      '--threads <N>',
      'onnxruntime intra-op threads, as the runs predicted will use them (a profile per count)',
      '1',
    )
    .option('--opt-level <level>', 'onnxruntime graph optimisation: disabled | basic | extended | all', 'all')
    .option('-o, --output <file>', 'write the profile here instead of the default (your cache folder)')
    .addHelpText(
      'after',
      `\nThe profile is JSON (schema: configs/schema/machine-profile.schema.json). report, compare, bench and ` +
        'guidelines read it with --predict, or another one with --profile FILE (calibrate on a target board, ' +
        'predict from a laptop).\n\nExamples:\n  $ netcost calibrate\n  $ netcost calibrate --quick -o board.json',
    )
    .action(async (o) => (await import('./commands/calibrate.ts')).calibrateCommand(o));

  inputOptions(
    timingOptions(outputOptions(p.command('check')), '30', '5', ' with --measure')
      .description('compare cost numbers with committed baselines: exit 0 when all match, 1 on any change, 2 on errors')
      .argument(
        '[models...]',
        'models to check: spec files, .onnx files, built-in names or globs (default: the models of ' +
          'netcost.config.json, or a `netcost` key in package.json)',
      ),
    'shape for ONNX inputs with symbolic dimensions (repeatable)',
  )
    .option('--rules <file>', 'ONNX: cost rules (YAML or JSON) for ops netcost does not know')
    .option(
      '--baseline <path>',
      "baseline folder of <model>.json files, or one .json file (default: the config's, else ./netcost-baselines)",
    )
    .option(
      '--update',
      'record the current numbers as the baseline (atomically) and print what changed; a model without a baseline ' +
        'fails until then',
    )
    .option('--init', 'write netcost.config.json naming the given models (then run check --update)')
    .option(
      '--tolerance <metric=percent>',
      'allowed change for params, madds, flops, memoryAccess or latency (repeatable; exact by default)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option(
      '--measure',
      'also gate latency relative to a reference model timed in the same run (default tolerance 10%)',
    )
    .option('--reference <model>', 'the reference model for --measure (default: the first checked model)')
    .addHelpText(
      'after',
      "\nExamples:\n  $ netcost check\n  $ netcost check 'shufflenet-v2-*' --format md\n  $ netcost check " +
        'my-net.yaml --baseline baselines/ --tolerance madds=1 --tolerance memoryAccess=2\n  $ netcost check --update',
    )
    .action(async (models, o) => (await import('./commands/check.ts')).checkCommand(models, o, argv.slice(1)));

  predictOptions(timingOptions(outputOptions(p.command('guidelines')), '40, 5 with --quick', '3, 1 with --quick'))
    .description(
      "re-run ShuffleNet V2's guideline experiments G1-G4 on this CPU (G3 also with channels in multiples of 8) " +
        "and test each guideline's order of its rows against chance: confirms, contradicts, does not show, or " +
        'inconclusive at this noise',
    )
    .argument('[guidelines...]', 'G1 G2 G3 G4 (default: all)')
    .option('--quick', 'a first look: 5 runs, one round, too few for a verdict')
    .option('--costs-only', "print the networks' MAdds and MAC without timing them")
    .addHelpText(
      'after',
      '\nExamples:\n  $ netcost guidelines --quick\n  $ netcost guidelines G2 G4 --runs 50 --format md',
    )
    .action(async (ids, o) => (await import('./commands/guidelines.ts')).guidelinesCommand(ids, o));

  p.command('schema')
    .description('print the JSON Schema of spec files (for editor validation and completion)')
    .addHelpText('after', '\nExample:\n  $ netcost schema > netcost.schema.json')
    .option('-o, --output <file>', 'write to this file (atomically) instead of standard output')
    .action(async (o) => (await import('./commands/schema.ts')).schema(o));

  return p;
}

declare const VERSION: string;

export async function main(argv: string[]): Promise<number> {
  process.exitCode = 0;
  try {
    await program(argv).parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit 0; any other commander error is a usage error
      return e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
    }
    if (e instanceof NetcostError) {
      say(e.message);
      return e.exitCode;
    }
    throw e;
  }
}
