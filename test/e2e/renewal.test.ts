// Issue 23: S3 work that outlasts a 2-minute ID token keeps going. A page signs in with auth0-spa-js
// against the sandbox's tenant (code + PKCE, rotating refresh tokens) and takes the SDK's `idToken` from
// the examples' own `idTokenOf` (examples/s3-uploader/sign-in.mjs); then S3 requests go on for minutes of
// the page's and the servers' time: auth0-spa-js renews the ID token, the SDK exchanges each new token
// once (not once per S3 request), and no request fails. Time is moved, never waited for: the test
// process's Date (the sandbox runs in it) and the page's Date are set to the same instants; timers run as
// usual, so no wait depends on the machine's speed.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSandbox } from '../../sandbox/server.mjs';
import { launchChromium } from './browser';

const ROOT = join(__dirname, '../..');
const USER = 'auth0|renewal';
const TOKEN_LIFETIME_SEC = 120;
const STEP_MS = 15_000;
/** 12 steps of 15 s: three minutes, one and a half times the ID token's lifetime. */
const STEPS = 12;

const FILES: Record<string, [string, string]> = {
  '/auth0-spa-js.js': ['node_modules/@auth0/auth0-spa-js/dist/auth0-spa-js.production.js', 'text/javascript'],
  '/s3.js': ['dist/auth0-aws-delegation.s3.umd.min.js', 'text/javascript'],
  '/sign-in.mjs': ['examples/s3-uploader/sign-in.mjs', 'text/javascript'],
};

/** The page: sign in (or finish signing in), then `window.step(i)` sends three PUTs and a listing. */
const PAGE = `<!doctype html><title>renewal</title>
<script src="/auth0-spa-js.js"></script><script src="/s3.js"></script><script src="/config.js"></script>
<script type="module">
import { auth0Client, idTokenOf } from '/sign-in.mjs';
const config = window.CONFIG;
const { DelegationClient, fromDelegation, S3Client, PutObjectCommand, ListObjectsV2Command } = window.Auth0AwsDelegation;
window.ready = (async () => {
  const auth0 = await auth0Client(window.auth0.createAuth0Client, config, (text) => { window.refused = text; });
  window.signIn = () => auth0.loginWithRedirect();
  if (!(await auth0.isAuthenticated())) return 'signed out';
  const tokens = [];
  const idToken = async () => { const token = await idTokenOf(auth0); if (!tokens.includes(token)) tokens.push(token); return token; };
  const client = new DelegationClient({ clientID: config.clientID, domain: config.domain });
  const s3 = new S3Client({ region: config.region, endpoint: config.s3Endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', credentials: fromDelegation(client, { idToken }) });
  const { sub, __raw: firstToken } = await auth0.getIdTokenClaims();
  // The control: the same S3 request with the first token kept, never renewed.
  const staleClient = new DelegationClient({ clientID: config.clientID, domain: config.domain, shareAcrossTabs: false });
  const stale = new S3Client({ region: config.region, endpoint: config.s3Endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', credentials: fromDelegation(staleClient, { idToken: firstToken }) });
  window.staleStep = (i) => stale.send(new PutObjectCommand({ Bucket: config.bucket, Key: sub + '/stale-' + i + '.txt', Body: 'stale' })).then(() => 'ok', (error) => error.code || error.name);
  window.step = async (i) => {
    for (const n of [1, 2, 3]) await s3.send(new PutObjectCommand({ Bucket: config.bucket, Key: sub + '/step-' + i + '-' + n + '.txt', Body: 'step ' + i }));
    const listing = await s3.send(new ListObjectsV2Command({ Bucket: config.bucket, Prefix: sub + '/step-' }));
    return { listed: listing.KeyCount, tokens: tokens.length, exp: tokens.map((token) => JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).exp) };
  };
  return 'signed in';
})();
</script>`;

let browser: Browser;
let page: Page;
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let stopSite: () => void;
let now = 0;

