// A page site of its own on loopback (a separate origin the sandbox allows), the sandbox behind it and
// Chromium: what the tests of script builds in real pages (CSP, tabs) start and stop together.
import { createServer } from 'node:http';
import type { RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox } from '../../sandbox/server.mjs';
import { launchChromium } from './browser';

/** Starts everything; `serve` answers the site's requests and may use the returned sandbox and token. */
export async function startSite(serve: RequestListener, user: string) {
  const server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, rateLimitPerMinute: 100, webOrigins: [origin] });
  const idToken = await sandbox.identity.issue(user);
  const browser = await launchChromium();
  return {
    origin,
    sandbox,
    idToken,
    browser,
    async stop() {
      await browser.close();
      server.close();
      await sandbox.stop();
    },
  };
}
