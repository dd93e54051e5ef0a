#!/usr/bin/env node
// Runs the TypeScript sources through tsx in a clone (where `src/` and the
// dev dependencies are), else the compiled CLI of an installed package (which
// ships `dist/` only). A clone's `dist/` may be older than its sources, so it
// is never preferred there.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const source = join(__dirname, '..', 'src', 'cli', 'main.ts');
function hasTsx() {
  try {
    require.resolve('tsx/cjs');
    return true;
  } catch {
    return false;
  }
}
let cli;
if (existsSync(source) && hasTsx()) {
  require('tsx/cjs');
  cli = require(source);
} else {
  cli = require(join(__dirname, '..', 'dist', 'src', 'cli', 'main.js'));
}
cli.main(process.argv).then((code) => process.exit(code));
