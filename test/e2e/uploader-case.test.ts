// Names that differ only in case ("Report.txt" and "report.txt") are two files to S3 (keys are
// case-sensitive), but one to Uppy when their type, size and time match: its file ids are the lower-cased
// name with those. In each engine, picked together and one after the other, both go up byte for byte,
// each is listed, each downloads its own bytes, and deleting one leaves the other (and its upload row).
// The controls: the same two names with different sizes and times, which Uppy never confused; the very
// same file picked again while it uploads, still refused as a duplicate in Uppy's words.
import { utimesSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.mjs';
import type { Engine, Tab } from '../engines/engine';
import { waitUntil } from '../engines/engine';
import { enginesToRun, launchEngine } from '../engines/launch';
import { requestHolds } from './hold';
import { pickedFiles } from './picked-files';
import { storedBytes } from './s3-seed';
import { checkState, listedNames, pick, press, reaches, shows, showsNoError, signIn, uploadState } from './uploader-steps';

const holds = requestHolds();
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
const files = pickedFiles('uploader-case');
/** One modification time for the files that must look alike to Uppy (seconds since the epoch). */
const SAME_TIME = 1_700_000_000;

beforeAll(async () => {
  sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, rateLimitPerMinute: 100, holdS3: holds.hook });
});
afterAll(async () => {
  await sandbox?.stop();
  files.remove();
});

/** A file on disk with these bytes, its modification time set to `time` (seconds). */
function picked(name: string, text: string, time: number): { path: string; bytes: Buffer } {
  const bytes = Buffer.from(text);
  const path = files.path(name, bytes);
  utimesSync(path, time, time);
  return { path, bytes };
}

/** The pair "Xxx.txt" / "xxx.txt" under `stem`: the same size, type and time when `alike`, else neither size nor time. */
function casePair(stem: string, alike: boolean) {
  const upper = stem[0]!.toUpperCase() + stem.slice(1) + '.txt';
  const lower = stem.toLowerCase() + '.txt';
  return {
    upper: { name: upper, ...picked(upper, 'UPPER case bytes\n', SAME_TIME) },
    lower: { name: lower, ...picked(lower, alike ? 'lower case bytes\n' : 'lower case bytes, longer\n', alike ? SAME_TIME : SAME_TIME + 60) },
  };
}

const listed = (tab: Tab, name: string) => expect.poll(async () => (await listedNames(tab)).includes(name), { timeout: 60_000 }).toBe(true);

/** Picks the upper-case one, waits until it is uploaded and listed, then picks the lower-case one. */
const oneAfterTheOther = (pair: ReturnType<typeof casePair>) => async (tab: Tab) => {
  await pick(tab, [pair.upper.path]);
  await reaches(tab, pair.upper.name, 'done');
  await listed(tab, pair.upper.name);
  await pick(tab, [pair.lower.path]);
};

