// @ts-check
// What the browser figures share: Debian's Chromium with the project's flags, a loopback site of their
// own for the bench pages (a page Playwright fulfils itself counts as public, and Chromium then refuses
// it the loopback endpoints), and a TLS front for a loopback server (auth0.js v7 sends to
// `https://{domain}` only), counting what passes through it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Debian's Chromium (CHROMIUM_PATH overrides), with certificate errors ignored for the TLS front's own
 * certificate unless the figure uses no TLS front (`tlsFront: false`: its pages run as they would without it).
 * @param {{ tlsFront?: boolean }} [options] @returns {Promise<import('playwright').Browser>}
 */
export function launchBenchChromium({ tlsFront = true } = {}) {
  return chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: tlsFront ? [...ARGS, '--ignore-certificate-errors'] : ARGS });
}

/** What a bench page logs once it has its figure: `openAndWait` waits for it. */
export const PAGE_DONE = 'bench-page-done';

/**
 * Opens `url` and waits until the page logs `PAGE_DONE`, touching nothing in the page meanwhile.
 * Playwright's `waitForFunction` polls from a script it first compiles in the page's own main thread (a
 * few hundred KB, cold on every fresh context): that work landed in the middle of the timed run at a
 * different point each time, as no user's page has it. A console message reaches Playwright through
 * the DevTools protocol it listens on anyway.
 * @param {import('playwright').Page} page @param {string} url
 */
export async function openAndWait(page, url) {
  // Together: a navigation that fails leaves no wait for the message to reject unheard a minute later.
  await Promise.all([page.waitForEvent('console', { predicate: (message) => message.text() === PAGE_DONE, timeout: 60_000 }), page.goto(url)]);
}

/**
 * A loopback site: the given files by path, and `html()` for anything else (not cached).
 * @param {Record<string, string | Buffer>} files @param {() => string} html
 */
export async function pageServer(files, html) {
  const server = createServer((req, res) => {
    const file = files[req.url ?? ''];
    if (file !== undefined) return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(file);
    res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' }).end(html());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  return { server, origin: `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}` };
}

/**
 * An https server on loopback that passes every request to `target` (an http origin) as it came, with a
 * self-signed certificate made by openssl for the run; `seen` counts requests by `METHOD /path`.
 * @param {string} target
 */
export async function tlsFront(target) {
  const folder = mkdtempSync(join(tmpdir(), 'bench-tls-'));
  const [key, cert] = [join(folder, 'key.pem'), join(folder, 'cert.pem')];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
  /** @type {Record<string, number>} */
  const seen = {};
  const server = createTlsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    const line = `${req.method} ${(req.url ?? '').split('?')[0]}`;
    seen[line] = (seen[line] ?? 0) + 1;
    const upstream = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  rmSync(folder, { recursive: true, force: true });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  return { server, host: `127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`, seen };
}
