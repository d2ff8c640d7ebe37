// The lean uploader (no AWS SDK: `auth0-aws-delegation/fetch`) as a newcomer uses it: the same page and
// the same steps as the AWS SDK uploader (uploader.test.ts), against `npm start`'s sandbox, in Chromium;
// its 6 MiB file goes through uploadMultipart in a real browser (XMLHttpRequest progress, ETag over CORS),
// its small one through postObject (one POST, no preflight).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.mjs';
import { ARTIFACTS, launchChromium } from './browser';
import { requestHolds } from './hold';
import { pickedFiles } from './picked-files';
import { unfinishedOnS3 } from './s3-seed';

const holds = requestHolds();
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let browser: Browser;
const SMALL = Buffer.from('Quarterly notes from Alice \u2713\n');
const BIG = Buffer.from(Uint8Array.from({ length: 6 * 1024 * 1024 + 123 }, (_, index) => (index * 31) % 251));
const picked = pickedFiles('uploader-lean');

beforeAll(async () => {
  sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, holdS3: holds.hook });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
  picked.remove();
});

async function signIn(page: Page, user: string): Promise<void> {
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/u\/login\//);
  await page.getByLabel('User id').fill(user);
  await page.getByLabel('User id').press('Enter');
  await page.getByText(`Signed in as ${user}`).waitFor();
  await page.locator('#listing').getByText(/No files yet|\d+(\.\d)? (B|KB|MB)/).first().waitFor();
}

const listedNames = (page: Page) => page.locator('#listing td.name').allTextContents();

describe('the lean uploader (signed fetch, no AWS SDK) against the sandbox', () => {
  it('Alice uploads (with progress), sees, downloads and deletes her files; after sign-out Bob sees none of them', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, acceptDownloads: true });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    const s3Requests: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(sandbox.s3Url)) return;
      const url = new URL(request.url());
      // The multipart query without its varying upload ID: `?uploads`, `?partNumber=1`, `?uploadId`.
      const query = [...url.searchParams.keys()].includes('partNumber') ? `?partNumber=${url.searchParams.get('partNumber')}` : url.search.replace(/uploadId=[^&]*/, 'uploadId').replace('uploads=', 'uploads');
      s3Requests.push(`${request.method()} ${url.pathname}${query}`);
    });
    // Every value the big file's progress bar takes, as the page sets it.
    await page.addInitScript(() => {
      const values: number[] = [];
      (window as unknown as { progressValues: number[] }).progressValues = values;
      const descriptor = Object.getOwnPropertyDescriptor(HTMLProgressElement.prototype, 'value')!;
      Object.defineProperty(HTMLProgressElement.prototype, 'value', { ...descriptor, set(value: number) { values.push(value); descriptor.set!.call(this, value); } });
    });
    await page.goto(sandbox.leanUrl);
    await signIn(page, 'auth0|lean-alice');
    const first = sandbox.stats.delegation.issued;
    await expect.poll(() => page.locator('#folder').textContent()).toBe('auth0|lean-alice/');

    await page.setInputFiles('#files', [picked.path('notes.txt', SMALL), picked.path('photos.bin', BIG)]);
    await page.waitForFunction(() => [...document.querySelectorAll('.uploads .percent')].filter((cell) => cell.textContent === '100%').length === 2, null, { timeout: 90_000 });
    await page.locator('#listing td.name', { hasText: 'photos.bin' }).waitFor();
    expect((await listedNames(page)).sort()).toEqual(['notes.txt', 'photos.bin']);
    await page.screenshot({ path: join(ARTIFACTS, 'lean-after-upload.png') });
    // Progress came from the upload itself (XMLHttpRequest), ending at 100.
    const values = await page.evaluate(() => (window as unknown as { progressValues: number[] }).progressValues);
    expect(values.at(-1)).toBe(100);
    expect(values.some((value) => value > 0 && value < 100) || values.filter((value) => value === 100).length >= 2).toBe(true);
    // The small file in one POST to the bucket, with no preflight and no PUT; the 6 MiB one in two 5 MiB
    // parts (uploadMultipart), completed.
    const photos = '/uploads/auth0%7Clean-alice/photos.bin';
    expect(s3Requests.filter((line) => line.endsWith('/uploads/') || line.includes('notes.txt'))).toEqual(['POST /uploads/']);
    expect(s3Requests.filter((line) => line.includes(photos) && !line.startsWith('OPTIONS'))).toEqual([`POST ${photos}?uploads`, `PUT ${photos}?partNumber=1`, `PUT ${photos}?partNumber=2`, `POST ${photos}?uploadId`]);
    // The parts were put together in order: the download is the file. Buffer.equals, not toEqual: a deep
    // comparison of two 6 MiB buffers takes minutes on a loaded machine.
    const downloadingPhotos = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download photos.bin' }).click();
    expect(readFileSync((await (await downloadingPhotos).path())!).equals(BIG)).toBe(true);

    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download notes.txt' }).click();
    const download = await downloading;
    expect(readFileSync((await download.path())!)).toEqual(SMALL);

    await page.getByRole('button', { name: 'Delete photos.bin' }).click();
    await page.getByText('Deleted photos.bin.').waitFor();
    await expect.poll(() => listedNames(page)).toEqual(['notes.txt']);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('Not signed in').waitFor();
    const before = sandbox.stats.delegation.issued;
    await signIn(page, 'auth0|lean-bob');
    expect(sandbox.stats.delegation.issued).toBe(before + 1);
    expect(await page.locator('#listing').textContent()).toContain('No files yet.');
    expect(pageErrors).toEqual([]);
    expect(sandbox.stats.delegation.issued).toBe(first + 1);
    await context.close();
  });

  it('a sign-out mid-upload stops the upload and aborts it at S3 before the credentials are dropped: no parts stay', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(sandbox.leanUrl);
    await signIn(page, 'auth0|lean-carol');
    const folder = 'auth0|lean-carol/';
    const release = holds.hold((url, method) => method === 'PUT' && url.pathname.endsWith('/left.bin') && url.searchParams.get('partNumber') === '2');
    try {
      await page.setInputFiles('#files', picked.path('left.bin', Buffer.concat([BIG, BIG])));
      await expect.poll(() => holds.waiting(), { timeout: 60_000 }).toBeGreaterThan(0);
      // Control: the upload is at S3, unfinished.
      expect(await unfinishedOnS3(sandbox, folder)).toEqual([`${folder}left.bin`]);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByText('Not signed in').waitFor();
      expect(await unfinishedOnS3(sandbox, folder)).toEqual([]);
    } finally {
      release();
    }
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('its bundle has no AWS SDK and no v7 facade', () => {
    const bundle = readFileSync(join(__dirname, '../../examples/lean/dist/app.js'), 'utf8');
    expect(bundle).toContain('AWS4-HMAC-SHA256');
    expect(bundle).not.toMatch(/@aws-sdk|smithy|S3Client/);
    expect(bundle).not.toContain('callbackOnLocationHash');
  });
});
