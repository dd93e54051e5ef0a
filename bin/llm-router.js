#!/usr/bin/env node
// Runs the compiled CLI when the package is built (installed from npm), else
// the TypeScript sources through tsx (a clone with dev dependencies).
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const compiled = join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
let cli;
if (existsSync(compiled)) {
  cli = require(compiled);
} else {
  require('tsx/cjs');
  cli = require(join(__dirname, '..', 'src', 'cli', 'main.ts'));
}
cli.main(process.argv).then((code) => process.exit(code));
