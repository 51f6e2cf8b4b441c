export interface ProgressBar {
  update: (done: number, total: number, phase: string) => void;
  stop: () => void;
}

/** A progress bar on stderr when stderr is a terminal; silent otherwise (CI logs, pipes). */
export async function progressBar(label: string): Promise<ProgressBar> {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {phase} | {value}/{total} runs`,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, phase) {
      if (!started) {
        bar.start(total, 0, { phase });
        started = true;
      }
      bar.setTotal(total);
      bar.update(done, { phase });
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
