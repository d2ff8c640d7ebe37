// All tabs, one request: five tabs of one origin ask for credentials at once and the endpoint sees one
// request (Web Locks + BroadcastChannel); signing out in one tab clears every tab; without those APIs
// each tab asks for itself.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite } from './site';

const TABS = 5;
let site: Awaited<ReturnType<typeof startSite>>;

beforeAll(async () => {
  const bundle = readFileSync(join(__dirname, '../../dist/auth0-aws-delegation.s3.umd.min.js'));
  site = await startSite((req, res) => {
    if (req.url === '/bundle.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    if (req.url === '/page.js') {
      const code = `window.client = new Auth0AwsDelegation.DelegationClient({ clientID: ${JSON.stringify(site.sandbox.config.clientID)}, domain: ${JSON.stringify(site.sandbox.authUrl)} });
window.getKey = function () { return client.getCredentials({ idToken: ${JSON.stringify(site.idToken)} }).then(function (c) { return c.accessKeyId; }); };`;
      return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(code);
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>tab</title><script src="/bundle.js"></script><script src="/page.js"></script>');
  }, 'auth0|tabs');
});
afterAll(() => site?.stop());

async function openTabs(context: BrowserContext): Promise<Page[]> {
  const pages = await Promise.all(Array.from({ length: TABS }, () => context.newPage()));
  await Promise.all(pages.map((page) => page.goto(`${site.origin}/`)));
  return pages;
}

const getKey = (page: Page) => page.evaluate(() => (window as unknown as { getKey(): Promise<string> }).getKey());

describe(`${TABS} tabs of one origin`, () => {
  it('make one delegation request between them, and sign-out in one tab clears every tab', async () => {
    const context = await site.browser.newContext();
    const pages = await openTabs(context);
    const before = site.sandbox.stats.delegation.issued;
    const keys = await Promise.all(pages.map(getKey));
    expect(new Set(keys).size).toBe(1);
    expect(site.sandbox.stats.delegation.issued - before).toBe(1);

    await pages[0]!.evaluate(() => (window as unknown as { client: { clearCache(): void } }).client.clearCache());
    // The clear reaches the other tabs as a message: once it has, tab 4 asks again (once).
    await expect.poll(() => getKey(pages[3]!), { timeout: 60_000 }).not.toBe(keys[0]);
    expect(site.sandbox.stats.delegation.issued - before).toBe(2);
    await context.close();
  });

  it('negative control: without BroadcastChannel each tab asks for itself', async () => {
    const context = await site.browser.newContext();
    await context.addInitScript(() => {
      delete (window as unknown as { BroadcastChannel?: unknown }).BroadcastChannel;
    });
    const pages = await openTabs(context);
    const before = site.sandbox.stats.delegation.issued;
    const keys = await Promise.all(pages.map(getKey));
    expect(new Set(keys).size).toBe(TABS);
    expect(site.sandbox.stats.delegation.issued - before).toBe(TABS);
    await context.close();
  });
});
