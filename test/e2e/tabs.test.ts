// All tabs, one request, in each engine (Chromium, Firefox ESR, WebKitGTK): the first of five tabs of one
// origin asks for credentials, the four others once they have heard its request announced, and the
// endpoint sees one request (Web Locks + BroadcastChannel); signing out in one tab clears every tab. A
// tab sends its first request at once and announces it beside the request, so tabs that start at the
// same instant, before any has heard another, may each send (checked too: each gets credentials). Where
// a page lacks Web Locks or BroadcastChannel, each tab asks for itself (the per-tab fallback): the page
// is served with the API removed before the SDK loads, and the endpoint sees five requests. All three
// engines have both APIs (checked first), so the fallback is what a page gets in an older engine or an
// insecure context, not what these engines need.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, Session, Tab } from '../engines/engine';
import { waitUntil } from '../engines/engine';
import { enginesToRun, launchEngine } from '../engines/launch';
import { startPageSite } from './site';

const TABS = 5;
type TabWindow = { client: { clearCache(): void }; startKey(): void; key?: string; heard: string[] };

/** Records the type of every channel message the page hears (never its content), before the SDK loads. */
const LISTEN = `window.heard = [];
if (window.BroadcastChannel) window.BroadcastChannel = class extends window.BroadcastChannel {
  constructor(name) { super(name); this.addEventListener('message', function (event) { heard.push(String(event.data && event.data.type)); }); }
};`;

/** What the page removes before the SDK loads (`?without=...`), so that the SDK's own checks see it gone. */
const REMOVALS: Record<string, string> = {
  BroadcastChannel: 'delete window.BroadcastChannel;',
  locks: "Object.defineProperty(Navigator.prototype, 'locks', { configurable: true, get: function () { return undefined; } });",
};

let site: Awaited<ReturnType<typeof startPageSite>>;

beforeAll(async () => {
  const bundle = readFileSync(join(__dirname, '../../dist/auth0-aws-delegation.s3.umd.min.js'));
  site = await startPageSite((req, res) => {
    const url = new URL(req.url ?? '/', 'http://site');
    if (url.pathname === '/bundle.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    if (url.pathname === '/remove.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(REMOVALS[url.searchParams.get('api') ?? ''] ?? '');
    if (url.pathname === '/listen.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(LISTEN);
    if (url.pathname === '/page.js') {
      const code = `window.client = new Auth0AwsDelegation.DelegationClient({ clientID: ${JSON.stringify(site.sandbox.config.clientID)}, domain: ${JSON.stringify(site.sandbox.authUrl)} });
window.startKey = function () {
  window.key = undefined;
  client.getCredentials({ idToken: ${JSON.stringify(site.idToken)} }).then(function (c) { window.key = c.accessKeyId; }, function (e) { window.key = 'failed: ' + e.code; });
};`;
      return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(code);
    }
    const without = url.searchParams.get('without');
    const removal = without ? `<script src="/remove.js?api=${encodeURIComponent(without)}"></script>` : '';
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>tab</title>${removal}<script src="/listen.js"></script><script src="/bundle.js"></script><script src="/page.js"></script>`);
  }, 'auth0|tabs');
});
afterAll(() => site?.stop());

const start = (tabs: Tab[]) => Promise.all(tabs.map((tab) => tab.evaluate(() => (window as unknown as TabWindow).startKey())));

/** Each tab's key, once every tab has one. */
async function keysWhenDone(tabs: Tab[]): Promise<string[]> {
  await Promise.all(tabs.map((tab) => waitUntil(tab, () => (window as unknown as TabWindow).key !== undefined)));
  return Promise.all(tabs.map((tab) => tab.evaluate(() => (window as unknown as TabWindow).key!)));
}

/** Starts a request in every tab at once (so that they overlap), then waits for each tab's key. */
async function keysOf(tabs: Tab[]): Promise<string[]> {
  await start(tabs);
  return keysWhenDone(tabs);
}

/** The first tab asks; the others once each has heard its request announced; then every tab's key. */
async function keysInTurn(tabs: Tab[]): Promise<string[]> {
  await start(tabs.slice(0, 1));
  await Promise.all(tabs.slice(1).map((tab) => waitUntil(tab, () => (window as unknown as TabWindow).heard.includes('loading'))));
  await start(tabs.slice(1));
  return keysWhenDone(tabs);
}

describe.each(enginesToRun())('%s', (engineName) => {
  let engine: Engine;
  let session: Session | undefined;
  beforeAll(async () => {
    engine = await launchEngine(engineName);
  });
  afterAll(() => engine?.close());

  async function openTabs(query = '', count = TABS): Promise<Tab[]> {
    session = await engine.newSession();
    const tabs: Tab[] = [];
    // One after another: WebDriver classic opens one window at a time anyway.
    for (let index = 0; index < count; index++) tabs.push(await session.newTab(`${site.origin}/${query}`));
    return tabs;
  }

  async function closeTabs(): Promise<void> {
    await session?.close();
    session = undefined;
  }

  it('has Web Locks, BroadcastChannel and SubtleCrypto on the page (so tabs share)', async () => {
    const [tab] = await openTabs('', 1);
    expect(await tab!.evaluate(() => [typeof navigator.locks?.request, typeof BroadcastChannel, typeof crypto.subtle?.digest])).toEqual(['function', 'function', 'function']);
    await closeTabs();
  });

  it(`${TABS} tabs make one delegation request between them, and sign-out in one tab clears every tab`, async () => {
    const tabs = await openTabs();
    const before = site.sandbox.stats.delegation.issued;
    const keys = await keysInTurn(tabs);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^ASIA/);
    expect(site.sandbox.stats.delegation.issued - before).toBe(1);

    await tabs[0]!.evaluate(() => (window as unknown as TabWindow).client.clearCache());
    // The clear reaches the other tabs as a message: once it has, tab 4 asks again (once).
    await expect.poll(async () => (await keysOf([tabs[3]!]))[0], { timeout: 60_000 }).not.toBe(keys[0]);
    expect(site.sandbox.stats.delegation.issued - before).toBe(2);
    await closeTabs();
  });

  it(`${TABS} tabs asking at the same instant: each gets credentials, with at most one request each`, async () => {
    const tabs = await openTabs();
    const before = site.sandbox.stats.delegation.issued;
    const keys = await keysOf(tabs);
    expect(keys.every((key) => key.startsWith('ASIA'))).toBe(true);
    expect(site.sandbox.stats.delegation.issued - before).toBeLessThanOrEqual(TABS);
    expect(site.sandbox.stats.delegation.issued - before).toBe(new Set(keys).size);
    await closeTabs();
  });

  it.each(Object.keys(REMOVALS))('per-tab fallback: without %s each tab asks for itself', async (api) => {
    const tabs = await openTabs(`?without=${api}`);
    const removed = api === 'locks' ? () => navigator.locks === undefined : () => typeof BroadcastChannel === 'undefined';
    expect(await tabs[0]!.evaluate(removed)).toBe(true);
    const before = site.sandbox.stats.delegation.issued;
    const keys = await keysOf(tabs);
    expect(new Set(keys).size).toBe(TABS);
    expect(site.sandbox.stats.delegation.issued - before).toBe(TABS);
    await closeTabs();
  });
});
