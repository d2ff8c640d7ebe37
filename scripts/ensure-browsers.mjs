#!/usr/bin/env node
// Makes sure the browser tests have their three engines, from Debian's packages: Chromium (`chromium`),
// Firefox ESR (`firefox-esr`) and WebKitGTK (`webkit2gtk-driver`: WebKitWebDriver and MiniBrowser, run
// under `xvfb`'s X server since MiniBrowser has no headless mode). Each binary can be overridden by an
// environment variable (see ENGINE_BINARIES); what is missing and not overridden is installed with one
// apt-get call when we are root on Debian, else the script fails saying how to install it. Playwright's
// and Puppeteer's own browser downloads do not work on these machines (no network but the npm registry
// and Debian's packages).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ENGINE_BINARIES } from '../test/engines/binaries.mjs';

function fail(message) {
  console.error(`ensure-browsers: ${message}`);
  process.exit(1);
}

function run(command, args) {
  execFileSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** The binaries that are missing, after checking that every override names an existing file. */
function missingBinaries() {
  const missing = [];
  for (const binary of ENGINE_BINARIES) {
    const override = process.env[binary.env];
    if (override) {
      if (!existsSync(override)) fail(`${binary.env}=${override} does not exist.`);
      console.log(`ensure-browsers: ${binary.what}: ${binary.env}=${override}`);
    } else if (existsSync(binary.path)) {
      console.log(`ensure-browsers: ${binary.what}: ${binary.path}`);
    } else {
      missing.push(binary);
    }
  }
  return missing;
}

const missing = missingBinaries();
if (missing.length > 0) {
  const packages = [...new Set(missing.map((binary) => binary.debianPackage))];
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    fail(`missing ${missing.map((binary) => binary.path).join(', ')}. Install them (Debian: sudo apt-get install -y ${packages.join(' ')}) or set ${missing.map((binary) => binary.env).join(', ')}.`);
  }
  console.log(`ensure-browsers: installing Debian's ${packages.join(', ')} (apt-get, one to three minutes)...`);
  run('apt-get', ['update', '-qq']);
  // --reinstall also repairs a package whose binary went missing.
  run('apt-get', ['install', '-y', '-qq', '--reinstall', ...packages]);
  const still = missing.filter((binary) => !existsSync(binary.path));
  if (still.length > 0) fail(`apt-get finished but ${still.map((binary) => binary.path).join(', ')} still missing.`);
}
