// @ts-check
// Figure 9: what one small file's upload costs in round trips, counted by the S3 server (CORS
// preflights included, which the page cannot see), in Chromium: the fetch entry's postObject (a form
// POST with a signed policy: a CORS simple request) against its own putObject, aws4fetch's signed PUT
// and the AWS SDK's PutObject (the S3 script build), on one page whose credentials are fetched first.
// Every key is new, as every upload's is: no preflight cache helps a PUT. Target: POST 1, every peer 2.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox } from '../../sandbox/server.mjs';
import { roundTripBundle, roundTripHtml, uploadInPage } from '../support/round-trip-page.mjs';
import { launchBenchChromium, pageServer } from './page-site.mjs';

const RUNS = 3;
const USER = 'auth0|bench-round-trips';
/** @type {[import('../support/round-trip-page.mjs').UploadArgs['how'], string][]} */
const WAYS = [
  ['post', 'fetch entry: postObject (POST with a signed policy)'],
  ['put', 'fetch entry: putObject (signed PUT)'],
  ['aws4fetch', 'aws4fetch 1.0.20: AwsClient.fetch PUT'],
  ['sdk', 'AWS SDK v3: PutObjectCommand (S3 script build)'],
];

export async function roundTripsPerUpload() {
  const site = await pageServer({ '/bundle.js': await roundTripBundle(), '/s3.js': readFileSync(join(import.meta.dirname, '../../dist/auth0-aws-delegation.s3.umd.min.js')) }, () => roundTripHtml({ s3Script: true }));
  const sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, rateLimitPerMinute: 1_000, webOrigins: [site.origin] });
  const browser = await launchBenchChromium();
  try {
    const idToken = await sandbox.identity.issue(USER);
    const base = { idToken, clientID: sandbox.config.clientID, authUrl: sandbox.authUrl, s3Url: sandbox.s3Url, folder: `${USER}/` };
    /** @type {Record<string, { requests: number[], methods: Set<string>, failures: string[] }>} */
    const seen = Object.fromEntries(WAYS.map(([how]) => [how, { requests: [], methods: new Set(), failures: [] }]));
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${site.origin}/`);
      /** @param {import('../support/round-trip-page.mjs').UploadArgs} args */
      const upload = (args) => page.evaluate(uploadInPage, args);
      await upload({ ...base, how: 'warm', name: '' });
      for (const [how] of WAYS) {
        const before = { ...sandbox.stats.s3.methods };
        const result = await upload({ ...base, how, name: `${how}-${run}-${Date.now()}.txt` });
        const delta = Object.entries(sandbox.stats.s3.methods).map(([method, count]) => /** @type {[string, number]} */ ([method, count - (before[method] ?? 0)])).filter(([, count]) => count > 0);
        const entry = /** @type {(typeof seen)[string]} */ (seen[how]);
        if (result !== 'done') entry.failures.push(String(result));
        entry.requests.push(delta.reduce((sum, [, count]) => sum + count, 0));
        entry.methods.add(delta.map(([method, count]) => `${method} x${count}`).join(', '));
      }
      await context.close();
    }
    const rows = WAYS.map(([how, label]) => {
      const entry = /** @type {(typeof seen)[string]} */ (seen[how]);
      return { upload: label, 'requests at S3 per upload': entry.requests.join(', '), which: [...entry.methods].join(' | '), ...(entry.failures.length > 0 ? { failed: entry.failures.join('; ') } : {}) };
    });
    const counts = (/** @type {string} */ how) => /** @type {(typeof seen)[string]} */ (seen[how]).requests;
    const failed = Object.values(seen).some((entry) => entry.failures.length > 0);
    return {
      rows,
      checks: [
        {
          check: 'round trips per small upload in Chromium, at the S3 server: POST costs 1 where every peer pays 2',
          value: WAYS.map(([how]) => `${how} ${counts(how).join('/')}`).join(', '),
          pass: !failed && counts('post').every((count) => count === 1) && WAYS.slice(1).every(([how]) => counts(how).every((count) => count === 2)),
        },
      ],
    };
  } finally {
    await browser.close();
    await sandbox.stop();
    site.server.close();
  }
}
