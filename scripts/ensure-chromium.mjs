#!/usr/bin/env node
// Makes sure the browser tests have a Chromium: CHROMIUM_PATH if set, else Debian's /usr/bin/chromium,
// installed with apt-get when missing and we are root on Debian. Playwright's own browser download does
// not work on these machines (no network but the npm registry and Debian's packages).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const override = process.env.CHROMIUM_PATH;

function fail(message) {
  console.error(`ensure-chromium: ${message}`);
  process.exit(1);
}

function run(command, args) {
  execFileSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

if (override) {
  if (!existsSync(override)) fail(`CHROMIUM_PATH=${override} does not exist.`);
  console.log(`ensure-chromium: using CHROMIUM_PATH=${override}`);
} else if (existsSync(DEBIAN_CHROMIUM)) {
  console.log(`ensure-chromium: using ${DEBIAN_CHROMIUM}`);
} else {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    fail(`no Chromium at ${DEBIAN_CHROMIUM}. Install it (Debian: sudo apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium or Chrome binary.`);
  }
  console.log('ensure-chromium: installing Debian\'s chromium (apt-get, about a minute)...');
  run('apt-get', ['update', '-qq']);
  // --reinstall also repairs a package whose binary went missing.
  run('apt-get', ['install', '-y', '-qq', '--reinstall', 'chromium']);
  if (!existsSync(DEBIAN_CHROMIUM)) fail('apt-get finished but /usr/bin/chromium is still missing.');
}
