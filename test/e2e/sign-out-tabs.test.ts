// A sign-out in one tab signs the app out in every tab (issue 23, point 3), in Chromium, for both
// uploaders: two tabs of one browser profile, both signed in as Alice, the second one uploading. Alice
// signs out in the first; the second hears it through the SDK (`onClearedInAnotherTab`), stops its upload
// (aborted at S3: no parts stay), forgets its own copy of the tokens (auth0-spa-js keeps them per tab)
// and shows itself signed out; its next step asks Alice to sign in. Control: a tab of another profile,
// which shares nothing with the first, stays signed in and keeps reaching S3.
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.mjs';
import { ARTIFACTS, launchChromium } from './browser';
import { requestHolds } from './hold';
import { pickedFiles } from './picked-files';
import { unfinishedOnS3 } from './s3-seed';
import { PICK } from './uploader-steps';

const holds = requestHolds();
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let browser: Browser;
/** Two 5 MiB parts and a bit: a multipart upload in both uploaders, held at its second part. */
const FILE = Buffer.from(Uint8Array.from({ length: 10 * 1024 * 1024 + 7 }, (_, index) => (index * 31) % 251));
const picked = pickedFiles('sign-out-tabs');

beforeAll(async () => {
  sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, holdS3: holds.hook });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
  picked.remove();
});

/** Signs in as `user`; `sso`: the tenant has a session in this profile already, so no login step. */
async function signIn(page: Page, user: string, { sso = false } = {}): Promise<void> {
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (!sso) {
    await page.waitForURL(/\/u\/login\//);
    await page.getByLabel('User id').fill(user);
    await page.getByLabel('User id').press('Enter');
  }
  await page.getByText(`Signed in as ${user}`).waitFor();
  await page.locator('#listing').getByText(/No files yet|\d+(\.\d)? (B|KB|MB)/).first().waitFor();
}

/** A tab of `context` on `url`, its errors collected. */
async function openTab(context: BrowserContext, url: string, errors: string[]): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  return page;
}

/** Whether the page answers a Refresh with a listing read from S3 (a signed ListObjectsV2 that succeeds). */
async function listsFromS3(page: Page): Promise<boolean> {
  const listing = page.waitForResponse((response) => response.url().startsWith(sandbox.s3Url) && response.request().method() === 'GET');
  // A page with no Refresh button (signed out) fails the click: its wait must not become an unhandled rejection.
  listing.catch(() => undefined);
  await page.getByRole('button', { name: 'Refresh' }).click();
  return (await listing).ok();
}

describe.each([
  ['the S3 uploader (Uppy)', () => sandbox.appUrl, PICK],
  ['the lean uploader', () => sandbox.leanUrl, '#files'],
])('a sign-out in one tab of %s', (_name, url, fileInput) => {
  it('signs out every tab of the profile (an upload there aborted at S3, its tokens forgotten), and no tab of another profile', async () => {
    const user = `auth0|tabs-${fileInput === '#files' ? 'lean' : 'uppy'}`;
    const folder = `${user}/`;
    const errors: string[] = [];
    const profile = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const other = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const release = holds.hold((request, method) => method === 'PUT' && request.pathname.endsWith('/held.bin') && request.searchParams.get('partNumber') === '2');
    try {
      const first = await openTab(profile, url(), errors);
      const second = await openTab(profile, url(), errors);
      const elsewhere = await openTab(other, url(), errors);
      await signIn(first, user);
      await signIn(second, user, { sso: true });
      await signIn(elsewhere, user);

      // The second tab uploads; the control: its upload is at S3, unfinished.
      await second.setInputFiles(fileInput, picked.path('held.bin', FILE));
      await expect.poll(() => holds.waiting(), { timeout: 60_000 }).toBeGreaterThan(0);
      expect(await unfinishedOnS3(sandbox, folder)).toEqual([`${folder}held.bin`]);

      await first.getByRole('button', { name: 'Sign out' }).click();
      await first.getByText('Not signed in').waitFor();

      // The second tab: signed out, told why, its upload aborted at S3, nothing of the folder shown.
      await second.getByText('Not signed in').waitFor();
      await second.getByText('You signed out in another tab. Sign in again to see your files.').waitFor();
      await second.screenshot({ path: join(ARTIFACTS, `chromium-${fileInput === '#files' ? 'lean' : 'uploader'}-signed-out-in-another-tab.png`) });
      await expect.poll(() => unfinishedOnS3(sandbox, folder)).toEqual([]);
      expect(await second.locator('#workspace').isHidden()).toBe(true);
      expect(await second.getByRole('button', { name: 'Sign out' }).isHidden()).toBe(true);

      // The other profile's tab heard nothing: still signed in, and S3 still answers it.
      expect(await elsewhere.getByText(`Signed in as ${user}`).isVisible()).toBe(true);
      expect(await elsewhere.locator('#message').isHidden()).toBe(true);
      expect(await listsFromS3(elsewhere)).toBe(true);

      // The second tab's next step asks for a sign-in: the tenant's login step, no tokens kept in the tab.
      const delegationsBefore = sandbox.stats.delegation.issued;
      await second.getByRole('button', { name: 'Sign in' }).click();
      await second.waitForURL(/\/u\/login\//);
      expect(sandbox.stats.delegation.issued).toBe(delegationsBefore);
      expect(errors).toEqual([]);
    } finally {
      release();
      await profile.close();
      await other.close();
    }
  });

  it('a user switch in the first tab while the second still aborts its upload: the second\'s sign-out does not sign the next user out', async () => {
    const alice = `auth0|switch-${fileInput === '#files' ? 'lean' : 'uppy'}`;
    const bob = `${alice}-bob`;
    const errors: string[] = [];
    const profile = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    // The upload's second part waits here; then the second tab's AbortMultipartUpload (its sign-out), on a
    // hold of its own, released first (a part stored while its upload is removed ends s3rver).
    const releasePart = holds.hold((request, method) => method === 'PUT' && request.pathname.endsWith('/switch.bin') && request.searchParams.get('partNumber') === '2');
    let releaseAbort = (): void => undefined;
    try {
      const first = await openTab(profile, url(), errors);
      const second = await openTab(profile, url(), errors);
      await signIn(first, alice);
      await signIn(second, alice, { sso: true });
      await second.setInputFiles(fileInput, picked.path('switch.bin', FILE));
      await expect.poll(() => holds.waiting(), { timeout: 60_000 }).toBe(1);
      releaseAbort = holds.hold((request, method) => method === 'DELETE' && request.pathname.endsWith('/switch.bin') && request.searchParams.has('uploadId'));

      await first.getByRole('button', { name: 'Sign out' }).click();
      await first.getByText('Not signed in').waitFor();
      // The second tab heard it and is aborting Alice's upload at S3 (held): meanwhile Bob signs in in the first.
      await expect.poll(() => holds.waiting(), { timeout: 60_000 }).toBe(1);
      await signIn(first, bob);
      releaseAbort();
      await second.getByText('You signed out in another tab. Sign in again to see your files.').waitFor();

      // The first tab (Bob's now) is still signed in, was told nothing, and S3 answers it.
      expect(await listsFromS3(first)).toBe(true);
      expect(await first.getByText(`Signed in as ${bob}`).isVisible()).toBe(true);
      expect(await first.locator('#message').isHidden()).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      releaseAbort();
      releasePart();
      await profile.close();
    }
  });
});
