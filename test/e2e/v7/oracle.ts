// The oracle: auth0.js 7.6.1 as its standalone build put it on `window.Auth0` (test/support/
// auth0-v7-bundle.mjs), next to this SDK's v7 script build, each on a page of a loopback site of its own. Both pages
// load page-runner.js and call the same code against the same (intercepted) Auth0 tenant.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { bundleAuth0V7 } from '../../support/auth0-v7-bundle.mjs';

const ROOT = join(__dirname, '../../..');

export type Implementation = 'auth0.js 7.6.1' | 'this SDK';
export const IMPLEMENTATIONS: Implementation[] = ['auth0.js 7.6.1', 'this SDK'];

/** A loopback site serving /v7.html (auth0.js 7.6.1) and /sdk.html (this SDK's v7 build), each with the runner. */
export async function startOracleSite() {
  const scripts: Record<Implementation, string> = {
    'auth0.js 7.6.1': await bundleAuth0V7(),
    'this SDK': readFileSync(join(ROOT, 'dist/auth0-aws-delegation.v7.min.js'), 'utf8'),
  };
  const files: Record<string, string> = {
    '/runner.js': readFileSync(join(__dirname, 'page-runner.js'), 'utf8'),
    '/auth0-v7.js': scripts['auth0.js 7.6.1'],
    '/this-sdk-v7.js': scripts['this SDK'],
  };
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (files[path] !== undefined) return void res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(files[path]);
    const script = path === '/v7.html' ? '/auth0-v7.js' : path === '/sdk.html' ? '/this-sdk-v7.js' : undefined;
    if (script === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><title>${path}</title><script src="${script}"></script><script src="/runner.js"></script>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    pageUrl: (implementation: Implementation) => `${origin}/${implementation === 'this SDK' ? 'sdk' : 'v7'}.html`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
