import { type CheckOptions, check, parseTolerances } from '../../check/check.ts';
import { DEFAULT_BASELINE, findConfig, initConfig } from '../../check/project.ts';
import { NetcostError, UsageError } from '../../errors.ts';
import { resolveSource, resolveSources } from '../../pipeline.ts';
import { checkDocument } from '../../report/check.ts';
import { isWithin } from '../../util/fs.ts';
import { say } from '../../util/text.ts';
import { netcostCommand } from '../invocation.ts';
import {
  type InputFlags,
  type OutputFlags,
  parseOutput,
  parseRules,
  parseRunFlags,
  type RunFlags,
} from '../options.ts';
import { show } from '../output.ts';
import { type ProgressBar, progressBar } from '../progress.ts';
import { parseInputFlags } from '../sweep.ts';

export interface CheckFlags extends RunFlags, InputFlags, OutputFlags {
  baseline?: string;
  failOn?: string;
  update?: boolean;
  init?: boolean;
  tolerance: string[];
  measure?: boolean;
  reference?: string;
  rules?: string;
}

/** A shell word as the user would type it. */
const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The output flags (each with a value), which say how to show a check, not what to record. */
const OUTPUT_FLAGS = ['--format', '-o', '--output', '--units', '--depth', '--sort', '--top', '--columns', '--chart'];

/**
 * The command that records the current numbers: the user's own command line, without output
 * flags, with --update. Pasted as printed, it updates exactly what was checked.
 */
function updateCommand(argv: string[]): string {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--update') continue;
    if (OUTPUT_FLAGS.includes(a)) {
      i++;
      continue;
    }
    if (OUTPUT_FLAGS.some((f) => a.startsWith(`${f}=`))) continue;
    out.push(quote(a));
  }
  return `${netcostCommand()} ${[...out, '--update'].join(' ')}`;
}

export async function checkCommand(models: string[], o: CheckFlags, argv: string[]): Promise<void> {
  const out = parseOutput(o);
  if (o.init) {
    const file = initConfig(models);
    say(
      `wrote ${file} for ${models.length} model${models.length === 1 ? '' : 's'}; record their baselines with ` +
        `\`${netcostCommand()} check --update\``,
    );
    return;
  }
  const config = models.length ? undefined : await findConfig();
  if (!models.length && !config) {
    throw new UsageError(
      `no models to check and no netcost config here; start one with \`${netcostCommand()} check --init ` +
        `my-net.yaml model.onnx\` (writes netcost.config.json), or name the models: \`${netcostCommand()} check ` +
        'my-net.yaml`',
    );
  }
  const tolerances = { ...config?.tolerances, ...parseTolerances(o.tolerance) };
  // the flags, else the config's (dims and values as --dim and --value would give them)
  const fromConfig = {
    input: o.input?.length ? o.input : configInputs(config?.input),
    dim: o.dim?.length ? o.dim : (config?.dims ?? []).map(([k, v]) => `${k}=${v}`),
    value: o.value?.length ? o.value : (config?.values ?? []).map(([k, v]) => `${k}=${[v].flat().join(',')}`),
  };
  const binding = parseInputFlags({ ...o, ...fromConfig }, 'check');
  const rules = await parseRules(o.rules ?? config?.rules);
  const sources = await resolveSources(config ? config.models : models).catch((e: unknown) => {
    // a model the config names: the error says which file to fix
    if (config && e instanceof NetcostError) throw new UsageError(`${config.file}: models: ${e.message}`, { cause: e });
    throw e;
  });
  const baseline = o.baseline ?? config?.baseline ?? DEFAULT_BASELINE;
  const failOn = o.failOn ?? 'increase';
  if (failOn !== 'increase' && failOn !== 'any')
    throw new UsageError(`--fail-on '${failOn}': choose increase (the default) or any`);
  if (out.file !== undefined && isWithin(out.file, baseline))
    throw new UsageError(
      `-o ${out.file}: is ${isWithin(baseline, out.file) ? 'the baseline file' : 'inside the baseline folder'} ` +
        `${baseline}; the report would replace a baseline: give an output file outside it`,
    );
  let measure: CheckOptions['measure'];
  let bar: ProgressBar | undefined;
  if (o.measure) {
    bar = await progressBar('check --measure');
    measure = {
      reference: o.reference ? await resolveSource(o.reference) : sources[0],
      ...parseRunFlags(o, { runs: 30, warmup: 5 }),
      onProgress: bar.update,
    };
  }
  try {
    const r = await check(sources, {
      baseline,
      failOn,
      update: o.update,
      tolerances,
      explicit: !config,
      measure,
      binding,
      rules,
      views: config?.views,
      updateCommand: updateCommand(['check', ...argv]),
    });
    bar?.stop();
    await show(checkDocument(r), out);
    process.exitCode = r.ok ? 0 : 1;
  } finally {
    bar?.stop();
  }
}

/** The config's `input` as --input values. */
function configInputs(input: string | [string, string][] | undefined): string[] {
  if (input === undefined) return [];
  return typeof input === 'string' ? [input] : input.map(([k, v]) => `${k}=${v}`);
}
