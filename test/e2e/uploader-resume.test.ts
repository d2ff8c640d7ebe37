// Resuming after a reload, in each engine, with Uppy's Golden Retriever: the page remembers the upload
// (the file's bytes and its S3 upload ID, in IndexedDB, and no credential or token: checked against
// every key the sandbox issued), the tab goes away mid-upload, the user signs in again and the upload is
// back without choosing the file: "Upload 1 file" continues it and only the missing parts are sent
// (ListParts). WebKitWebDriver's sessions are ephemeral, and there WebKit keeps no Blob in IndexedDB:
// the upload comes back without its bytes, the page asks for the file again, and only the missing
// parts are sent. The records are each user's: Bob, in the same browser, neither sees Alice's unfinished
// upload nor, by signing out, removes it; his own is aborted at S3 and forgotten. A second tab of the
// same user neither shows the first tab's running upload as its own unfinished one nor continues it;
// once the first tab is gone mid-upload, the second, reloaded, has it back. Screenshots: unfinished
// (after the reload), two users' records, the second tab.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.mjs';
import type { Engine, Tab } from '../engines/engine';
import { waitUntil } from '../engines/engine';
import { enginesToRun, launchEngine } from '../engines/launch';
import { requestHolds } from './hold';
import { storedBytes, unfinishedOnS3 } from './s3-seed';
import { bodyText, checkState, dropStale, goldenRecords, isPart, makeFile, pick, press, reaches, rememberedNames, s3Requests, shows, showsNoError, signIn, uploadState } from './uploader-steps';

const PART = 5 * 1024 * 1024;
const holds = requestHolds();
const requests = s3Requests();
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
const FILES = mkdtempSync(join(tmpdir(), 'uploader-resume-'));

beforeAll(async () => {
  sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, rateLimitPerMinute: 100, holdS3: holds.hook, faultS3: requests.hook });
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(FILES, { recursive: true, force: true });
});

/** No access key, secret or session token the sandbox ever issued, and no JWT, is in `text`. */
function expectNoSecrets(text: string): void {
  expect(sandbox.keys.size).toBeGreaterThan(0);
  for (const [accessKeyId, issued] of sandbox.keys) {
    expect(text).not.toContain(accessKeyId);
    expect(text).not.toContain(issued.secretAccessKey);
    expect(text).not.toContain(issued.sessionToken);
  }
  expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
}

/** Starts an upload of `file` and waits until its part 2 is held (part 1 done); returns the release. */
async function startHeld(tab: Tab, file: { path: string }, name: string): Promise<() => void> {
  const release = holds.hold(isPart(name, 2));
  await pick(tab, [file.path]);
  await expect.poll(() => holds.waiting(), { timeout: 60_000 }).toBeGreaterThan(0);
  return release;
}

/** WebKit under WebKitWebDriver (an ephemeral session) keeps no file bytes in IndexedDB. */
const keepsBytes = (engineName: string) => engineName !== 'webkit';

/** The restored upload continues: at once where the bytes were kept, after choosing the file again where not. */
async function continueRestored(tab: Tab, engineName: string, file: { path: string }): Promise<void> {
  if (keepsBytes(engineName)) {
    await shows(tab, 'Your unfinished uploads are back. Upload continues them.');
  } else {
    await shows(tab, 'Your unfinished upload is back, but this browser did not keep the file: choose it again to continue.');
    await pick(tab, [file.path]);
  }
  await press(tab, '.uppy-StatusBar-actionBtn--upload', 'Upload 1 file');
}

/** Ends the tenant's session (as another person at the same computer would) and comes back signed out. */
async function leaveTenant(tab: Tab): Promise<void> {
  await tab.goto(`${sandbox.authUrl}/v2/logout?client_id=${sandbox.config.clientID}&returnTo=${encodeURIComponent(sandbox.appUrl)}`);
  await shows(tab, 'Not signed in');
}

