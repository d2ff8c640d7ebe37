// The uploader with the keyboard only, in each engine: Tab order, Enter and Space, where the focus goes
// after each action (a button that disappears hands it on, a closed panel gives it back), progress and
// state announced in the aria-live region; axe-core on the signed-out page and the delete confirmation
// (the other states are checked where their tests reach them: uploader-steps.ts checkState). Choosing
// the file is the one step a test cannot do with keys (the system's file dialog): setFiles does it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.mjs';
import type { Engine, Key, Tab } from '../engines/engine';
import { waitUntil } from '../engines/engine';
import { enginesToRun, launchEngine } from '../engines/launch';
import { requestHolds } from './hold';
import { checkState, dropStale, focused, isPart, makeFile, onLoginStep, partsDone, reaches, s3Requests, shows, showsNoError } from './uploader-steps';

const PART = 5 * 1024 * 1024;
const holds = requestHolds();
const requests = s3Requests();
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
const FILES = mkdtempSync(join(tmpdir(), 'uploader-a11y-'));

beforeAll(async () => {
  sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, rateLimitPerMinute: 100, holdS3: holds.hook, faultS3: requests.hook });
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(FILES, { recursive: true, force: true });
});

/** Presses `key` until the focus is on the element named `name` (at most `limit` presses). */
async function tabTo(tab: Tab, name: string, key: Key = 'Tab', limit = 15): Promise<void> {
  const seen: string[] = [];
  for (let presses = 0; presses < limit; presses++) {
    await tab.press(key);
    const now = await focused(tab);
    if (now.name === name || now.id === name) return;
    seen.push(now.name || now.id);
  }
  throw new Error(`${key} never reached "${name}"; the focus went through: ${seen.join(' | ')}`);
}

const announced = (tab: Tab) => tab.evaluate(() => document.querySelector('#announcer')?.textContent ?? '');

describe.each(enginesToRun())('the uploader with the keyboard only in %s', (engineName) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await launchEngine(engineName);
  });
  afterAll(() => engine?.close());

  it('signs in, pauses and resumes, shares and deletes with keys; focus follows; progress is announced; axe finds nothing serious', async () => {
    const user = `auth0|${engineName}-keys`;
    const name = `${engineName}-keys.bin`;
    const file = makeFile(FILES, name, 2 * PART + 3, 8);
    const session = await engine.newSession();
    try {
      const tab = await session.newTab(sandbox.appUrl);
      // The page renders from a module script: check it once it has (else axe would look at nothing).
      await shows(tab, 'Sign in to upload files into your own folder.');
      await checkState(tab, engineName, 'signed-out');
      await tabTo(tab, 'Sign in');
      await tab.press('Enter');
      await onLoginStep(tab);
      await tab.type('#user', user, { enter: true });
      await shows(tab, `Signed in as ${user}`);
      await shows(tab, 'No files yet.');

      await tabTo(tab, 'files');
      const release = holds.hold(isPart(name, 2));
      let released = false;
      try {
        await tab.setFiles('#files', [file.path]);
        await partsDone(tab, name, 2, 3);
        expect(await announced(tab)).toMatch(new RegExp(`^${name}: (Uploading|\\d+% uploaded)`));
        await tabTo(tab, `Pause ${name}`, 'Tab', 3);
        await tab.press('Enter');
        await reaches(tab, name, 'paused');
        expect((await focused(tab)).name).toBe(`Resume ${name}`);
        expect(await announced(tab)).toMatch(new RegExp(`^${name}: Paused at \\d+% \\(2 of 3 parts\\)`));
        await dropStale(requests, name, 2, release);
        released = true;
      } finally {
        if (!released) release();
      }
      await tab.press('Space');
      await reaches(tab, name, 'done');
      expect(await announced(tab)).toBe(`${name}: Uploaded.`);
      // Its buttons are gone: the focus stays in the row (its status), not at the top of the page.
      expect(await focused(tab)).toEqual({ id: '', name: 'Uploaded.' });

      await waitUntil(tab, (wanted) => document.querySelector(`button[aria-label="Share ${wanted}"]`) !== null, name);
      await tabTo(tab, `Share ${name}`);
      await tab.press('Enter');
      await waitUntil(tab, () => document.activeElement?.id === 'share-title');
      await tabTo(tab, 'share-create', 'Tab', 3);
      await tab.press('Enter');
      await waitUntil(tab, () => document.activeElement?.id === 'share-url');
      await tab.press('Escape');
      await waitUntil(tab, () => (document.querySelector('#share') as HTMLElement).hidden);
      expect((await focused(tab)).name).toBe(`Share ${name}`);

      await tabTo(tab, `Select ${name}`, 'Shift+Tab', 3);
      await tab.press('Space');
      await tabTo(tab, 'Delete selected (1)', 'Shift+Tab', 6);
      await tab.press('Enter');
      await shows(tab, 'Delete 1 file for good?');
      expect((await focused(tab)).name).toBe('Yes, delete');
      await checkState(tab, engineName, 'confirm-delete');
      await tab.press('Enter');
      await shows(tab, 'Deleted 1 file.');
      expect((await focused(tab)).id).toBe('files-title');
      await shows(tab, 'No files yet.');
      expect(await showsNoError(tab)).toBe('');
      expect(tab.errors()).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
