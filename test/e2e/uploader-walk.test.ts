// What a walk through the uploader found missing (issue 25), each checked in each engine: the batch's
// bytes, total, speed and time left; a warning before leaving mid-upload (and none after); a stalled
// part noticed, retried and said; an upload that failed offline continuing when the connection comes
// back, without a click; a file with the name of one in the folder asked about (skip, keep both,
// replace); a 40 MB download with its progress, started once however often Download is pressed; finished
// rows cleared; errors in a person's words. (Elsewhere: the retry bound in uploader-controls, the delete
// question in uploader-a11y and uploader.test, "Deleted" and "Link copied" in view in uploader-list and
// uploader-share, share links' disposition and lifetimes in uploader-share, the heading named for the
// person in uploader.test, the checkboxes in uploader-list, Enter on "choose files" in uploader-a11y.)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.mjs';
import type { Engine, Tab } from '../engines/engine';
import { waitUntil } from '../engines/engine';
import { enginesToRun, launchEngine } from '../engines/launch';
import { requestHolds } from './hold';
import { s3ClientFor, storedBytes } from './s3-seed';
import { checkState, dropStale, isPart, makeFile, pick, press, reaches, s3Requests, shows, showsNoError, signIn, uploadState } from './uploader-steps';

const PART = 5 * 1024 * 1024;
const MB = 1024 * 1024;
const holds = requestHolds();
const requests = s3Requests();
/** Two sandboxes: the uploader's stall window is 30 s in one, 3 s in the other (the stall test's). */
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let quick: Awaited<ReturnType<typeof startSandbox>>;
const FILES = mkdtempSync(join(tmpdir(), 'uploader-walk-'));

beforeAll(async () => {
  sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, rateLimitPerMinute: 100, holdS3: holds.hook, faultS3: requests.hook });
  quick = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, rateLimitPerMinute: 100, holdS3: holds.hook, faultS3: requests.hook, pageSettings: { stallSeconds: 3 } });
});
afterAll(async () => {
  await sandbox?.stop();
  await quick?.stop();
  rmSync(FILES, { recursive: true, force: true });
});

/** Whether leaving the page now would be warned about: a cancelable beforeunload, as the browser sends it. */
const warnsBeforeLeaving = (tab: Tab) => tab.evaluate(() => {
  const event = new Event('beforeunload', { cancelable: true });
  window.dispatchEvent(event);
  return event.defaultPrevented;
});

/** The browser's connection as the page sees it (navigator.onLine and its events), switched by the test. */
const setOnline = (tab: Tab, online: boolean) => tab.evaluate((value) => {
  const page = window as unknown as { testOnline?: boolean };
  if (page.testOnline === undefined) Object.defineProperty(Navigator.prototype, 'onLine', { configurable: true, get: () => page.testOnline });
  page.testOnline = value;
  window.dispatchEvent(new Event(value ? 'online' : 'offline'));
}, online);

