/** Process entry: run the CLI and exit with its code. */
import { main } from './main.ts';

// dependencies' deprecation notices (protobufjs's Buffer()) are not the user's to act on, and would break
// the one-line rule of every message
process.noDeprecation = true;

// `netcost report ... | head`: a closed pipe ends the output quietly; any other failure to write
// the output (a full disk) is one line and exit 2, like every other error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  process.stderr.write(`netcost: cannot write the output (${e.code ?? e.message}); check the disk or the pipe\n`);
  process.exit(2);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`netcost: internal error (please report it): ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 70;
  },
);