/** Moves both clocks, the servers' (this process's Date) and the page's, to `ms`. */
async function setTime(ms: number): Promise<void> {
  now = ms;
  vi.setSystemTime(ms);
  await page.clock.setFixedTime(ms);
}

beforeAll(async () => {
  // Date only: timers, the network and Playwright's own waits run on real time.
  vi.useFakeTimers({ toFake: ['Date'] });
  now = Date.now();
  const site = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const file = FILES[path];
    if (file) return void res.writeHead(200, { 'content-type': file[1] }).end(readFileSync(join(ROOT, file[0])));
    if (path === '/config.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(`window.CONFIG = ${JSON.stringify(sandbox.config)};`);
    if (path === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  stopSite = () => {
    site.closeAllConnections();
    site.close();
  };
  sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, webOrigins: [origin], callbackUrls: [`${origin}/`], idTokenLifetimeSec: TOKEN_LIFETIME_SEC, rateLimitPerMinute: 100 });
  browser = await launchChromium();
  page = await browser.newPage();
  await setTime(now);
  await page.goto(`${origin}/`);
  expect(await page.evaluate(() => (window as unknown as { ready: Promise<string> }).ready)).toBe('signed out');
  await page.evaluate(() => void (window as unknown as { signIn: () => void }).signIn());
  await page.waitForURL((url) => url.pathname.startsWith('/u/login/'));
  await page.fill('#user', USER);
  await page.press('#user', 'Enter');
  await page.waitForURL((url) => url.origin === origin && url.pathname === '/');
  expect(await page.evaluate(() => (window as unknown as { ready: Promise<string> }).ready)).toBe('signed in');
});

afterAll(async () => {
  await browser?.close();
  stopSite?.();
  await sandbox?.stop();
  vi.useRealTimers();
});

describe('a 2-minute ID token, three minutes of S3 requests (Chromium)', () => {
  it('keeps going: auth0-spa-js renews the token, the SDK exchanges each token once, no request fails (control: the first token kept is refused once expired)', async () => {
    const start = now;
    const postsBefore = sandbox.stats.auth.delegationPosts;
    let last = { listed: 0, tokens: 0, exp: [] as number[] };
    const stale: string[] = [];
    for (let i = 0; i < STEPS; i++) {
      await setTime(start + i * STEP_MS);
      last = await page.evaluate((step) => (window as unknown as { step: (i: number) => Promise<typeof last> }).step(step), i);
      expect(last.listed).toBe(3 * (i + 1));
      stale.push(await page.evaluate((step) => (window as unknown as { staleStep: (i: number) => Promise<string> }).staleStep(step), i));
    }
    // The control: the first token, never renewed, works until its expiry and is refused after it.
    const firstExpiryStep = Math.floor((last.exp[0]! * 1000 - start) / STEP_MS);
    expect(stale.slice(0, firstExpiryStep)).toEqual(Array(firstExpiryStep).fill('ok'));
    expect(stale.slice(firstExpiryStep + 1)).toEqual(Array(STEPS - firstExpiryStep - 1).fill('id_token_expired'));
    // The first token's expiry passed while the requests went on.
    expect(now / 1000).toBeGreaterThan(last.exp[0]! + 30);
    // Renewed at least twice (every 60 s: auth0-spa-js renews a token with under 60 s left), each new
    // token exchanged once: delegation requests = tokens seen (+1 for the control's one token), far
    // fewer than the 48 S3 requests.
    expect(last.tokens).toBeGreaterThanOrEqual(3);
    expect(sandbox.stats.auth.delegationPosts - postsBefore).toBe(last.tokens + 1);
    expect(new Set(last.exp).size).toBe(last.tokens);
    // One token request for the sign-in (the code), one per renewal (the refresh token, rotated).
    expect(sandbox.stats.auth.tokenPosts).toBe(last.tokens);
  });
});
