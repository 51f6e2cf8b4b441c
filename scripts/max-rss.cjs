// Preloaded (`node -r scripts/max-rss.cjs ...`) by the benchmark: the process's peak resident memory,
// written to standard error as its last line when it exits.
process.on('exit', () =>
  require('node:fs').writeSync(2, `\nnetcost-bench-max-rss-kib ${process.resourceUsage().maxRSS}\n`),
);
