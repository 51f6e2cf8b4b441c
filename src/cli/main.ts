/**
 * The command line: flags -> typed options -> one library call -> a reporter. Errors are caught
 * here, once: a NetcostError prints one line and exits with its code (2 for user mistakes); any
 * other error is a bug and keeps its stack.
 */
import { Command, CommanderError } from 'commander';
import { NetcostError } from '../errors.ts';
import { say } from '../util/text.ts';
import { registerCommands } from './commands.ts';
import { describeOption } from './flags.ts';

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

  registerCommands(p, argv);
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