describe.each(enginesToRun())('names that differ only in case in %s', (engineName) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await launchEngine(engineName);
  });
  afterAll(() => engine?.close());
  const user = (name: string) => `auth0|${engineName}-case-${name}`;

  /** Signs `name` in, runs `pickBoth`, then checks the folder, the downloads and a delete of the upper-case one. */
  async function bothKept(name: string, pair: ReturnType<typeof casePair>, pickBoth: (tab: Tab) => Promise<void>): Promise<void> {
    const session = await engine.newSession();
    const folder = `${user(name)}/`;
    try {
      const tab = await session.newTab(sandbox.appUrl);
      await signIn(tab, user(name));
      await pickBoth(tab);
      await reaches(tab, pair.upper.name, 'done');
      await reaches(tab, pair.lower.name, 'done');
      await listed(tab, pair.upper.name);
      await listed(tab, pair.lower.name);
      expect((await listedNames(tab)).sort()).toEqual([pair.upper.name, pair.lower.name].sort());
      expect(await storedBytes(sandbox, folder + pair.upper.name)).toEqual(pair.upper.bytes);
      expect(await storedBytes(sandbox, folder + pair.lower.name)).toEqual(pair.lower.bytes);
      await checkState(tab, engineName, `case-${name}`);

      for (const file of [pair.upper, pair.lower]) {
        const download = await tab.download(`button[aria-label="Download ${file.name}"]`);
        expect(download).toEqual({ name: file.name, bytes: file.bytes });
      }

      await press(tab, `button[aria-label="Delete ${pair.upper.name}"]`, `Delete ${pair.upper.name}`);
      await press(tab, `button[aria-label="Yes, delete ${pair.upper.name}"]`, `Yes, delete ${pair.upper.name}`);
      await shows(tab, `Deleted ${pair.upper.name}.`);
      await expect.poll(() => listedNames(tab)).toEqual([pair.lower.name]);
      await reaches(tab, pair.upper.name, 'gone');
      expect((await uploadState(tab, pair.lower.name))?.state).toBe('done');
      expect(await storedBytes(sandbox, folder + pair.lower.name)).toEqual(pair.lower.bytes);
      expect(await showsNoError(tab)).toBe('');
      expect(tab.errors()).toEqual([]);
    } finally {
      await session.close();
    }
  }

  it('same size, type and time, picked together: both upload, each downloads its own bytes, delete takes only its own', async () => {
    const pair = casePair(`${engineName}-together`, true);
    await bothKept('together', pair, (tab) => pick(tab, [pair.upper.path, pair.lower.path]));
  });

  it('same size, type and time, picked one after the other: the second is not taken for the first', async () => {
    const pair = casePair(`${engineName}-after`, true);
    await bothKept('after', pair, oneAfterTheOther(pair));
  });

  it('control: different sizes and times, picked together and then one after the other, as Uppy always kept them', async () => {
    const pair = casePair(`${engineName}-differ`, false);
    await bothKept('differ', pair, (tab) => pick(tab, [pair.upper.path, pair.lower.path]));
    const later = casePair(`${engineName}-differ-later`, false);
    await bothKept('differ-later', later, oneAfterTheOther(later));
  });

  it('control: the very same file with capitals, picked again while it uploads, is refused as a duplicate in Uppy\'s words', async () => {
    const pair = casePair(`${engineName}-again`, true);
    const session = await engine.newSession();
    const folder = `${user('again')}/`;
    const release = holds.hold((url, method) => method === 'PUT' && decodeURIComponent(url.pathname) === `/uploads/${folder}${pair.upper.name}`);
    try {
      const tab = await session.newTab(sandbox.appUrl);
      await signIn(tab, user('again'));
      await pick(tab, [pair.upper.path]);
      await expect.poll(() => holds.waiting(), { timeout: 60_000 }).toBeGreaterThan(0);
      // Uppy's message goes after a few seconds: every text it shows is kept as it appears, however slow the driver.
      await tab.evaluate(() => {
        const page = window as unknown as { informed?: string[] };
        page.informed = [];
        new MutationObserver(() => document.querySelectorAll('.uppy-Informer p').forEach((text) => page.informed!.push((text.textContent ?? '').trim()))).observe(document.body, { childList: true, subtree: true, characterData: true });
      });
      await pick(tab, [pair.upper.path]);
      await waitUntil(tab, (wanted) => ((window as unknown as { informed: string[] }).informed).includes(wanted), `Cannot add the duplicate file '${pair.upper.name}', it already exists`);
      const rows = await tab.evaluate((wanted) => [...document.querySelectorAll('.uppy-Dashboard-Item-name')].filter((name) => name.textContent?.trim() === wanted).length, pair.upper.name);
      expect(rows).toBe(1);
      release();
      await reaches(tab, pair.upper.name, 'done');
      expect(await storedBytes(sandbox, folder + pair.upper.name)).toEqual(pair.upper.bytes);
    } finally {
      release();
      await session.close();
    }
  });
});
