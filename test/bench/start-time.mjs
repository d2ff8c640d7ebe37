// @ts-check
// Figure 6: a newcomer's first screen. On a fresh clone of the committed HEAD: `npm install` with an
// empty npm cache (every package downloaded, as on a new machine), then `npm start` until it has printed
// the uploader's URL and that URL answers 200; then `npm start` again on the up-to-date build. Targets:
// under 120 s for the first, under 5 s for the second. Uncommitted changes are not in the clone.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');
const FIRST_BUDGET_S = 120;
const WARM_BUDGET_S = 5;
const URL_LINE = /Open the uploader: {2}(http:\/\/\S+)/;

const seconds = (/** @type {number} */ since) => Math.round((performance.now() - since) / 100) / 10;

/**
 * Runs `npm start` in `folder` until its URL answers, then stops it (Ctrl-C). Resolves to the seconds taken.
 * @param {string} folder @param {NodeJS.ProcessEnv} env
 */
function timeStart(folder, env) {
  const started = performance.now();
  // Its own process group, so that Ctrl-C reaches npm's children (the build, the sandbox) too.
  const child = spawn('npm', ['start'], { cwd: folder, env: { ...env, SANDBOX_APP_PORT: '0', SANDBOX_AUTH_PORT: '0', SANDBOX_S3_PORT: '0' }, detached: true });
  let output = '';
  return new Promise((resolve, reject) => {
    const onOutput = async (/** @type {Buffer} */ chunk) => {
      output += chunk.toString();
      const url = URL_LINE.exec(output)?.[1];
      if (url === undefined) return;
      child.stdout.off('data', onOutput);
      const status = (await fetch(url)).status;
      const took = seconds(started);
      child.once('exit', () => (status === 200 ? resolve(took) : reject(new Error(`${url} answered ${status}`))));
      process.kill(-(child.pid ?? 0), 'SIGINT');
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', (/** @type {Buffer} */ chunk) => (output += chunk.toString()));
    child.once('exit', (code) => {
      if (!URL_LINE.test(output)) reject(new Error(`npm start exited (${code}) before printing its URL:\n${output}`));
    });
  });
}

export async function startTimes() {
  const folder = mkdtempSync(join(tmpdir(), 'auth0-aws-delegation-newcomer-'));
  const cache = mkdtempSync(join(tmpdir(), 'auth0-aws-delegation-npm-cache-'));
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    execFileSync('git', ['clone', '--quiet', ROOT, folder]);
    const env = { ...process.env, npm_config_cache: cache, npm_config_update_notifier: 'false' };
    const installing = performance.now();
    execFileSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: folder, env, stdio: 'ignore' });
    const install = seconds(installing);
    const firstStart = await timeStart(folder, env);
    const warmStart = await timeStart(folder, env);
    const first = Math.round((install + firstStart) * 10) / 10;
    return {
      rows: [
        { step: `npm install (fresh clone of ${commit}, empty npm cache)`, seconds: install },
        { step: 'first npm start (builds what it serves) until its URL answers', seconds: firstStart },
        { step: 'npm install && npm start, in all', seconds: first },
        { step: 'npm start again (build up to date) until its URL answers', seconds: warmStart },
      ],
      checks: [
        { check: `fresh clone: npm install && npm start < ${FIRST_BUDGET_S} s`, value: first, pass: first < FIRST_BUDGET_S },
        { check: `up-to-date npm start < ${WARM_BUDGET_S} s`, value: warmStart, pass: warmStart < WARM_BUDGET_S },
      ],
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  }
}
