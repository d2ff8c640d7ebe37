// All tabs, one request: five tabs of one origin ask for credentials at once and the endpoint sees one
// request (Web Locks + BroadcastChannel); signing out in one tab clears every tab; without those APIs
// each tab asks for itself.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.mjs';
import { launchChromium } from './browser';

const TABS = 5;
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let browser: Browser;
let site: Server;
let siteOrigin: string;
let idToken: string;

beforeAll(async () => {
  const bundle = readFileSync(join(__dirname, '../../dist/auth0-aws-delegation.s3.umd.min.js'));
  site = createServer((req, res) => {
    if (req.url === '/bundle.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    if (req.url === '/page.js') {
      const code = `window.client = new Auth0AwsDelegation.DelegationClient({ clientID: ${JSON.stringify(sandbox.config.clientID)}, domain: ${JSON.stringify(sandbox.authUrl)} });
window.getKey = function () { return client.getCredentials({ idToken: ${JSON.stringify(idToken)} }).then(function (c) { return c.accessKeyId; }); };`;
      return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(code);
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>tab</title><script src="/bundle.js"></script><script src="/page.js"></script>');
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, rateLimitPerMinute: 100, webOrigins: [siteOrigin] });
  idToken = await sandbox.identity.issue('auth0|tabs');
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  site?.close();
  await sandbox?.stop();
});

async function openTabs(context: BrowserContext): Promise<Page[]> {
  const pages = await Promise.all(Array.from({ length: TABS }, () => context.newPage()));
  await Promise.all(pages.map((page) => page.goto(`${siteOrigin}/`)));
  return pages;
}

const getKey = (page: Page) => page.evaluate(() => (window as unknown as { getKey(): Promise<string> }).getKey());

describe(`${TABS} tabs of one origin`, () => {
  it('make one delegation request between them, and sign-out in one tab clears every tab', async () => {
    const context = await browser.newContext();
    const pages = await openTabs(context);
    const before = sandbox.stats.delegation.issued;
    const keys = await Promise.all(pages.map(getKey));
    expect(new Set(keys).size).toBe(1);
    expect(sandbox.stats.delegation.issued - before).toBe(1);

    await pages[0]!.evaluate(() => (window as unknown as { client: { clearCache(): void } }).client.clearCache());
    // The clear reaches the other tabs as a message: once it has, tab 4 asks again (once).
    await expect.poll(() => getKey(pages[3]!), { timeout: 5_000 }).not.toBe(keys[0]);
    expect(sandbox.stats.delegation.issued - before).toBe(2);
    await context.close();
  });

  it('negative control: without BroadcastChannel each tab asks for itself', async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      delete (window as unknown as { BroadcastChannel?: unknown }).BroadcastChannel;
    });
    const pages = await openTabs(context);
    const before = sandbox.stats.delegation.issued;
    const keys = await Promise.all(pages.map(getKey));
    expect(new Set(keys).size).toBe(TABS);
    expect(sandbox.stats.delegation.issued - before).toBe(TABS);
    await context.close();
  });
});
