// @ts-check
// Figure 5: a cold page in Chromium with a signed-in user's ID token, from its script to the first S3
// response (a ListObjectsV2 through the AWS SDK's S3Client): every request the servers see before it
// (the /delegation POST and any preflight at the Auth0 stand-in, and at S3 the listing's preflight
// and the listing), and how long until that response. This SDK's page (the S3 script build:
// DelegationClient + fromDelegation) beside auth0.js v7.6.1's own (its getDelegationToken, bundled from
// the package by test/support/auth0-v7-bundle.mjs, then the same S3Client on the credentials it
// returned), interleaved. v7 sends to https://{domain} only: both pages reach the stand-in through the
// same TLS front (page-site.mjs), which counts what passes. Target: the same requests as v7 (one
// /delegation POST, no preflight there), and no slower.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox } from '../../sandbox/server.mjs';
import { bundleAuth0V7 } from '../support/auth0-v7-bundle.mjs';
import { PAGE_DONE, launchBenchChromium, openAndWait, pageServer, tlsFront } from './page-site.mjs';
import { bootstrapMedian, median, spread } from './stats.mjs';

/**
 * Rounds of one page each: enough for the median gap's interval to say which page is slower by tens of
 * ms. Even, so that each page goes first in as many rounds as the other.
 */
const RUNS = 22;

/**
 * The page's script after the bundles: `credentials(done)` differs, the S3 call is the same.
 * @param {string} s3Url @param {string} credentials a function expression `(sdk) => credentials or provider`
 */
const firstS3Call = (s3Url, credentials) => `
    var sdk = Auth0AwsDelegation;
    var start = performance.now();
    var s3 = new sdk.S3Client({ region: 'us-east-1', endpoint: ${JSON.stringify(s3Url)}, forcePathStyle: true, credentials: (${credentials})(sdk) });
    s3.send(new sdk.ListObjectsV2Command({ Bucket: 'uploads', Prefix: 'auth0|bench/' })).then(
      function () {
        var now = performance.now();
        var entries = performance.getEntriesByType('resource');
        var waits = entries.filter(function (e) { return e.startTime >= start && (e.name.indexOf('/delegation') >= 0 || e.name.indexOf('/uploads') >= 0); });
        window.__ownMs = waits.reduce(function (own, e) { return own - (e.responseEnd - e.startTime); }, now - start);
        window.__firstByteMs = now - start;
        console.log(${JSON.stringify(PAGE_DONE)});
      },
      function (e) { window.__firstByteMs = -1; window.__error = String(e && (e.code + ' ' + e.message)); console.log(${JSON.stringify(PAGE_DONE)}); });`;

/** This SDK: fromDelegation on a DelegationClient (its own cache and single flight). @param {{ host: string, s3Url: string, clientID: string, idToken: string }} setup */
const oursHtml = ({ host, s3Url, clientID, idToken }) => `<!doctype html><script src="/s3.js"></script><script>${firstS3Call(s3Url, `function (sdk) {
      var client = new sdk.DelegationClient({ clientID: ${JSON.stringify(clientID)}, domain: ${JSON.stringify(`https://${host}`)} });
      return sdk.fromDelegation(client, { idToken: ${JSON.stringify(idToken)} });
    }`)}</script>`;

/**
 * auth0.js v7.6.1: getDelegationToken, then its Credentials as a provider of the same S3Client.
 * @param {{ host: string, s3Url: string, clientID: string, idToken: string }} setup
 */
const v7Html = ({ host, s3Url, clientID, idToken }) => `<!doctype html><script src="/auth0-v7.js"></script><script src="/s3.js"></script><script>${firstS3Call(s3Url, `function () {
      var auth0 = new Auth0({ clientID: ${JSON.stringify(clientID)}, domain: ${JSON.stringify(host)}, callbackURL: 'dummy' });
      return function () {
        return new Promise(function (resolve, reject) {
          auth0.getDelegationToken({ id_token: ${JSON.stringify(idToken)}, api: 'aws' }, function (err, result) {
            if (err) return reject(err);
            var c = result.Credentials;
            resolve({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: new Date(c.Expiration) });
          });
        });
      };
    }`)}</script>`;

/**
 * Runs the page on a fresh browser context (no preflight cached from an earlier run) and counts what
 * the servers saw meanwhile.
 * @param {import('playwright').Browser} browser @param {any} sandbox @param {{ origin: string }} site @param {Record<string, number>} front
 */
async function coldRun(browser, sandbox, site, front) {
  const before = { auth: { ...front }, s3: { ...sandbox.stats.s3.methods } };
  const context = await browser.newContext();
  const page = await context.newPage();
  await openAndWait(page, `${site.origin}/bench.html`);
  const { firstByteMs, ownMs } = await page.evaluate(() => ({ firstByteMs: /** @type {any} */ (window).__firstByteMs, ownMs: /** @type {any} */ (window).__ownMs }));
  await context.close();
  /** @param {Record<string, number>} now @param {Record<string, number>} then @returns {Record<string, number>} */
  const delta = (now, then) => Object.fromEntries(Object.entries(now).map(([name, count]) => /** @type {[string, number]} */ ([name, count - (then[name] ?? 0)])).filter(([, count]) => count > 0));
  const auth = delta(front, before.auth);
  const s3 = delta(sandbox.stats.s3.methods, before.s3);
  return { firstByteMs, ownMs, auth, s3, requests: [...Object.values(auth), ...Object.values(s3)].reduce((sum, count) => sum + count, 0) };
}

