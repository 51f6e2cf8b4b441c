/** Process entry: run the CLI and exit with its code. */
import { main } from './main.ts';

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    process.stderr.write(`netcost: internal error (please report it): ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 70;
  },
);
