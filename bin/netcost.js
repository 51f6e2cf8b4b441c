#!/usr/bin/env node
import('../dist/cli.js').catch((e) => {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('dist/cli.js')) {
    process.stderr.write('netcost: not built yet; run `npm install` (or `npm run build`) in the netcost folder\n');
    process.exitCode = 2;
  } else throw e;
});
