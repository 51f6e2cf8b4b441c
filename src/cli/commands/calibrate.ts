import { calibrate } from '../../predict/calibrate.ts';
import type { MachineProfile } from '../../predict/machine.ts';
import { writeProfile } from '../../predict/store.ts';
import { renderProfile } from '../../report/profile.ts';
import { parseFormat, parseRunFlags, type RunFlags } from '../options.ts';
import { emit } from '../output.ts';
import { progressBar } from '../progress.ts';

export interface CalibrateFlags extends Pick<RunFlags, 'threads' | 'optLevel'> {
  output?: string;
  quick?: boolean;
  format: string;
}

export async function calibrateCommand(o: CalibrateFlags): Promise<void> {
  const format = parseFormat(o.format);
  const { threads, optLevel } = parseRunFlags(o, { runs: 1, warmup: 0 });
  const bar = await progressBar('calibrate', 'models');
  let profile: MachineProfile;
  try {
    profile = await calibrate({ quick: o.quick === true, threads, optLevel, onProgress: bar.update });
  } finally {
    bar.stop();
  }
  const path = writeProfile(profile, o.output);
  emit(renderProfile(profile, format, path), format);
}