describe.each(enginesToRun())('resuming uploads after a reload in %s', (engineName) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await launchEngine(engineName);
  });
  afterAll(() => engine?.close());
  const alice = `auth0|${engineName}-resume`;
  const bob = `auth0|${engineName}-resume-bob`;

  it('continues an upload after a reload without choosing the file again, sending only the missing parts; keeps no credentials', async () => {
    const name = `${engineName}-resume.bin`;
    const file = makeFile(FILES, name, 2 * PART + 555, 5);
    const session = await engine.newSession();
    try {
      const tab = await session.newTab(sandbox.appUrl);
      await signIn(tab, alice);
      const release = await startHeld(tab, file, name);
      try {
        // Golden Retriever saves its snapshot at most every 0.5 s: the upload ID comes with the next one.
        await expect.poll(async () => Object.values((await goldenRecords(tab)).stores), { timeout: 60_000 }).toEqual([[{ name, done: false, uploadId: expect.stringMatching(/^[0-9a-f]{32}$/), key: `${alice}/${name}` }]]);
        // The file's bytes, for continuing without choosing it again (stored after the snapshot).
        await expect.poll(async () => (await goldenRecords(tab)).blobs.length, { timeout: 60_000 }).toBe(keepsBytes(engineName) ? 1 : 0);
        const records = await goldenRecords(tab);
        expectNoSecrets(records.text);
        expectNoSecrets(await tab.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })));
        // The tab goes away mid-upload (a reload: the tokens were in memory only, so sign in again; the
        // tenant still has the session, so it asks for nothing, as Auth0 does).
        await tab.goto(sandbox.appUrl);
        await shows(tab, 'Not signed in');
        await dropStale(requests, name, 2, release);
      } finally {
        release();
      }
      await signIn(tab, alice, { sso: true });
      await shows(tab, 'Your unfinished upload');
      expect((await uploadState(tab, name))?.state).not.toBe('done');
      await checkState(tab, engineName, 'unfinished');
      await continueRestored(tab, engineName, file);
      await reaches(tab, name, 'done');
      expect([requests.partSends(name, 1), requests.partSends(name, 3)]).toEqual([1, 1]);
      expect(requests.count((url, method) => method === 'GET' && url.pathname.endsWith(`/${name}`) && url.searchParams.has('uploadId'))).toBeGreaterThanOrEqual(1);
      expect((await storedBytes(sandbox, `${alice}/${name}`)).equals(file.bytes)).toBe(true);
      await expect.poll(() => rememberedNames(tab), { timeout: 60_000 }).toEqual([]);
      expect(await showsNoError(tab)).toBe('');
      expect(tab.errors()).toEqual([]);
    } finally {
      await session.close();
    }
  }, 300_000);

  it('keeps each user\'s unfinished uploads apart: Bob\'s sign-out aborts and forgets only his, Alice\'s stays for her', async () => {
    const alice = `auth0|${engineName}-apart-alice`;
    const aliceName = `${engineName}-alice-left.bin`;
    const bobName = `${engineName}-bob-left.bin`;
    const aliceFile = makeFile(FILES, aliceName, 2 * PART + 1, 6);
    const bobFile = makeFile(FILES, bobName, 2 * PART + 2, 7);
    const session = await engine.newSession();
    try {
      const tab = await session.newTab(sandbox.appUrl);
      await signIn(tab, alice);
      let release = await startHeld(tab, aliceFile, aliceName);
      try {
        // Once her snapshot has the upload ID (Golden Retriever saves at most every 0.5 s; an upload left
        // before that starts anew, and S3's lifecycle rule removes the first after 7 days).
        await expect.poll(async () => Object.values((await goldenRecords(tab)).stores).flat().map((file) => file.uploadId !== undefined), { timeout: 60_000 }).toEqual([true]);
        // Alice leaves without signing out of the page (she closes it); Bob signs in at the same computer.
        await leaveTenant(tab);
        await dropStale(requests, aliceName, 2, release);
      } finally {
        release();
      }
      await signIn(tab, bob);
      expect((await uploadState(tab, aliceName)) ?? undefined).toBeUndefined();
      expect(await tab.evaluate(() => document.body.innerText)).not.toContain(aliceName);
      release = await startHeld(tab, bobFile, bobName);
      try {
        await expect.poll(() => rememberedNames(tab), { timeout: 60_000 }).toEqual([aliceName, bobName].sort());
        expect(Object.keys((await goldenRecords(tab)).stores)).toHaveLength(2);
        await checkState(tab, engineName, 'two-users');
        await press(tab, '#sign-out', 'Sign out');
        await shows(tab, 'Not signed in');
        await dropStale(requests, bobName, 2, release);
      } finally {
        release();
      }
      // Bob's upload: aborted at S3 and forgotten. Alice's: still on S3, still remembered for her.
      expect(await unfinishedOnS3(sandbox, `${bob}/`)).toEqual([]);
      expect(await unfinishedOnS3(sandbox, `${alice}/`)).toEqual([`${alice}/${aliceName}`]);
      expect(await rememberedNames(tab)).toEqual([aliceName]);

      await signIn(tab, alice);
      await continueRestored(tab, engineName, aliceFile);
      await reaches(tab, aliceName, 'done');
      expect((await storedBytes(sandbox, `${alice}/${aliceName}`)).equals(aliceFile.bytes)).toBe(true);
      expect(await unfinishedOnS3(sandbox, `${alice}/`)).toEqual([]);
      expect(tab.errors()).toEqual([]);
    } finally {
      await session.close();
    }
  }, 300_000);

  it('leaves a running upload to its tab: a second tab of the same user neither shows nor continues it, and has it back once that tab is gone', async () => {
    const user = `auth0|${engineName}-two-tabs`;
    const name = `${engineName}-first-tab.bin`;
    const smallName = `${engineName}-second-tab.txt`;
    const file = makeFile(FILES, name, 2 * PART + 3, 8);
    const small = makeFile(FILES, smallName, 300, 9);
    const session = await engine.newSession();
    try {
      const first = await session.newTab(sandbox.appUrl);
      await signIn(first, user);
      const release = await startHeld(first, file, name);
      let second: Tab;
      try {
        await expect.poll(async () => Object.values((await goldenRecords(first)).stores).flat().map((record) => record.uploadId !== undefined), { timeout: 60_000 }).toEqual([true]);
        // The same person opens the page again in another tab, signs in (the tenant asks nothing) and uploads there too.
        second = await session.newTab(sandbox.appUrl);
        await signIn(second, user, { sso: true });
        await waitUntil(second, () => document.querySelector('.uppy-Dashboard-AddFiles, .uppy-Dashboard-Item') !== null);
        expect((await uploadState(second, name)) ?? undefined).toBeUndefined();
        // The Dashboard's note says so (Uppy hides it in a short Dashboard, as under WebKitWebDriver: read its text).
        await waitUntil(second, (wanted) => document.querySelector('.uppy-Dashboard-note')?.textContent === wanted, 'Large files go up in 5 MB parts: you can pause them. Your other tab of this page keeps its unfinished uploads; uploads in this tab do not continue if it closes.');
        await pick(second, [small.path]);
        await reaches(second, smallName, 'done');
        expect((await uploadState(second, name)) ?? undefined).toBeUndefined();
        expect(await bodyText(second)).not.toContain('unfinished upload');
        // Not under WebKitWebDriver: there the state check of this second tab (a screenshot, then axe-core)
        // never returned while the first tab's part was held, until the test's bound, on a quiet machine
        // too (the rest of this test passes there in seconds). Chromium and Firefox check this state.
        if (engineName !== 'webkit') await checkState(second, engineName, 'second-tab');
        // Control: the first tab goes away mid-upload; the second, reloaded, restores what it left.
        await first.close();
        await dropStale(requests, name, 2, release);
      } finally {
        release();
      }
      await second.goto(sandbox.appUrl);
      await shows(second, 'Not signed in');
      await signIn(second, user, { sso: true });
      await continueRestored(second, engineName, file);
      await reaches(second, name, 'done');
      expect((await storedBytes(sandbox, `${user}/${name}`)).equals(file.bytes)).toBe(true);
      expect(await unfinishedOnS3(sandbox, `${user}/`)).toEqual([]);
      expect(await showsNoError(second)).toBe('');
      expect(second.errors()).toEqual([]);
    } finally {
      await session.close();
    }
  }, 300_000);
});
