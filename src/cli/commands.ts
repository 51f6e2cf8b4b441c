/** Each command's flags, help and action: one function per command, over the option groups of flags.ts. */
import type { Command } from 'commander';
import { inputOptions, outputOptions, predictOptions, timingOptions } from './flags.ts';

function listCommand(p: Command): Command {
  return outputOptions(p.command('list'))
    .description('list the built-in models with their params and MAdds')
    .addHelpText('after', '\nExample:\n  $ netcost list --format md')
    .action(async (o) => (await import('./commands/list.ts')).list(o));
}

function reportCommand(p: Command): Command {
  return inputOptions(
    predictOptions(outputOptions(p.command('report')), true)
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
}

/** How compare and diff read their models: --strict, --rules, --view, --dtype. */
const readingOptions = (c: Command): Command =>
  c
    .option('--strict', 'ONNX: an op netcost has no cost rule for is an error')
    .option('--rules <file>', 'ONNX: cost rules (YAML or JSON) for ops netcost does not know')
    .option('--view <view>', 'original | deploy', 'original')
    .option('--dtype <dtype>', "specs: fp32 | fp16 | int8 (default fp32); an ONNX file's tensors keep their own types");

function compareCommand(p: Command): Command {
  return readingOptions(
    inputOptions(
      predictOptions(timingOptions(outputOptions(p.command('compare')), '30', '5', ' with --measure'))
        .description('totals of several models side by side, ratios to the first, and a per-stage breakdown')
        .argument('<models...>', 'built-in names, quoted globs, spec files, or .onnx files'),
      'input shape for every model (repeatable for named ONNX inputs)',
    ),
  )
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
}

function diffCommand(p: Command): Command {
  return readingOptions(
    inputOptions(
      predictOptions(timingOptions(outputOptions(p.command('diff')), '30', '5', ' with --measure'))
        .description(
          'two models layer by layer (a pruned or re-exported model against its original): the layers that changed, ' +
            'with every count before, after and its change',
        )
        .argument('<a>', 'the model before: built-in name, spec file, or .onnx file')
        .argument('<b>', 'the model after'),
      'input shape for both models (repeatable for named ONNX inputs)',
    ),
  )
    .option('--measure', "also time each layer of both in onnxruntime's profiler on this CPU (two runs, one per model)")
    .addHelpText(
      'after',
      '\nExamples:\n  $ netcost diff model.onnx model-pruned.onnx\n  $ netcost diff resnet.yaml resnet-slim.yaml ' +
        '--predict --format md',
    )
    .action(async (a, b, o) => (await import('./commands/diff.ts')).diff(a, b, o));
}

function exportCommand(p: Command): Command {
  return p
    .command('export')
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
}

function annotateCommand(p: Command): Command {
  return inputOptions(
    predictOptions(p.command('annotate'), true)
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
}

function benchCommand(p: Command): Command {
  return inputOptions(
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
}

function calibrateCommand(p: Command): Command {
  return outputOptions(p.command('calibrate'), false)
    .description(
      "measure this machine for --predict: about 2,000 kernels drawn from each kernel class's configurations " +
        '(150 sampled chains, then 50 more where the first fit is worst), profiled in three rounds timed in the ' +
        "machine's undisturbed phase, each round put at its undisturbed speed by the speed probes timed near it; " +
        "per class a linear model with each parameter's uncertainty and boosted trees on what it misses, with " +
        'their cross-validated errors (about 2.5-4 minutes here, --quick about 20-30 s)',
    )
    .option('--quick', 'about 20-30 s: fewer chains and runs, one round, no adaptive round (a rougher fit)')
    .option(
      '--hold-out <models...>',
      'models to validate on later (built-ins, specs, ONNX files): calibration kernels that share a signature ' +
        'with one of their kernels are kept out of the fit, so predicting them is predicting kernels never seen',
    )
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
        'guidelines read it with --predict (the profile of the --threads they run or predict at), or another one ' +
        'with --profile FILE (calibrate on a target board, predict from a laptop).\n\nExamples:\n' +
        '  $ netcost calibrate\n  $ netcost calibrate --threads 2\n  $ netcost calibrate --quick -o board.json\n' +
        '  $ netcost calibrate --hold-out mine.onnx -o held-out.json',
    )
    .action(async (o) => (await import('./commands/calibrate.ts')).calibrateCommand(o));
}

function checkCommand(p: Command, argv: string[]): Command {
  return inputOptions(
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
      '--fail-on <what>',
      'increase: fail when a cost grows beyond its tolerance, a layer or model is added, an input changes (a ' +
        'decrease is reported as an improvement); any: fail on every change',
      'increase',
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
}

function guidelinesCommand(p: Command): Command {
  return predictOptions(
    timingOptions(outputOptions(p.command('guidelines')), '40, 5 with --quick', '3, 1 with --quick'),
  )
    .description(
      "re-run ShuffleNet V2's guideline experiments G1-G4 on this CPU (G3 also with channels in multiples of 8) " +
        "and test each guideline's order of its rows against chance: confirms, contradicts, does not show, or " +
        'inconclusive at this noise',
    )
    .argument('[guidelines...]', 'G1 G2 G3 G4 (default: all)')
    .option('--quick', 'a first look: 5 runs, one round, too few for a verdict')
    .option(
      '--max-runs <N>',
      'while a verdict is inconclusive at this noise, time that guideline again, --runs more each pass, up to N ' +
        'runs per network (default 3x --runs; = --runs: one pass)',
    )
    .option('--costs-only', "print the networks' MAdds and MAC without timing them")
    .option(
      '--seed <N>',
      'seed of the order the rows are timed in, a fresh one each round (default: a new seed, kept in --format json)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ netcost guidelines --quick\n  $ netcost guidelines G2 G4 --runs 50 --format md',
    )
    .action(async (ids, o) => (await import('./commands/guidelines.ts')).guidelinesCommand(ids, o));
}

function schemaCommand(p: Command): Command {
  return p
    .command('schema')
    .description('print the JSON Schema of spec files (for editor validation and completion)')
    .addHelpText('after', '\nExample:\n  $ netcost schema > netcost.schema.json')
    .option('-o, --output <file>', 'write to this file (atomically) instead of standard output')
    .action(async (o) => (await import('./commands/schema.ts')).schema(o));
}

/** Every command, registered on the program in the order --help lists them. */
export function registerCommands(p: Command, argv: string[]): void {
  listCommand(p);
  reportCommand(p);
  compareCommand(p);
  diffCommand(p);
  exportCommand(p);
  annotateCommand(p);
  benchCommand(p);
  calibrateCommand(p);
  checkCommand(p, argv);
  guidelinesCommand(p);
  schemaCommand(p);
}
