#!/usr/bin/env node
// Loads dist/cli.cjs with the V8 code cache `npm run build` made (dist/cli.cjs.cache), so start-up
// skips parsing and compiling netcost. A missing or stale cache (another Node.js version) only
// means a normal compile.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const Module = require('node:module');
const vm = require('node:vm');

const file = join(__dirname, '..', 'dist', 'cli.cjs');
let source;
try {
  source = readFileSync(file, 'utf8');
} catch {
  process.stderr.write('netcost: not built yet; run `npm install` (or `npm run build`) in the netcost folder\n');
  process.exit(2);
}
let cachedData;
try {
  cachedData = readFileSync(`${file}.cache`);
} catch {
  cachedData = undefined;
}
const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
if (process.env.NETCOST_WRITE_CODE_CACHE)
  process.once('exit', () => writeFileSync(`${file}.cache`, script.createCachedData()));
const mod = { exports: {} };
script.runInThisContext()(mod.exports, Module.createRequire(file), mod, file, join(__dirname, '..', 'dist'));
