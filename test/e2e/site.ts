// A page site of its own on loopback (a separate origin the sandbox allows) and the sandbox behind it:
// what the tests of script builds in real pages (CSP, tabs) start and stop together, with Chromium
// (`startSite`) or with no browser, for tests that launch the engines themselves (`startPageSite`).
import { createServer } from 'node:http';
import type { RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox } from '../../sandbox/server.mjs';
import { launchChromium } from './browser';

/** Starts the site and the sandbox; `serve` answers the site's requests and may use the returned sandbox and token. */
export async function startPageSite(serve: RequestListener, user: string) {
  const server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, rateLimitPerMinute: 100, webOrigins: [origin] });
  const idToken = await sandbox.identity.issue(user);
  return {
    origin,
    sandbox,
    idToken,
    async stop() {
      server.closeAllConnections();
      server.close();
      await sandbox.stop();
    },
  };
}

/** `startPageSite` and Chromium (Playwright). */
export async function startSite(serve: RequestListener, user: string) {
  const site = await startPageSite(serve, user);
  const browser = await launchChromium();
  return {
    ...site,
    browser,
    async stop() {
      await browser.close();
      await site.stop();
    },
  };
}