describe.each(enginesToRun())('what the walk found, in %s', (engineName) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await launchEngine(engineName);
  });
  afterAll(() => engine?.close());
  const user = (name: string) => `auth0|${engineName}-walk-${name}`;

  async function withTab(on: typeof sandbox, name: string, run: (tab: Tab, folder: string) => Promise<void>): Promise<void> {
    const session = await engine.newSession();
    try {
      const tab = await session.newTab(on.appUrl);
      await signIn(tab, user(name));
      await run(tab, `${user(name)}/`);
    } finally {
      await session.close();
    }
  }

  it('shows the batch\'s bytes, total, speed and time left; warns before leaving mid-upload, not after; clears finished rows', async () => {
    const name = `${engineName}-batch.bin`;
    const file = makeFile(FILES, name, 2 * PART + 77, 11);
    await withTab(sandbox, 'batch', async (tab) => {
      expect(await warnsBeforeLeaving(tab)).toBe(false);
      const release = holds.hold(isPart(name, 3));
      try {
        await pick(tab, [file.path]);
        await waitUntil(tab, () => /^[\d.]+ MB of 10\.0 MB sent · [\d.]+ (B|KB|MB)\/s · about \d+ (s|min|h) left$/.test(document.querySelector('#progress-summary')?.textContent ?? ''));
        await expect.poll(() => holds.waiting(), { timeout: 60_000 }).toBeGreaterThan(0);
        expect(await warnsBeforeLeaving(tab)).toBe(true);
        await checkState(tab, engineName, 'walk-progress');
      } finally {
        release();
      }
      await reaches(tab, name, 'done');
      expect(await tab.evaluate(() => document.querySelector('#progress-summary')?.textContent)).toBe('1 file uploaded (10.0 MB).');
      expect(await warnsBeforeLeaving(tab)).toBe(false);
      await press(tab, '.uppy-StatusBar-actionBtn--done', 'Clear finished');
      await reaches(tab, name, 'gone');
      expect(await tab.evaluate(() => document.querySelector('#progress-summary')?.textContent)).toBe('');
    });
  });

  it('notices a part that never answers, says so, tries it again and finishes', async () => {
    const name = `${engineName}-stall.bin`;
    const file = makeFile(FILES, name, 2 * PART + 5, 12);
    await withTab(quick, 'stall', async (tab, folder) => {
      let first = true;
      const release = holds.hold((url, method) => isPart(name, 2)(url, method) && (first ? !(first = false) : false));
      let released = false;
      try {
        await pick(tab, [file.path]);
        await shows(tab, `No progress on ${name} for 3 seconds: trying again.`);
        await checkState(tab, engineName, 'walk-stalled');
        await reaches(tab, name, 'done');
        await dropStale(requests, name, 2, release);
        released = true;
      } finally {
        if (!released) release();
      }
      expect((await storedBytes(quick, folder + name)).equals(file.bytes)).toBe(true);
    });
  });

  it('continues an upload that failed offline once the connection is back, without a click', async () => {
    const name = `${engineName}-offline.bin`;
    const file = makeFile(FILES, name, 2 * PART + 9, 13);
    await withTab(sandbox, 'offline', async (tab, folder) => {
      const release = holds.hold(isPart(name, 2));
      let stop = () => {};
      try {
        await pick(tab, [file.path]);
        await expect.poll(() => holds.waiting(), { timeout: 60_000 }).toBeGreaterThan(0);
        // The connection goes: the part in flight is lost, and so is every request until it is back.
        await setOnline(tab, false);
        stop = requests.fault((url, method) => (isPart(name, 2)(url, method) ? 'drop' : undefined));
        release();
        await reaches(tab, name, 'failed');
        await shows(tab, 'You are offline. Check your connection and try again.');
        await checkState(tab, engineName, 'walk-offline');
      } finally {
        stop();
        release();
      }
      await setOnline(tab, true);
      await reaches(tab, name, 'done');
      expect((await storedBytes(sandbox, folder + name)).equals(file.bytes)).toBe(true);
      // Once it is in the folder, the page no longer says that it failed.
      await waitUntil(tab, (wanted) => [...document.querySelectorAll('#listing td.name')].some((cell) => cell.textContent === wanted), name);
      expect(await tab.evaluate(() => document.querySelector('#upload-status')?.textContent)).toBe('');
    });
  });

  it('asks before an upload replaces a file of the same name: skip sends nothing, keep both renames, replace replaces', async () => {
    const name = `${engineName}-notes.txt`;
    const first = join(FILES, name);
    writeFileSync(first, 'first version\n');
    await withTab(sandbox, 'conflict', async (tab, folder) => {
      const puts = () => requests.count((url, method) => method === 'PUT' && decodeURIComponent(url.pathname).startsWith(`/uploads/${folder}`));
      await pick(tab, [first]);
      await reaches(tab, name, 'done');
      await waitUntil(tab, (wanted) => [...document.querySelectorAll('#listing td.name')].some((cell) => cell.textContent === wanted), name);
      const sent = puts();

      writeFileSync(first, 'second version\n');
      await pick(tab, [first]);
      await shows(tab, `\u201c${name}\u201d is already in your folder.`);
      await checkState(tab, engineName, 'walk-conflict');
      await press(tab, '#conflict-skip', 'Skip this file');
      await waitUntil(tab, () => (document.querySelector('#conflict') as HTMLElement).hidden);
      expect(puts()).toBe(sent);

      const copy = `${engineName}-notes (2).txt`;
      await pick(tab, [first]);
      await press(tab, '#conflict-both', `Keep both (upload as \u201c${copy}\u201d)`);
      await waitUntil(tab, (wanted) => [...document.querySelectorAll('#listing td.name')].some((cell) => cell.textContent === wanted), copy);
      expect((await storedBytes(sandbox, folder + copy)).toString()).toBe('second version\n');
      expect((await storedBytes(sandbox, folder + name)).toString()).toBe('first version\n');

      writeFileSync(first, 'third version\n');
      await pick(tab, [first]);
      await press(tab, '#conflict-replace', 'Replace it');
      await expect.poll(async () => (await storedBytes(sandbox, folder + name)).toString(), { timeout: 60_000 }).toBe('third version\n');
      expect(await showsNoError(tab)).toBe('');
    });
  });

  it('downloads 40 MB with its progress in the row, once however often Download is pressed', async () => {
    const folder = `${user('download')}/`;
    const name = `${engineName}-big.bin`;
    const bytes = Buffer.alloc(40 * MB, 7);
    await s3ClientFor(sandbox, sandbox.ownerCredentials()).send(new PutObjectCommand({ Bucket: 'uploads', Key: folder + name, Body: bytes }));
    await withTab(sandbox, 'download', async (tab) => {
      // What the page offers to save (name and size), and every value its bar takes, without a save dialog.
      await tab.evaluate(() => {
        const page = window as unknown as { offered: { name: string; size: number }[]; barValues: number[]; spoken: string[] };
        page.offered = [];
        page.barValues = [];
        page.spoken = [];
        document.addEventListener('click', (event) => {
          const link = event.target;
          if (!(link instanceof HTMLAnchorElement) || !link.hasAttribute('download')) return;
          event.preventDefault();
          void fetch(link.href).then((response) => response.blob()).then((blob) => page.offered.push({ name: link.download, size: blob.size }));
        }, true);
        new MutationObserver(() => {
          const bar = document.querySelector('.download-progress progress') as HTMLProgressElement | null;
          if (bar) page.barValues.push(bar.value);
          // What a screen reader reads out: each new text of the row's live region.
          const words = document.querySelector('.download-progress [role="status"]')?.textContent ?? '';
          if (words && words !== page.spoken.at(-1)) page.spoken.push(words);
        }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      });
      const gets = () => requests.count((url, method) => method === 'GET' && decodeURIComponent(url.pathname) === `/uploads/${folder}${name}` && !url.searchParams.has('list-type'));
      const release = holds.hold((url, method) => method === 'GET' && decodeURIComponent(url.pathname) === `/uploads/${folder}${name}`);
      try {
        await press(tab, `button[aria-label="Download ${name}"]`, `Download ${name}`);
        await shows(tab, 'Starting the download...');
        expect(await tab.evaluate((wanted) => (document.querySelector(`button[aria-label="Download ${wanted}"]`) as HTMLButtonElement).disabled, name)).toBe(true);
        await checkState(tab, engineName, 'walk-download');
        // The progress sits under the file's name: the row still fits its card, its buttons in their place.
        expect(await tab.evaluate(() => {
          const card = (document.querySelector('#workspace') as HTMLElement).getBoundingClientRect();
          const row = (document.querySelector('#listing tr') as HTMLElement).getBoundingClientRect();
          const progress = (document.querySelector('#listing td.name .download-progress') as HTMLElement | null)?.getBoundingClientRect();
          return { rowInCard: row.right <= card.right + 0.5, underName: progress !== undefined && progress.width > 0 };
        })).toEqual({ rowInCard: true, underName: true });
        // Pressed again (a click on the disabled button, and the page's own handler): nothing more starts.
        await tab.evaluate((wanted) => (document.querySelector(`button[aria-label="Download ${wanted}"]`) as HTMLButtonElement).click(), name);
      } finally {
        release();
      }
      await waitUntil(tab, () => (window as unknown as { offered: unknown[] }).offered.length > 0);
      expect(await tab.evaluate(() => (window as unknown as { offered: unknown[] }).offered)).toEqual([{ name, size: 40 * MB }]);
      const values = await tab.evaluate(() => (window as unknown as { barValues: number[] }).barValues);
      expect(values.some((value) => value > 0 && value < 100)).toBe(true);
      // Read out once a tenth at most (the start and ten steps), not once a chunk; and still in words on the way.
      const spoken = await tab.evaluate(() => (window as unknown as { spoken: string[] }).spoken);
      expect(spoken.length).toBeLessThanOrEqual(11);
      expect(spoken.some((words) => /^Downloading: [1-3]\d\.\d MB of 40\.0 MB$/.test(words))).toBe(true);
      expect(gets()).toBe(1);
      expect(await tab.evaluate(() => document.querySelector('.download-progress'))).toBeFalsy();
    });
  });

  it('says what went wrong in a person\'s words: no sandbox, no config file', async () => {
    await withTab(sandbox, 'words', async (tab, folder) => {
      const stop = requests.fault((url, method) => (method === 'GET' && url.searchParams.get('prefix') === folder ? 'drop' : undefined));
      try {
        await press(tab, '#refresh', 'Refresh');
        await shows(tab, 'Cannot reach the storage service. Check your connection and try again.');
      } finally {
        stop();
      }
      expect(await tab.evaluate(() => document.body.innerText)).not.toMatch(/sandbox|config\.js|bucket|Uppy|undefined|Error:/i);
      expect((await uploadState(tab, 'nothing')) ?? undefined).toBeUndefined();
      // The storage is back: a Refresh that lists the folder takes the error away.
      const lists = requests.count((url, method) => method === 'GET' && url.searchParams.get('prefix') === folder);
      await press(tab, '#refresh', 'Refresh');
      await expect.poll(() => requests.count((url, method) => method === 'GET' && url.searchParams.get('prefix') === folder), { timeout: 60_000 }).toBeGreaterThan(lists);
      await waitUntil(tab, () => (document.querySelector('#message') as HTMLElement).hidden);
      await shows(tab, 'No files yet.');
    });
  });
});
