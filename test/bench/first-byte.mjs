// @ts-check
// Figure 5: a cold page in Chromium with a signed-in user's ID token: how many delegation requests go
// out before the first S3 request, and how long until the first S3 response. Target: exactly 1.
import { chromium } from 'playwright';
import { startSandbox } from '../../sandbox/server.mjs';
import { median, spread } from './stats.mjs';

const RUNS = 5;
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** @param {{ authUrl: string, s3Url: string, config: { clientID: string } }} sandbox @param {string} idToken */
function pageHtml(sandbox, idToken) {
  return `<!doctype html><script src="/dist/auth0-aws-delegation.s3.umd.min.js"></script><script>
    var sdk = Auth0AwsDelegation;
    var start = performance.now();
    var client = new sdk.DelegationClient({ clientID: ${JSON.stringify(sandbox.config.clientID)}, domain: ${JSON.stringify(sandbox.authUrl)} });
    var s3 = new sdk.S3Client({ region: 'us-east-1', endpoint: ${JSON.stringify(sandbox.s3Url)}, forcePathStyle: true, credentials: sdk.fromDelegation(client, { idToken: ${JSON.stringify(idToken)} }) });
    s3.send(new sdk.ListObjectsV2Command({ Bucket: 'uploads', Prefix: 'auth0|bench/' })).then(
      function () { window.__firstByteMs = performance.now() - start; },
      function (e) { window.__firstByteMs = -1; window.__error = String(e && e.name); });
  </script>`;
}

export async function firstS3Byte() {
  const sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, rateLimitPerMinute: 1_000 });
  const browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: ARGS });
  try {
    const idToken = await sandbox.identity.issue('auth0|bench');
    const s3Origin = new URL(sandbox.s3Url).origin;
    const runs = [];
    for (let run = 0; run < RUNS; run++) {
      const page = await browser.newPage();
      /** @type {string[]} */ const sequence = [];
      page.on('request', (request) => {
        const url = new URL(request.url());
        if (url.pathname === '/delegation') sequence.push(request.method() === 'OPTIONS' ? 'delegation-preflight' : 'delegation');
        else if (url.origin === s3Origin) sequence.push(request.method() === 'OPTIONS' ? 's3-preflight' : 's3');
      });
      const url = new URL('/bench.html', sandbox.appUrl).href;
      await page.route(url, (route) => route.fulfill({ contentType: 'text/html', body: pageHtml(sandbox, idToken) }));
      await page.goto(url);
      await page.waitForFunction(() => /** @type {any} */ (window).__firstByteMs !== undefined);
      const firstByteMs = await page.evaluate(() => /** @type {any} */ (window).__firstByteMs);
      const beforeS3 = sequence.slice(0, sequence.findIndex((entry) => entry.startsWith('s3')));
      runs.push({ firstByteMs, delegations: beforeS3.filter((entry) => entry === 'delegation').length, preflights: beforeS3.filter((entry) => entry === 'delegation-preflight').length });
      await page.close();
    }
    const delegations = runs.map((run) => run.delegations);
    const rows = [
      { measure: 'delegation requests before the first S3 request', value: delegations.join(', '), target: '1' },
      { measure: 'CORS preflights of /delegation before it (not counted above)', value: runs.map((run) => run.preflights).join(', '), target: '-' },
      { measure: 'time to first S3 response, ms (median, p10-p90)', value: spread(runs.map((run) => run.firstByteMs), 1), target: '-' },
    ];
    const failed = runs.some((run) => run.firstByteMs < 0);
    return { rows, checks: [{ check: 'cold page: exactly 1 delegation round trip before the first S3 request', value: median(delegations), pass: !failed && delegations.every((count) => count === 1) }] };
  } finally {
    await browser.close();
    await sandbox.stop();
  }
}
