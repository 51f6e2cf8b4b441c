import type { ImportResult } from '../../onnx/import.ts';
import { resolveSources, runTarget, sourceRead } from '../../pipeline.ts';
import { importedOf } from '../../predict/attach.ts';
import { calibrate } from '../../predict/calibrate.ts';
import { profileWarnings, slowerThanBefore } from '../../predict/check.ts';
import type { MachineProfile } from '../../predict/machine.ts';
import { defaultProfilePath, readProfile, writeProfile } from '../../predict/store.ts';
import { profileDocument } from '../../report/profile.ts';
import { type OutputFlags, parseOutput, parseRunFlags, type RunFlags } from '../options.ts';
import { sayWarnings, show } from '../output.ts';
import { progressBar } from '../progress.ts';

export interface CalibrateFlags extends Pick<RunFlags, 'threads' | 'optLevel'>, OutputFlags {
  quick?: boolean;
  holdOut?: string[];
}

export async function calibrateCommand(o: CalibrateFlags): Promise<void> {
  // -o names the profile; the summary goes to standard output
  const out = parseOutput({ ...o, output: undefined });
  const { threads, optLevel } = parseRunFlags(o, { runs: 1, warmup: 0 });
  // the profile this calibration replaces, read first (to compare speeds with; a write may replace it)
  const before = previousProfile(o.output ?? defaultProfilePath(threads), threads);
  const holdOut = o.holdOut === undefined ? undefined : await heldOutModels(o.holdOut);
  const bar = await progressBar('calibrate', 'models', true);
  let profile: MachineProfile;
  try {
    profile = await calibrate({ quick: o.quick === true, threads, optLevel, holdOut, onProgress: bar.update });
  } finally {
    bar.stop();
  }
  const path = writeProfile(profile, o.output);
  await show(profileDocument(profile, path), out);
  // what a later --predict would warn of (a drift during calibration), said now, while calibrating again is cheap
  const slower = before && slowerThanBefore(profile, before, path);
  sayWarnings([...profileWarnings(profile, path, {}), ...(slower ? [slower] : [])]);
}

/** The models --hold-out names, read as --predict reads them (a spec exported as bench runs it). */
async function heldOutModels(args: string[]): Promise<ImportResult[]> {
  const out: ImportResult[] = [];
  for (const src of await resolveSources(args)) {
    const { graph, imported } = await sourceRead(src, {});
    out.push(importedOf(runTarget(src, graph, { imported })));
  }
  return out;
}

/** The profile a calibration is about to replace, if there is a readable one. */
function previousProfile(path: string, threads: number): MachineProfile | undefined {
  try {
    return readProfile(path, threads, true);
  } catch {
    return undefined;
  }
}
