// @ts-check
// `npm run bench`: every figure next to its baseline from the same run, printed as tables, recorded in
// docs/bench-results.json and rendered into docs/BENCHMARKS.md (readme.mjs). Only budgets, counts and ratios can
// fail the run; absolute times are reported. `--only N[,M]` runs those figures alone and prints them (the
// recorded results and docs/BENCHMARKS.md stay as they are: they are one whole run).
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { uploadAppWeights } from './app-sizes.mjs';
import { cacheHitCost } from './cache-cost.mjs';
import { cacheScaleInOwnProcess } from './cache-scale.mjs';
import { coldPage } from './cold-page.mjs';
import { record } from './readme.mjs';
import { firstS3Byte } from './first-byte.mjs';
import { delegationRequests } from './requests.mjs';
import { multipartThroughput } from './multipart-throughput.mjs';
import { roundTripsPerUpload } from './round-trips.mjs';
import { s3Overhead } from './s3-overhead.mjs';
import { bundleWeights } from './sizes.mjs';
import { startTimes } from './start-time.mjs';

const FIGURES = [
  ['1. Bundle weight (bytes)', bundleWeights],
  ['2. Delegation requests for N concurrent credential requests', delegationRequests],
  ['3. Warm cache hit, microseconds per call and per S3Client send() (median, p10-p90)', cacheHitCost],
  ['4. S3 throughput against the local verifying S3, interleaved A/B (median, p10-p90)', s3Overhead],
  ['5. Cold page in Chromium: every request the servers see before the first S3 response, beside auth0.js v7.6.1\'s page', firstS3Byte],
  ['6. A newcomer\'s first screen: npm install && npm start on a fresh clone, then npm start again (seconds)', startTimes],
  ['7. What a page ships to sign in, get credentials and upload into its folder (esbuild --bundle --minify, gzip -9 bytes)', uploadAppWeights],
  ['8. One client for many users: the cache as users grow, in a Node process of its own (ratios from this run)', cacheScaleInOwnProcess],
  ['9. A cold page in Chromium: what the client and its tab sharing cost before credentials, against the floor and the same POST sent through ky (ms from the app\'s first line, interleaved)', coldPage],
  ['10. Round trips per small upload in Chromium, counted at the S3 server (CORS preflights included)', roundTripsPerUpload],
  ['11. Multipart upload, 64 MiB in 8 MiB parts, 4 in flight, against the verifying S3 behind a slow link: the fetch entry against lib-storage (interleaved rounds, ratios within the run)', multipartThroughput],
];

/** The figures asked for by `--only 4,11`, or undefined for a whole run. */
function onlyFigures() {
  const at = process.argv.indexOf('--only');
  if (at === -1) return undefined;
  const numbers = (process.argv[at + 1] ?? '').split(',').map(Number);
  const chosen = FIGURES.filter(([title]) => numbers.includes(Number.parseInt(String(title), 10)));
  if (chosen.length !== numbers.length) throw new Error(`--only takes figure numbers from 1 to ${FIGURES.length}, comma-separated: got ${process.argv[at + 1] ?? 'nothing'}`);
  return chosen;
}
const only = onlyFigures();

const started = Date.now();
/** @type {Record<string, unknown>} */
const results = { date: new Date().toISOString(), node: process.version };
const ROOT = join(import.meta.dirname, '../..');
const loadAtStart = loadavg()[0] ?? 0;
/** @type {{ check: string, value: unknown, pass: boolean }[]} */
const checks = [];
/** Gaps and limits the figures state, reported next to the checks. @type {string[]} */
const notes = [];
for (const [title, measure] of /** @type {[string, () => Promise<{ rows: object[], checks: any[], notes?: string[] }>][]} */ (only ?? FIGURES)) {
  const figure = await measure();
  console.log(`\n${title}`);
  console.table(figure.rows);
  results[title] = figure.rows;
  checks.push(...figure.checks);
  notes.push(...(figure.notes ?? []));
}
console.log('\nChecks (budgets, counts, ratios)');
console.table(checks.map(({ check, value, pass }) => ({ check, value, result: pass ? 'pass' : 'FAIL' })));
results['checks'] = checks;
if (notes.length > 0) console.log(`\nNotes\n${notes.map((note) => `- ${note}`).join('\n')}`);
results['notes'] = notes;
results['seconds'] = Math.round((Date.now() - started) / 1000);
// How busy the machine was: figures from a loaded machine read differently (times, not ratios).
results['machine'] = `${cpus().length} cores, load average ${loadAtStart.toFixed(1)} at the start and ${(loadavg()[0] ?? 0).toFixed(1)} at the end`;
console.log(`
${results['machine']}.`);
if (only === undefined) {
  record(results, join(ROOT, 'docs/bench-results.json'), join(ROOT, 'docs/BENCHMARKS.md'));
  console.log(`
Wrote docs/bench-results.json and docs/BENCHMARKS.md's tables in ${results['seconds']} s.`);
} else {
  console.log(`
${results['seconds']} s; --only: docs/bench-results.json and docs/BENCHMARKS.md left as they were.`);
}
process.exitCode = checks.every((check) => check.pass) ? 0 : 1;
