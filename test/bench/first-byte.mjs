// @ts-check
// Figure 5: a cold page in Chromium with a signed-in user's ID token: how many delegation requests go
// out before the first S3 request, and how long until the first S3 response. Target: exactly 1.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { chromium } from 'playwright';
import { startSandbox } from '../../sandbox/server.mjs';
import { median, spread } from './stats.mjs';

const RUNS = 5;
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** @param {{ authUrl: string, s3Url: string, config: { clientID: string } }} sandbox @param {string} idToken */
function pageHtml(sandbox, idToken) {
  return `<!doctype html><script src="/bundle.js"></script><script>
    var sdk = Auth0AwsDelegation;
    var start = performance.now();
    var client = new sdk.DelegationClient({ clientID: ${JSON.stringify(sandbox.config.clientID)}, domain: ${JSON.stringify(sandbox.authUrl)} });
    var s3 = new sdk.S3Client({ region: 'us-east-1', endpoint: ${JSON.stringify(sandbox.s3Url)}, forcePathStyle: true, credentials: sdk.fromDelegation(client, { idToken: ${JSON.stringify(idToken)} }) });
    s3.send(new sdk.ListObjectsV2Command({ Bucket: 'uploads', Prefix: 'auth0|bench/' })).then(
      function () { window.__firstByteMs = performance.now() - start; },
      function (e) { window.__firstByteMs = -1; window.__error = String(e && (e.code + ' ' + e.message)); });
  </script>`;
}

/**
 * The bench page and the S3 bundle from a loopback server of their own (a page Playwright fulfils
 * itself counts as public, and Chromium then refuses it the loopback endpoints).
 * @param {() => string} html
 */
async function pageServer(html) {
  const bundle = readFileSync(join(import.meta.dirname, '../../dist/auth0-aws-delegation.s3.umd.min.js'));
  const server = createServer((req, res) => {
    if (req.url === '/bundle.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' }).end(html());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  return { server, origin: `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}` };
}

export async function firstS3Byte() {
  /** @type {() => string} */
  let html = () => '';
  const site = await pageServer(() => html());
  const sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, rateLimitPerMinute: 1_000, webOrigins: [site.origin] });
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
        // Playwright reports requests, not CORS preflights: what is counted here are the POSTs.
        if (url.pathname === '/delegation') sequence.push('delegation');
        else if (url.origin === s3Origin) sequence.push('s3');
      });
      html = () => pageHtml(sandbox, idToken);
      await page.goto(`${site.origin}/bench.html`);
      await page.waitForFunction(() => /** @type {any} */ (window).__firstByteMs !== undefined);
      const firstByteMs = await page.evaluate(() => /** @type {any} */ (window).__firstByteMs);
      const firstS3 = sequence.findIndex((entry) => entry.startsWith('s3'));
      const beforeS3 = firstS3 === -1 ? sequence : sequence.slice(0, firstS3);
      runs.push({ firstByteMs, delegations: beforeS3.filter((entry) => entry === 'delegation').length });
      await page.close();
    }
    const delegations = runs.map((run) => run.delegations);
    const rows = [
      { measure: 'delegation requests before the first S3 request', value: delegations.join(', '), target: '1' },
      { measure: 'time to first S3 response, ms (median, p10-p90)', value: spread(runs.map((run) => run.firstByteMs), 1), target: '-' },
    ];
    const failed = runs.some((run) => run.firstByteMs < 0);
    return { rows, checks: [{ check: 'cold page: exactly 1 delegation round trip before the first S3 request', value: median(delegations), pass: !failed && delegations.every((count) => count === 1) }] };
  } finally {
    await browser.close();
    await sandbox.stop();
    site.server.close();
  }
}
