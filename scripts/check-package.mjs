#!/usr/bin/env node
// Checks the package as npm would publish it: publint on the project, and are-the-types-wrong on the
// packed tarball (packed without scripts: `npm test` has just built dist/).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = (name) => join('node_modules', '.bin', name);
const run = (command, args) => execFileSync(command, args, { stdio: 'inherit' });

run(bin('publint'), ['--strict']);
const folder = mkdtempSync(join(tmpdir(), 'auth0-aws-delegation-pack-'));
try {
  const [{ filename }] = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', folder], { encoding: 'utf8' }));
  // ./globals and ./globals-v7 are types-only entries for <script> pages (/// <reference types>), not
  // modules: attw judges every entry as an import. test/node/script-globals.test.ts checks them.
  run(bin('attw'), [join(folder, filename), '--exclude-entrypoints', './globals', './globals-v7']);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
