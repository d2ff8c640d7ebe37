// @ts-check
// Figure 5: a cold page in Chromium with a signed-in user's ID token: the round trips to the Auth0
// stand-in before the first S3 request, counted by the server (POSTs and CORS preflights, which the
// browser's request events do not show), and how long until the first S3 response. Target: 1 round
// trip, 0 preflights. Baseline in the same run: the same token posted as JSON by hand (what this SDK did
// before it sent v7's form body): a preflight and the POST.
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

/** The baseline page: the delegation request as a hand-written JSON POST, then nothing else. */
/** @param {{ authUrl: string, config: { clientID: string } }} sandbox @param {string} idToken */
function baselineHtml(sandbox, idToken) {
  const body = { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', client_id: sandbox.config.clientID, target: sandbox.config.clientID, api_type: 'aws', id_token: idToken };
  return `<!doctype html><script>
    var start = performance.now();
    fetch(${JSON.stringify(`${sandbox.authUrl}/delegation`)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: ${JSON.stringify(JSON.stringify(body))} }).then(
      function (r) { return r.json(); }).then(function () { window.__firstByteMs = performance.now() - start; }, function () { window.__firstByteMs = -1; });
  </script>`;
}

/**
 * Runs `html` on a fresh page (its own browser context: no preflight cached from an earlier run) and
 * counts what the Auth0 stand-in saw meanwhile.
 * @param {import('playwright').Browser} browser @param {any} sandbox @param {{ origin: string }} site
 */
async function coldRun(browser, sandbox, site) {
  const before = { ...sandbox.stats.auth };
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${site.origin}/bench.html`);
  await page.waitForFunction(() => /** @type {any} */ (window).__firstByteMs !== undefined);
  const firstByteMs = await page.evaluate(() => /** @type {any} */ (window).__firstByteMs);
  await context.close();
  const posts = sandbox.stats.auth.delegationPosts - before.delegationPosts;
  const preflights = sandbox.stats.auth.delegationPreflights - before.delegationPreflights;
  return { firstByteMs, posts, preflights, roundTrips: posts + preflights };
}

/** @param {{ posts: number, preflights: number, roundTrips: number, firstByteMs: number }[]} runs */
const summary = (runs) => ({ posts: runs.map((run) => run.posts).join(', '), preflights: runs.map((run) => run.preflights).join(', '), 'round trips': runs.map((run) => run.roundTrips).join(', '), 'ms (median, p10-p90)': spread(runs.map((run) => run.firstByteMs), 1) });

export async function firstS3Byte() {
  /** @type {() => string} */
  let html = () => '';
  const site = await pageServer(() => html());
  const sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, rateLimitPerMinute: 1_000, webOrigins: [site.origin] });
  const browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: ARGS });
  try {
    const idToken = await sandbox.identity.issue('auth0|bench');
    const ours = [];
    const baseline = [];
    // Interleaved, so that both see the same machine.
    for (let run = 0; run < RUNS; run++) {
      html = () => pageHtml(sandbox, idToken);
      ours.push(await coldRun(browser, sandbox, site));
      html = () => baselineHtml(sandbox, idToken);
      baseline.push(await coldRun(browser, sandbox, site));
    }
    const rows = [
      { page: 'this SDK (v7 form body), to the first S3 response', ...summary(ours) },
      { page: 'baseline: a hand-written JSON POST, to its answer', ...summary(baseline) },
    ];
    const failed = ours.some((run) => run.firstByteMs < 0);
    return {
      rows,
      checks: [
        { check: 'cold page: 0 preflights, exactly 1 round trip to /delegation before the first S3 request', value: median(ours.map((run) => run.roundTrips)), pass: !failed && ours.every((run) => run.preflights === 0 && run.posts === 1) },
        { check: 'baseline is what it says: a JSON POST costs a preflight', value: median(baseline.map((run) => run.preflights)), pass: baseline.every((run) => run.preflights === 1 && run.posts === 1) },
      ],
    };
  } finally {
    await browser.close();
    await sandbox.stop();
    site.server.close();
  }
}
