// The uploader's controls for one upload, in each engine: pause and resume (only the missing parts go
// again), cancel (AbortMultipartUpload: ListMultipartUploads shows nothing left), parts retried with
// backoff when S3 drops one or answers 500 once (no message), and a real failure: a clear message and a
// Retry button that sends only the missing parts. Mid-upload states are held with the sandbox's hold
// hook; faults come from its fault hook. Screenshots: idle, uploading, paused, failed with Retry.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.mjs';
import type { Engine, Tab } from '../engines/engine';
import { enginesToRun, launchEngine } from '../engines/launch';
import { requestHolds } from './hold';
import { storedBytes, unfinishedOnS3 } from './s3-seed';
import { checkState, dropStale, isPart, makeFile, partsDone, press, reaches, rememberedUploads, s3Requests, shows, showsNoError, signIn, uploadState } from './uploader-steps';

const PART = 5 * 1024 * 1024;
const holds = requestHolds();
const requests = s3Requests();
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
const FILES = mkdtempSync(join(tmpdir(), 'uploader-controls-'));

beforeAll(async () => {
  sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, rateLimitPerMinute: 100, holdS3: holds.hook, faultS3: requests.hook });
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(FILES, { recursive: true, force: true });
});

describe.each(enginesToRun())('the uploader\'s controls in %s', (engineName) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await launchEngine(engineName);
  });
  afterAll(() => engine?.close());
  const user = (name: string) => `auth0|${engineName}-${name}`;

  /** Runs `run` signed in as `name`; `faulty`: the browser's own logs of the failures the test injects are expected. */
  async function withTab(name: string, run: (tab: Tab, folder: string) => Promise<void>, faulty = false): Promise<void> {
    const session = await engine.newSession();
    try {
      const tab = await session.newTab(sandbox.appUrl);
      await signIn(tab, user(name));
      await run(tab, `${user(name)}/`);
      expect(tab.errors().filter((error) => !(faulty && /Failed to load resource|NetworkError|net::ERR_/.test(error)))).toEqual([]);
    } finally {
      await session.close();
    }
  }

  it('pauses and resumes a multipart upload (finished parts are not sent again), and cancels another (no parts left on S3)', async () => {
    const video = makeFile(FILES, `${engineName}-video.bin`, 2 * PART + 4321, 1);
    const archive = makeFile(FILES, `${engineName}-archive.bin`, 2 * PART + 99, 2);
    const videoName = `${engineName}-video.bin`;
    const archiveName = `${engineName}-archive.bin`;
    await withTab('pause', async (tab, folder) => {
      await checkState(tab, engineName, 'idle');
      const release = holds.hold(isPart(videoName, 2));
      let released = false;
      try {
        await tab.setFiles('#files', [video.path]);
        await partsDone(tab, videoName, 2, 3);
        expect((await uploadState(tab, videoName))?.buttons).toEqual([`Pause ${videoName}`, `Cancel ${videoName}`]);
        await checkState(tab, engineName, 'uploading');
        await press(tab, `button[aria-label="Pause ${videoName}"]`, `Pause ${videoName}`);
        await reaches(tab, videoName, 'paused');
        const paused = await uploadState(tab, videoName);
        expect(paused?.status).toMatch(/^Paused at \d+% \(2 of 3 parts\)\. Resume continues from there\.$/);
        expect(paused?.buttons).toEqual([`Resume ${videoName}`, `Cancel ${videoName}`]);
        expect(await tab.evaluate(() => document.querySelector('#announcer')?.textContent)).toContain('Paused at');
        await checkState(tab, engineName, 'paused');
        await dropStale(requests, videoName, 2, release);
        released = true;
      } finally {
        if (!released) release();
      }
      await press(tab, `button[aria-label="Resume ${videoName}"]`, `Resume ${videoName}`);
      await reaches(tab, videoName, 'done');
      expect([requests.partSends(videoName, 1), requests.partSends(videoName, 3)]).toEqual([1, 1]);
      expect((await storedBytes(sandbox, folder + videoName)).equals(video.bytes)).toBe(true);
      expect((await rememberedUploads(tab)).records).toEqual([]);

      const hold = holds.hold(isPart(archiveName, 2));
      try {
        await tab.setFiles('#files', [archive.path]);
        await partsDone(tab, archiveName, 2, 3);
        expect(await unfinishedOnS3(sandbox, folder)).toEqual([folder + archiveName]);
        await press(tab, `button[aria-label="Cancel ${archiveName}"]`, `Cancel ${archiveName}`);
        await reaches(tab, archiveName, 'cancelled');
        // Said only once S3 has aborted the upload.
        await shows(tab, 'Cancelled. Nothing of it is left in storage.');
        await expect.poll(() => unfinishedOnS3(sandbox, folder), { timeout: 60_000 }).toEqual([]);
        await expect.poll(async () => (await rememberedUploads(tab)).records.length, { timeout: 60_000 }).toBe(0);
      } finally {
        hold();
      }
      // The part the page gave up meets an aborted upload: still nothing left.
      expect(await unfinishedOnS3(sandbox, folder)).toEqual([]);
      expect(await showsNoError(tab)).toBe('');
    });
  });

  it('retries a part that S3 drops or answers 500 once, without a word; a part that keeps failing shows the failure and Retry, which sends only the rest', async () => {
    const flaky = makeFile(FILES, `${engineName}-flaky.bin`, 2 * PART + 7, 3);
    const broken = makeFile(FILES, `${engineName}-broken.bin`, 2 * PART + 11, 4);
    const flakyName = `${engineName}-flaky.bin`;
    const brokenName = `${engineName}-broken.bin`;
    await withTab('retry', async (tab, folder) => {
      const faults = { dropped: 0, failed: 0 };
      let stop = requests.fault((url, method) => {
        if (isPart(flakyName, 1)(url, method) && faults.dropped === 0) return (faults.dropped++, 'drop');
        if (isPart(flakyName, 2)(url, method) && faults.failed === 0) return (faults.failed++, 'error');
        return undefined;
      });
      try {
        await tab.setFiles('#files', [flaky.path]);
        await reaches(tab, flakyName, 'done');
      } finally {
        stop();
      }
      expect(faults).toEqual({ dropped: 1, failed: 1 });
      expect(requests.partSends(flakyName, 1)).toBeGreaterThanOrEqual(2);
      expect(requests.partSends(flakyName, 2)).toBeGreaterThanOrEqual(2);
      expect(await showsNoError(tab)).toBe('');
      expect((await storedBytes(sandbox, folder + flakyName)).equals(flaky.bytes)).toBe(true);

      stop = requests.fault((url, method) => (isPart(brokenName, 2)(url, method) ? 'error' : undefined));
      try {
        await tab.setFiles('#files', [broken.path]);
        await reaches(tab, brokenName, 'failed', 120_000);
        const failed = await uploadState(tab, brokenName);
        expect(failed?.status).toBe('Upload failed: The storage service had a problem (500). Finished parts are kept: Retry sends only the rest.');
        expect(failed?.buttons).toEqual([`Retry ${brokenName}`, `Cancel ${brokenName}`]);
        expect(failed?.percent).toBe('Failed');
        await checkState(tab, engineName, 'failed');
      } finally {
        stop();
      }
      const sent = [requests.partSends(brokenName, 1), requests.partSends(brokenName, 3)];
      expect(sent).toEqual([1, 1]);
      expect(requests.partSends(brokenName, 2)).toBeGreaterThanOrEqual(4);
      await press(tab, `button[aria-label="Retry ${brokenName}"]`, `Retry ${brokenName}`);
      await reaches(tab, brokenName, 'done');
      expect([requests.partSends(brokenName, 1), requests.partSends(brokenName, 3)]).toEqual(sent);
      expect((await storedBytes(sandbox, folder + brokenName)).equals(broken.bytes)).toBe(true);
    }, true);
  });
});
