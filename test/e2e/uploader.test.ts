// The per-user S3 folder uploader as a newcomer uses it: `npm start`'s sandbox and page, in Chromium.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.mjs';
import { ARTIFACTS, launchChromium } from './browser';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let browser: Browser;
const SMALL = Buffer.from('Quarterly notes from Alice \u2713\n');
const BIG = Buffer.from(Uint8Array.from({ length: 6 * 1024 * 1024 + 123 }, (_, index) => (index * 31) % 251));

beforeAll(async () => {
  sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0 });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
});

async function signIn(page: Page, user: string): Promise<void> {
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/authorize\?/);
  await page.getByLabel('User id').fill(user);
  await page.getByLabel('User id').press('Enter');
  await page.getByText(`Signed in as ${user}`).waitFor();
  await page.locator('#listing').getByText(/No files yet|\d+(\.\d)? (B|KB|MB)/).first().waitFor();
}

const listedNames = (page: Page) => page.locator('#listing td.name').allTextContents();

/**
 * The whole job, as a user does it, on the page at `url`; screenshots are named with `label`.
 * `issued` counts the credentials the sandbox handed out (delegation or STS).
 */
async function uploaderFlow(url: string, label: string, alice: string, bob: string, issued = () => sandbox.stats.delegation.issued, folder?: RegExp): Promise<void> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, acceptDownloads: true });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(url);
    await signIn(page, alice);
    const first = issued();
    if (folder) await expect.poll(() => page.locator('#folder').textContent()).toMatch(folder);

    // Hold the big file's first 5 MB part until the page has shown partial progress (its 1 MB second part
    // done), so the page is seen mid-upload however fast or slow the machine is.
    let releasePart = (): void => undefined;
    const partHeld = new Promise<void>((resolve) => (releasePart = resolve));
    await page.route((address) => address.pathname.endsWith('/photos.bin') && address.searchParams.get('partNumber') === '1', async (route) => {
      if (route.request().method() === 'PUT') await partHeld;
      await route.continue();
    });
    await page.setInputFiles('#files', [
      { name: 'notes.txt', mimeType: 'text/plain', buffer: SMALL },
      { name: 'photos.bin', mimeType: 'application/octet-stream', buffer: BIG },
    ]);
    await page.waitForFunction(() => {
      const bar = [...document.querySelectorAll<HTMLProgressElement>('.uploads progress')][1];
      return bar !== undefined && bar.value > 0 && bar.value < 100;
    }, null, { timeout: 90_000 });
    await page.screenshot({ path: join(ARTIFACTS, `${label}-mid-upload.png`) });
    releasePart();
    await page.waitForFunction(() => [...document.querySelectorAll('.uploads .percent')].filter((cell) => cell.textContent === '100%').length === 2, null, { timeout: 90_000 });
    await page.locator('#listing td.name', { hasText: 'photos.bin' }).waitFor();
    expect((await listedNames(page)).sort()).toEqual(['notes.txt', 'photos.bin']);
    expect(await page.locator('.uploads .percent').allTextContents()).toEqual(['100%', '100%']);
    await page.screenshot({ path: join(ARTIFACTS, `${label}-after-upload.png`) });

    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download notes.txt' }).click();
    const download = await downloading;
    expect(readFileSync((await download.path())!)).toEqual(SMALL);

    await page.getByRole('button', { name: 'Delete photos.bin' }).click();
    await page.getByText('Deleted photos.bin.').waitFor();
    await expect.poll(() => listedNames(page)).toEqual(['notes.txt']);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('Not signed in').waitFor();
    const before = issued();
    await signIn(page, bob);
    expect(issued()).toBe(before + 1);
    expect(await page.locator('#listing').textContent()).toContain('No files yet.');
    expect(pageErrors).toEqual([]);
    expect(issued()).toBe(first + 1);
    await context.close();
}

describe('the S3 uploader against the sandbox', () => {
  it('script tag: Alice uploads, sees, downloads and deletes her files; after sign-out Bob sees none of them', async () => {
    await uploaderFlow(sandbox.appUrl, 'uploader', 'auth0|alice', 'auth0|bob');
  });

  it('SPA (npm import, rollup): the same flow', async () => {
    await uploaderFlow(sandbox.spaUrl, 'spa', 'auth0|spa-alice', 'auth0|spa-bob');
  });

  it.each<['web-identity' | 'cognito', string, RegExp]>([
    ['web-identity', 'STS AssumeRoleWithWebIdentity', /^auth0\|wi-alice\/$/],
    ['cognito', 'a Cognito identity pool (Amplify\'s private/{identityId}/ folders)', /^private\/us-east-1:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}\/$/],
  ])('exchange %s (%s) instead of /delegation: the same flow, script tag and SPA', async (exchange, _what, folder) => {
    const other = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, exchange });
    const previous = sandbox;
    sandbox = other;
    const issued = () => (exchange === 'cognito' ? other.stats.cognito.issued : other.stats.sts.issued);
    try {
      await uploaderFlow(other.appUrl, exchange, 'auth0|wi-alice', 'auth0|wi-bob', issued, folder);
      await uploaderFlow(other.spaUrl, `${exchange}-spa`, 'auth0|wi-spa-alice', 'auth0|wi-spa-bob', issued);
      expect(other.stats.delegation.issued).toBe(0);
      expect(issued()).toBe(4);
    } finally {
      sandbox = previous;
      await other.stop();
    }
  }, 360_000);

  it('SPA bundle keeps only what it imports: no v7 facade', () => {
    const bundle = readFileSync(join(__dirname, '../../examples/spa/dist/app.js'), 'utf8');
    expect(bundle).toContain('ListObjectsV2');
    expect(bundle).not.toContain('callbackOnLocationHash');
  });

  it('refuses Alice\'s file to Bob\'s credentials with 403, and serves it to Alice\'s (control)', async () => {
    const credentialsFor = async (sub: string) => {
      const idToken = await sandbox.identity.issue(sub);
      const response = await fetch(`${sandbox.authUrl}/delegation`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: sandbox.config.clientID, grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', target: sandbox.config.clientID, api_type: 'aws', id_token: idToken }),
      });
      const { Credentials } = (await response.json()) as { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } };
      return { accessKeyId: Credentials.AccessKeyId, secretAccessKey: Credentials.SecretAccessKey, sessionToken: Credentials.SessionToken };
    };
    const get = async (sub: string) => {
      const s3 = new S3Client({ region: 'us-east-1', endpoint: sandbox.s3Url, forcePathStyle: true, credentials: await credentialsFor(sub), maxAttempts: 1 });
      return s3.send(new GetObjectCommand({ Bucket: 'uploads', Key: 'auth0|alice/notes.txt' })).then(
        async (result) => ({ status: 200, body: await result.Body!.transformToString() }),
        (error: { name: string; $metadata: { httpStatusCode: number } }) => ({ status: error.$metadata.httpStatusCode, body: error.name }),
      );
    };
    expect(await get('auth0|bob')).toEqual({ status: 403, body: 'AccessDenied' });
    expect(await get('auth0|alice')).toEqual({ status: 200, body: SMALL.toString() });
  });
});
