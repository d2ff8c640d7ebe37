// uppyCredentials with the real @uppy/aws-s3 6.3.1 (the bundle the script-tag uploader loads) in
// Chromium, against the sandbox's /delegation and its verifying S3 with the per-user policy of deploy/:
// a single PUT, a multipart upload, credentials that run out in the middle of a multipart upload (the
// sandbox's clock is moved past their end while a part is held: S3 answers ExpiredToken, Uppy asks
// again, the bridge drops the refused key and hands over new ones), a PUT on keys that expired between
// two uploads, and Bob refused in Alice's folder (the control, next to Bob in his own).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.mjs';
import { launchChromium } from './browser';
import { requestHolds } from './hold';
import { storedBytes } from './s3-seed';

const ROOT = join(__dirname, '../..');
const LIFETIME_SEC = 1800;
const MIB = 1024 * 1024;
const holds = requestHolds();
/** Every S3 request: method, path, part number and the access key it was signed with. */
const seen: { method: string; path: string; part: string | null; key: string }[] = [];
let ahead = 0;
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let site: Server;
let origin: string;
let browser: Browser;

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Uppy bridge</title><link rel="icon" href="data:,">
<script src="/sdk.js"></script></head><body><main><h1>Uppy bridge</h1></main>
<script type="module">
  import { Uppy, AwsS3 } from '/uppy.mjs';
  window.bridgeUploader = ({ domain, clientID, idToken, region, endpoint }) => {
    const sdk = window.Auth0AwsDelegation;
    const client = new sdk.DelegationClient({ clientID, domain, shareAcrossTabs: false });
    const uppy = new Uppy({ id: 'bridge-' + Math.random() });
    uppy.use(AwsS3, {
      s3Endpoint: endpoint,
      getCredentials: sdk.uppyCredentials(client, { idToken, region }),
      generateObjectKey: (file) => file.meta.key,
      shouldUseMultipart: (file) => file.size > 5 * 1024 * 1024,
      getChunkSize: () => 5 * 1024 * 1024,
    });
    return async (key, size, seed) => {
      const bytes = new Uint8Array(size).map((_, index) => (index * 31 + seed) % 251);
      uppy.clear();
      uppy.addFile({ name: key.split('/').pop(), type: 'application/octet-stream', data: new Blob([bytes]), meta: { key } });
      const result = await uppy.upload();
      return { ok: result.successful.length, failed: result.failed.map((file) => String(file.error)) };
    };
  };
  window.bridgeReady = true;
