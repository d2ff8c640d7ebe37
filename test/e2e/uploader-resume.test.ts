// Resuming after a reload, in each engine: the page remembers the upload ID and the finished parts in
// IndexedDB (and no credential or token: checked against every key the sandbox issued), the tab goes
// away mid-upload, the user signs in again and picks the same file: the page checks the parts with
// ListParts and sends only the missing one. The record is forgotten on completion, and on sign-out
// (which also aborts the upload on S3). Screenshots: unfinished (after the reload) and resumed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.mjs';
import type { Engine } from '../engines/engine';
import { waitUntil } from '../engines/engine';
import { enginesToRun, launchEngine } from '../engines/launch';
import { requestHolds } from './hold';
import { storedBytes, unfinishedOnS3 } from './s3-seed';
import { dropStale, isPart, makeFile, partsDone, press, reaches, rememberedUploads, s3Requests, checkState, shows, showsNoError, signIn } from './uploader-steps';

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

describe.each(enginesToRun())('resuming uploads after a reload in %s', (engineName) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await launchEngine(engineName);
  });
  afterAll(() => engine?.close());
  const user = `auth0|${engineName}-resume`;
  const folder = `${user}/`;

  it('remembers the upload (no credentials), continues it after a reload with only the missing part, and forgets it on completion and on sign-out', async () => {
    const name = `${engineName}-resume.bin`;
    const file = makeFile(FILES, name, 2 * PART + 555, 5);
    const session = await engine.newSession();
    try {
      const tab = await session.newTab(sandbox.appUrl);
      await signIn(tab, user);
      let release = holds.hold(isPart(name, 2));
      try {
        await tab.setFiles('#files', [file.path]);
        await partsDone(tab, name, 2, 3);
        const remembered = await rememberedUploads(tab);
        expect(remembered.records).toHaveLength(1);
        const [record] = remembered.records;
        expect(Object.keys(record!).sort()).toEqual(['id', 'key', 'name', 'partSize', 'parts', 'size', 'uploadId']);
        expect(record!.key).toBe(folder + name);
        expect(record!.uploadId).toMatch(/^[0-9a-f]{32}$/);
        expect(record!.parts.map((part) => part.PartNumber).sort()).toEqual([1, 3]);
        expectNoSecrets(remembered.text);
        expectNoSecrets(await tab.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })));

        // The tab goes away mid-upload (a reload: the tokens were in memory only, so sign in again; the
        // tenant still has the session, so it asks for nothing, as Auth0 does).
        await tab.goto(sandbox.appUrl);
        await shows(tab, 'Not signed in');
        await dropStale(requests, name, 2, release);
      } finally {
        release();
      }
      await signIn(tab, user, { sso: true });
      await shows(tab, `${name} (10.0 MB): 2 of 3 parts stored. Choose the same file to continue.`);
      await checkState(tab, engineName, 'unfinished');

      release = holds.hold(isPart(name, 2));
      try {
        await tab.setFiles('#files', [file.path]);
        await shows(tab, 'Resumed: 2 of 3 parts were already stored. Uploading (2 of 3 parts).');
        await waitUntil(tab, () => (document.querySelector('#unfinished') as HTMLElement).hidden);
        await checkState(tab, engineName, 'resumed');
      } finally {
        release();
      }
      await reaches(tab, name, 'done');
      expect([requests.partSends(name, 1), requests.partSends(name, 3)]).toEqual([1, 1]);
      expect(requests.count((url, method) => method === 'GET' && url.pathname.endsWith(`/${name}`) && url.searchParams.has('uploadId'))).toBeGreaterThanOrEqual(1);
      expect((await storedBytes(sandbox, folder + name)).equals(file.bytes)).toBe(true);
      expect((await rememberedUploads(tab)).records).toEqual([]);
      expect(await showsNoError(tab)).toBe('');

      // Signing out forgets an unfinished upload and aborts it on S3.
      const left = makeFile(FILES, `${engineName}-left.bin`, 2 * PART + 1, 6);
      const leftName = `${engineName}-left.bin`;
      release = holds.hold(isPart(leftName, 2));
      try {
        await tab.setFiles('#files', [left.path]);
        await partsDone(tab, leftName, 2, 3);
        expect((await rememberedUploads(tab)).records).toHaveLength(1);
        await press(tab, '#sign-out', 'Sign out');
        await shows(tab, 'Not signed in');
        expect((await rememberedUploads(tab)).records).toEqual([]);
        expect(await unfinishedOnS3(sandbox, folder)).toEqual([]);
      } finally {
        release();
      }
      expect(tab.errors()).toEqual([]);
    } finally {
      await session.close();
    }
  }, 300_000);
});
