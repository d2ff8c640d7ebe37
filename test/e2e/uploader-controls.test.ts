// The uploader's controls for one upload (Uppy's Dashboard row), in each engine: pause and resume (only
// the missing parts go again), cancel by removing the row (AbortMultipartUpload: ListMultipartUploads
// shows nothing left), a part retried when S3 drops it or answers 500 once (no message), and one bounded
// retry policy: a part S3 never takes is sent 4 times in all (not the page's retries times the AWS
// SDK's), then a clear message and Retry, which sends only the missing parts. Mid-upload states are
// held with the sandbox's hold hook; faults come from its fault hook. Screenshots: idle, uploading,
// paused, failed with Retry.
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
import { checkState, dropStale, isPart, makeFile, pick, pressInRow, reaches, rememberedNames, s3Requests, shows, showsNoError, signIn, uploadState } from './uploader-steps';

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
      // Expected where the test injects faults: the browser's own logs (Firefox's names the request's URL,
      // which Uppy presigns), Uppy's log of the failure, and Chromium's complaint that Uppy reads
      // x-amz-error-code, which S3's CORS does not expose.
      expect(tab.errors().filter((error) => !(faulty && /Failed to load resource|NetworkError|net::ERR_|status of 500|\[Uppy\]|unsafe header "x-amz-error-code"|CORS request did not succeed/.test(error)))).toEqual([]);
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
        await pick(tab, [video.path]);
        // Uppy sends a file's parts one after the other: part 2 held means part 1 is done.
        await expect.poll(() => holds.waiting(), { timeout: 60_000 }).toBeGreaterThan(0);
        expect(await uploadState(tab, videoName)).toMatchObject({ state: 'uploading', button: 'Pause upload' });
        await checkState(tab, engineName, 'uploading');
        // Nothing moves while the part is held: the speed falls to nothing, and no time left is claimed.
        await waitUntil(tab, () => /^[\d.]+ (B|KB|MB) of 10\.0 MB sent$/.test(document.querySelector('#progress-summary')?.textContent ?? ''));
        await pressInRow(tab, videoName, 'Pause upload');
        await reaches(tab, videoName, 'paused');
        expect((await uploadState(tab, videoName))?.button).toBe('Resume upload');
        // The batch's line says so, with no speed or time left while nothing moves.
        await waitUntil(tab, () => /^[\d.]+ (B|KB|MB) of 10\.0 MB sent · paused$/.test(document.querySelector('#progress-summary')?.textContent ?? ''));
        await checkState(tab, engineName, 'paused');
        await dropStale(requests, videoName, 2, release);
        released = true;
      } finally {
        if (!released) release();
      }
      await pressInRow(tab, videoName, 'Resume upload');
      await reaches(tab, videoName, 'done');
      expect([requests.partSends(videoName, 1), requests.partSends(videoName, 3)]).toEqual([1, 1]);
      expect((await storedBytes(sandbox, folder + videoName)).equals(video.bytes)).toBe(true);
      // Golden Retriever saves its snapshot at most every 0.5 s.
      await expect.poll(() => rememberedNames(tab), { timeout: 60_000 }).toEqual([]);

      const hold = holds.hold(isPart(archiveName, 2));
      try {
        await pick(tab, [archive.path]);
        await expect.poll(() => holds.waiting(), { timeout: 60_000 }).toBeGreaterThan(0);
        expect(await unfinishedOnS3(sandbox, folder)).toEqual([folder + archiveName]);
        await pressInRow(tab, archiveName, `Remove ${archiveName} from this list`);
        await reaches(tab, archiveName, 'gone');
        await expect.poll(() => unfinishedOnS3(sandbox, folder), { timeout: 60_000 }).toEqual([]);
        await expect.poll(() => rememberedNames(tab), { timeout: 60_000 }).toEqual([]);
      } finally {
        hold();
      }
      // The part the page gave up meets an aborted upload: still nothing left.
      expect(await unfinishedOnS3(sandbox, folder)).toEqual([]);
      expect(await showsNoError(tab)).toBe('');
    });
  });

  it('retries a part that S3 drops or answers 500 once, without a word; a part S3 never takes is sent 4 times in all, then the failure is shown with Retry, which sends only the rest', async () => {
    const flaky = makeFile(FILES, `${engineName}-flaky.bin`, 2 * PART + 7, 3);
    const broken = makeFile(FILES, `${engineName}-broken.bin`, 2 * PART + 11, 4);
    const unreachable = makeFile(FILES, `${engineName}-unreachable.bin`, 2 * PART + 13, 5);
    const flakyName = `${engineName}-flaky.bin`;
    const brokenName = `${engineName}-broken.bin`;
    const unreachableName = `${engineName}-unreachable.bin`;
    await withTab('retry', async (tab, folder) => {
      const faults = { dropped: 0, failed: 0 };
      let stop = requests.fault((url, method) => {
        if (isPart(flakyName, 1)(url, method) && faults.dropped === 0) return (faults.dropped++, 'drop');
        if (isPart(flakyName, 2)(url, method) && faults.failed === 0) return (faults.failed++, 'error');
        return undefined;
      });
      try {
        await pick(tab, [flaky.path]);
        await reaches(tab, flakyName, 'done');
      } finally {
        stop();
      }
      expect(faults).toEqual({ dropped: 1, failed: 1 });
      expect([requests.partSends(flakyName, 1), requests.partSends(flakyName, 2)]).toEqual([2, 2]);
      expect(await tab.evaluate(() => document.querySelector('#upload-status')?.textContent)).toBe('');
      expect((await storedBytes(sandbox, folder + flakyName)).equals(flaky.bytes)).toBe(true);

      stop = requests.fault((url, method) => (isPart(brokenName, 2)(url, method) ? 'error' : undefined));
      try {
        await pick(tab, [broken.path]);
        await reaches(tab, brokenName, 'failed', 120_000);
        expect((await uploadState(tab, brokenName))?.button).toBe('Retry upload');
        await shows(tab, 'Upload failed: The storage service had a problem (500).');
        // The batch's line: no speed or time left for a failed upload (the flaky file is the one done).
        expect(await tab.evaluate(() => document.querySelector('#progress-summary')?.textContent)).toBe('1 of 2 files uploaded · 1 failed');
        await checkState(tab, engineName, 'failed');
      } finally {
        stop();
      }
      // One retry policy: 4 tries of the part, and the next part not begun.
      expect([requests.partSends(brokenName, 1), requests.partSends(brokenName, 2), requests.partSends(brokenName, 3)]).toEqual([1, 4, 0]);
      await pressInRow(tab, brokenName, 'Retry upload');
      await reaches(tab, brokenName, 'done');
      expect([requests.partSends(brokenName, 1), requests.partSends(brokenName, 3)]).toEqual([1, 1]);
      expect((await storedBytes(sandbox, folder + brokenName)).equals(broken.bytes)).toBe(true);

      // S3 unreachable for part 1 (every connection dropped): 4 tries, then "Cannot reach".
      stop = requests.fault((url, method) => (isPart(unreachableName, 1)(url, method) ? 'drop' : undefined));
      try {
        await pick(tab, [unreachable.path]);
        await reaches(tab, unreachableName, 'failed', 120_000);
        await shows(tab, 'Upload failed: Cannot reach the storage service. Check your connection and try again.');
      } finally {
        stop();
      }
      // 4 tries; a browser may send a try once more itself when the connection it reused was dropped
      // (Chromium does for a PUT): at most 8, where the page's retries times the AWS SDK's made 12 in 7 s.
      expect(requests.partSends(unreachableName, 1)).toBeGreaterThanOrEqual(4);
      expect(requests.partSends(unreachableName, 1)).toBeLessThanOrEqual(8);
    }, true);
  });
});
