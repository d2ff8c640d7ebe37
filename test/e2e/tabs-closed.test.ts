// Issue 11, point 3, with real tabs: a tab that announced its request and was closed before answering
// costs another tab one bounded wait (at most 1 s), once; later loads of that key do not wait at all,
// after clearCache() too. The waiting tab runs on Playwright's fake clock, so nothing here depends on
// how fast the machine is: the wait is measured in clock ticks, not in seconds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, Route } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite } from './site';

let site: Awaited<ReturnType<typeof startSite>>;

beforeAll(async () => {
  const bundle = readFileSync(join(__dirname, '../../dist/auth0-aws-delegation.s3.umd.min.js'));
  site = await startSite((req, res) => {
    if (req.url === '/bundle.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    if (req.url === '/page.js') {
      const code = `window.client = new Auth0AwsDelegation.DelegationClient({ clientID: ${JSON.stringify(site.sandbox.config.clientID)}, domain: ${JSON.stringify(site.sandbox.authUrl)} });
window.keys = [];
window.getKey = function () { return client.getCredentials({ idToken: ${JSON.stringify(site.idToken)} }).then(function (c) { keys.push(c.accessKeyId); return c.accessKeyId; }); };`;
      return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(code);
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>tab</title><script src="/bundle.js"></script><script src="/page.js"></script>');
  }, 'auth0|closed-tab');
});
afterAll(() => site?.stop());

type TabWindow = { getKey(): Promise<string>; keys: string[]; client: { clearCache(): void }; heard: string[] };

/** Records the types of the channel messages a tab receives (never their content). */
function listen() {
  const Native = window.BroadcastChannel;
  (window as unknown as TabWindow).heard = [];
  window.BroadcastChannel = class extends Native {
    constructor(name: string) {
      super(name);
      this.addEventListener('message', (event) => (window as unknown as TabWindow).heard.push(String((event.data as { type?: unknown } | null)?.type)));
    }
  };
}

const startGetKey = (page: Page) => page.evaluate(() => void (window as unknown as TabWindow).getKey());
const keysOf = (page: Page) => page.evaluate(() => (window as unknown as TabWindow).keys.length);
/** Who holds the origin's Web Locks, by client id (the same answer in every tab of the origin). */
const lockHolders = (page: Page) => page.evaluate(async () => ((await navigator.locks.query()).held ?? []).map((lock) => lock.clientId ?? ''));

describe('a tab closed mid-request', () => {
  it.each([
    ['closed before answering: the other tab waits at most 1 s, once', true],
    ['negative control, still open and answering late: the other tab keeps waiting for it within that second', false],
  ])('%s', async (_name, closeIt) => {
    const context = await site.browser.newContext();
    await context.addInitScript(listen);
    const [closing, staying] = await Promise.all([context.newPage(), context.newPage()]);
    await Promise.all([closing, staying].map((page) => page.goto(`${site.origin}/`)));
    // Waited on as an event, bounded by the test's budget only: a poll's default second was a bet on how
    // fast a loaded machine's browser sends the request.
    let route: (held: Route) => void = () => {};
    const routed = new Promise<Route>((resolve) => (route = resolve));
    await closing.route('**/delegation', route);
    await startGetKey(closing);
    // The closing tab holds the lock, has announced its request, and the other tab heard it.
    const held = await routed;
    await staying.waitForFunction(() => (window as unknown as TabWindow).heard.includes('loading'));
    // From here the waiting tab's timers fire only when the test moves its clock.
    await staying.clock.install();
    await staying.clock.pauseAt(Date.now() + 1_000);
    // The waiting tab's own delegation requests (the closed tab's may still reach the server).
    let asked = 0;
    staying.on('request', (request) => void (request.method() === 'POST' && request.url().endsWith('/delegation') && asked++));
    // It asks for the key's lock beside its request: held once granted.
    await expect.poll(async () => (await lockHolders(closing)).length, { timeout: 60_000 }).toBe(1);
    const [closingHolder] = await lockHolders(closing);
    expect(closingHolder).toBeTruthy();
    if (closeIt) await closing.close();
    await startGetKey(staying);
    if (closeIt) {
      // Move the clock only once the waiting tab holds the lock: its 1 s wait (a timer on the faked
      // clock) starts then. Moved earlier, on a slow machine, that timer would start after the move.
      await expect.poll(async () => (await lockHolders(staying)).some((holder) => holder !== closingHolder), { timeout: 60_000 }).toBe(true);
      await staying.clock.runFor(1_000);
      await expect.poll(() => keysOf(staying), { timeout: 60_000 }).toBe(1);
      expect(asked).toBe(1);
      // Never again: after clearCache() the next load does not wait (the clock is not moved).
      await staying.evaluate(() => (window as unknown as TabWindow).client.clearCache());
      await startGetKey(staying);
      await expect.poll(() => keysOf(staying), { timeout: 60_000 }).toBe(2);
      expect(asked).toBe(2);
    } else {
      // The announcing tab answers within the second: the other takes its answer, with no request.
      await staying.clock.runFor(500);
      await held.continue();
      await expect.poll(() => keysOf(staying), { timeout: 60_000 }).toBe(1);
      expect(asked).toBe(0);
      expect(await keysOf(closing)).toBe(1);
    }
    await context.close();
  });
});
