// A real server (in Node, on loopback) whose /delegation answers 307 to its own /steal, which counts what
// reaches it: a redirect as the network makes it, next to the one msw's service worker makes (WebKit
// treats a service worker's redirect differently from the network's: see tabs-trust.test.ts).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts it; `GET /followed` answers how many requests reached /steal. */
export async function startRedirector(): Promise<{ url: string; stop(): Promise<void> }> {
  let followed = 0;
  const server = createServer((req, res) => {
    const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'cache-control': 'no-store' };
    const path = (req.url ?? '/').split('?')[0];
    req.resume();
    if (path === '/followed') return void res.writeHead(200, { ...cors, 'content-type': 'text/plain' }).end(String(followed));
    if (path === '/steal') {
      followed++;
      return void res.writeHead(200, { ...cors, 'content-type': 'application/json' }).end('{}');
    }
    res.writeHead(307, { ...cors, location: '/steal' }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