</script></body></html>`;

const FILES: Record<string, string> = {
  '/': PAGE,
  '/sdk.js': join(ROOT, 'dist/auth0-aws-delegation.s3.umd.min.js'),
  '/uppy.mjs': join(ROOT, 'examples/s3-uploader/dist/uppy.min.mjs'),
};

beforeAll(async () => {
  site = createServer((req, res) => {
    const file = FILES[(req.url ?? '/').split('?')[0]!];
    if (file === undefined) return void res.writeHead(404).end();
    const html = file === PAGE;
    res.writeHead(200, { 'content-type': html ? 'text/html; charset=utf-8' : 'text/javascript; charset=utf-8' }).end(html ? PAGE : readFileSync(file));
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  sandbox = await startSandbox({
    appPort: 0, authPort: 0, s3Port: 0, rateLimitPerMinute: 100, webOrigins: [origin], credentialLifetimeSec: LIFETIME_SEC,
    now: () => Date.now() + ahead,
    // Seen as they arrive, before a hold: a held part is seen while it waits.
    holdS3: (request: IncomingMessage) => {
      const url = new URL(request.url ?? '/', 'http://s3');
      const credential = url.searchParams.get('X-Amz-Credential') ?? '';
      seen.push({ method: request.method ?? '', path: decodeURIComponent(url.pathname), part: url.searchParams.get('partNumber'), key: credential.split('/')[0] ?? '' });
      return holds.hook(request);
    },
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
  site?.closeAllConnections();
  site?.close();
});

/** A page with an Uppy for `user` whose getCredentials is the bridge; `upload(key, size, seed)` runs in it. */
async function uploaderFor(user: string): Promise<{ page: Page; upload: (key: string, size: number, seed: number) => Promise<{ ok: number; failed: string[] }> }> {
  const page = await browser.newPage();
  await page.goto(origin);
  await page.waitForFunction(() => (window as unknown as { bridgeReady?: boolean }).bridgeReady === true);
  const settings = { domain: sandbox.authUrl, clientID: sandbox.config.clientID, idToken: await sandbox.identity.issue(user), region: 'us-east-1', endpoint: `${sandbox.s3Url}/uploads` };
  await page.evaluate((options) => {
    const page = window as unknown as { bridgeUploader(options: object): unknown; upload: unknown };
    page.upload = page.bridgeUploader(options);
  }, settings);
  return {
    page,
    upload: (key, size, seed) => page.evaluate(([k, s, d]) => (window as unknown as { upload(key: string, size: number, seed: number): Promise<{ ok: number; failed: string[] }> }).upload(k as string, s as number, d as number), [key, size, seed] as const),
  };
}

const bytesOf = (size: number, seed: number) => Buffer.from(Uint8Array.from({ length: size }, (_, index) => (index * 31 + seed) % 251));
const requestsFor = (path: string) => seen.filter((request) => request.path === `/uploads/${path}` && request.method !== 'OPTIONS');

describe('uppyCredentials with @uppy/aws-s3 against the verifying S3', () => {
  it('a single PUT and a multipart upload land in the user\'s folder, on one delegation request', async () => {
    ahead = 0;
    const issued = sandbox.stats.delegation.issued;
    const { page, upload } = await uploaderFor('auth0|bridge-alice');
    try {
      expect(await upload('auth0|bridge-alice/notes.txt', 1000, 1)).toEqual({ ok: 1, failed: [] });
      expect(await upload('auth0|bridge-alice/video.bin', 11 * MIB, 2)).toEqual({ ok: 1, failed: [] });
      expect(requestsFor('auth0|bridge-alice/notes.txt').map((request) => request.method)).toEqual(['PUT']);
      expect(requestsFor('auth0|bridge-alice/video.bin').map((request) => `${request.method} ${request.part ?? ''}`.trim())).toEqual(['POST', 'PUT 1', 'PUT 2', 'PUT 3', 'POST']);
      expect((await storedBytes(sandbox, 'auth0|bridge-alice/notes.txt')).equals(bytesOf(1000, 1))).toBe(true);
      expect((await storedBytes(sandbox, 'auth0|bridge-alice/video.bin')).equals(bytesOf(11 * MIB, 2))).toBe(true);
      expect(sandbox.stats.delegation.issued).toBe(issued + 1);
    } finally {
      await page.close();
    }
  });

  it('renews the credentials in the middle of a multipart upload: the refused part is sent again with new keys', async () => {
    ahead = 0;
    const issued = sandbox.stats.delegation.issued;
    const key = 'auth0|bridge-renew/long.bin';
    const { page, upload } = await uploaderFor('auth0|bridge-renew');
    const release = holds.hold((url, method) => method === 'PUT' && url.searchParams.get('partNumber') === '2' && decodeURIComponent(url.pathname) === `/uploads/${key}`);
    try {
      const done = upload(key, 11 * MIB + 5, 3);
      await expect.poll(() => requestsFor(key).filter((request) => request.part === '2').length, { timeout: 60_000 }).toBe(1);
      // The first keys end while part 2 waits (the sandbox's clock, not the page's).
      ahead = (LIFETIME_SEC + 60) * 1000;
      release();
      expect(await done).toEqual({ ok: 1, failed: [] });
    } finally {
      release();
      await page.close();
      ahead = 0;
    }
    const parts = requestsFor(key).map((request) => ({ what: `${request.method} ${request.part ?? ''}`.trim(), key: request.key }));
    const [first, second] = [parts[0]!.key, parts.at(-1)!.key];
    expect(first).not.toBe(second);
    expect(parts).toEqual([
      { what: 'POST', key: first }, { what: 'PUT 1', key: first }, { what: 'PUT 2', key: first },
      { what: 'PUT 2', key: second }, { what: 'PUT 3', key: second }, { what: 'POST', key: second },
    ]);
    expect(sandbox.stats.delegation.issued).toBe(issued + 2);
    expect((await storedBytes(sandbox, key)).equals(bytesOf(11 * MIB + 5, 3))).toBe(true);
  });

  it('recovers from an ExpiredToken answer: keys that ran out between two uploads are replaced, once', async () => {
    ahead = 0;
    const { page, upload } = await uploaderFor('auth0|bridge-later');
    try {
      expect(await upload('auth0|bridge-later/first.txt', 10, 4)).toEqual({ ok: 1, failed: [] });
      ahead = (LIFETIME_SEC + 60) * 1000;
      const issued = sandbox.stats.delegation.issued;
      expect(await upload('auth0|bridge-later/second.txt', 20, 5)).toEqual({ ok: 1, failed: [] });
      const puts = requestsFor('auth0|bridge-later/second.txt');
      expect(puts.map((request) => request.method)).toEqual(['PUT', 'PUT']);
      expect(puts[0]!.key).toBe(requestsFor('auth0|bridge-later/first.txt')[0]!.key);
      expect(puts[1]!.key).not.toBe(puts[0]!.key);
      expect(sandbox.stats.delegation.issued).toBe(issued + 1);
      expect((await storedBytes(sandbox, 'auth0|bridge-later/second.txt')).equals(bytesOf(20, 5))).toBe(true);
    } finally {
      ahead = 0;
      await page.close();
    }
  });

  it('Bob is refused in Alice\'s folder (AccessDenied, nothing stored), and uploads into his own (control)', async () => {
    ahead = 0;
    const { page, upload } = await uploaderFor('auth0|bridge-bob');
    try {
      const refused = await upload('auth0|bridge-alice/from-bob.txt', 10, 6);
      expect(refused.ok).toBe(0);
      expect(refused.failed).toHaveLength(1);
      expect(refused.failed[0]).toMatch(/403.*AccessDenied/);
      await expect(storedBytes(sandbox, 'auth0|bridge-alice/from-bob.txt')).rejects.toMatchObject({ name: 'NoSuchKey' });
      expect(await upload('auth0|bridge-bob/mine.txt', 10, 6)).toEqual({ ok: 1, failed: [] });
      expect((await storedBytes(sandbox, 'auth0|bridge-bob/mine.txt')).equals(bytesOf(10, 6))).toBe(true);
    } finally {
      await page.close();
    }
  });
});