/** @param {Record<string, number>} counts */
const listed = (counts) => Object.entries(counts).map(([name, count]) => `${name} x${count}`).join(', ');

/** @param {Awaited<ReturnType<typeof coldRun>>[]} runs */
const summary = (runs) => ({
  'at the Auth0 stand-in': [...new Set(runs.map((run) => listed(run.auth)))].join(' | '),
  'at S3': [...new Set(runs.map((run) => listed(run.s3)))].join(' | '),
  'requests before the first S3 response': runs.map((run) => run.requests).join(', '),
  'ms to the first S3 response (median, p10-p90)': spread(runs.map((run) => run.firstByteMs), 1),
  'the page\'s own ms of it (the two requests\' times taken out)': spread(runs.map((run) => run.ownMs), 1),
});

export async function firstS3Byte() {
  /** @type {() => string} */
  let html = () => '';
  const site = await pageServer({ '/s3.js': readFileSync(join(import.meta.dirname, '../../dist/auth0-aws-delegation.s3.umd.min.js')), '/auth0-v7.js': await bundleAuth0V7({ minify: true }) }, () => html());
  const sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, rateLimitPerMinute: 1_000, webOrigins: [site.origin] });
  const front = await tlsFront(sandbox.authUrl);
  const browser = await launchBenchChromium();
  try {
    const setup = { host: front.host, s3Url: sandbox.s3Url, clientID: sandbox.config.clientID, idToken: await sandbox.identity.issue('auth0|bench') };
    /** @type {Awaited<ReturnType<typeof coldRun>>[]} */
    const ours = [];
    /** @type {Awaited<ReturnType<typeof coldRun>>[]} */
    const v7 = [];
    // Interleaved, so that both see the same machine, each first in every other round: the page after
    // another may find the servers and the browser busy with its leftovers. A warm-up pair first, not
    // counted: the browser's first page ever (a process to start, caches to fill) is no user's cold page.
    const pages = [{ html: oursHtml, runs: ours }, { html: v7Html, runs: v7 }];
    for (let round = -1; round < RUNS; round++) {
      for (const { html: page, runs } of round % 2 === 0 ? pages : [...pages].reverse()) {
        html = () => page(setup);
        const run = await coldRun(browser, sandbox, site, front.seen);
        if (round >= 0) runs.push(run);
      }
    }
    const failed = [...ours, ...v7].some((run) => run.firstByteMs < 0);
    const gaps = ours.map((run, index) => run.firstByteMs - (v7[index]?.firstByteMs ?? Number.NaN));
    const [low, high] = bootstrapMedian(gaps);
    // The page's own time: the servers' and the network's taken out (the same for both pages, and most of
    // the spread). Reported, not judged: what the total's check cannot resolve is where the pages differ.
    const ownGaps = ours.map((run, index) => run.ownMs - (v7[index]?.ownMs ?? Number.NaN));
    const [ownLow, ownHigh] = bootstrapMedian(ownGaps);
    const sameRequests = ours.every((run, index) => listed(run.auth) === listed(v7[index]?.auth ?? {}) && listed(run.s3) === listed(v7[index]?.s3 ?? {}));
    return {
      rows: [
        { page: 'this SDK (S3 script build: DelegationClient + fromDelegation)', ...summary(ours), 'own ms - v7\'s (median gap, 95% CI)': `${median(ownGaps).toFixed(1)} (${ownLow.toFixed(1)} to ${ownHigh.toFixed(1)})` },
        { page: 'auth0.js v7.6.1 getDelegationToken + the same S3Client', ...summary(v7), 'own ms - v7\'s (median gap, 95% CI)': '' },
      ],
      notes: [`Figure 5: to the first S3 response, this SDK's page is ${median(gaps).toFixed(1)} (${low.toFixed(1)} to ${high.toFixed(1)}) ms over v7's; of that, the pages' own time (the two requests' times taken out: the servers' and the network's, the same requests for both) differs by ${median(ownGaps).toFixed(1)} (${ownLow.toFixed(1)} to ${ownHigh.toFixed(1)}) ms. Figure 9 splits a cold page's own cost (ky, the client, tab sharing) finer.`],
      checks: [
        { check: 'cold page: exactly 1 request to /delegation (the POST, no preflight) before the first S3 response', value: [...new Set(ours.map((run) => listed(run.auth)))].join(' | '), pass: !failed && ours.every((run) => listed(run.auth) === 'POST /delegation x1') },
        { check: 'cold page: the same requests as auth0.js v7.6.1\'s page, at both servers, in every run', value: `${median(ours.map((run) => run.requests))} vs ${median(v7.map((run) => run.requests))}`, pass: !failed && sameRequests },
        { check: 'cold page: to the first S3 response no slower than v7\'s page (95% CI of the median gap, ms, low end <= 0)', value: `${median(gaps).toFixed(1)} (${low.toFixed(1)}-${high.toFixed(1)})`, pass: !failed && low <= 0 },
      ],
    };
  } finally {
    await browser.close();
    await sandbox.stop();
    front.server.close();
    site.server.close();
  }
}
