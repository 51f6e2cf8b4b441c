export interface ProgressBar {
  update: (done: number, total: number, phase: string) => void;
  stop: () => void;
}

/**
 * A progress bar on stderr when stderr is a terminal; otherwise silent (CI logs, pipes), or with
 * `lines`, a line at every tenth of the way (a minutes-long calibration in a log).
 */
export async function progressBar(label: string, unit = 'runs', lines = false): Promise<ProgressBar> {
  if (!process.stderr.isTTY) return lines ? progressLines(label, unit) : { update: () => {}, stop: () => {} };
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {phase} | {value}/{total} ${unit}`,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  // Ctrl-C or a kill while the bar runs: give the terminal its cursor and line wrapping back first
  const interrupted = (signal: NodeJS.Signals) => {
    stop();
    process.stderr.write('\x1b[?25h\x1b[?7h\n');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  const stop = () => {
    if (started) bar.stop();
    started = false;
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  };
  return {
    update(done, total, phase) {
      if (!started) {
        bar.start(total, 0, { phase });
        started = true;
        process.on('SIGINT', interrupted);
        process.on('SIGTERM', interrupted);
      }
      bar.setTotal(total);
      bar.update(done, { phase });
    },
    stop,
  };
}

/** Progress as plain lines on stderr, one per tenth of the way: `calibrate: 64/639 models (10%)`. */
function progressLines(label: string, unit: string): ProgressBar {
  let said = -1;
  return {
    update(done, total) {
      const tenth = total > 0 ? Math.floor((10 * done) / total) : 0;
      if (tenth <= said) return;
      said = tenth;
      process.stderr.write(`${label}: ${done}/${total} ${unit} (${10 * tenth}%)\n`);
    },
    stop: () => {},
  };
}
