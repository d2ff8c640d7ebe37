// The uploader with the keyboard only, in each engine: Tab order, Enter and Space, where the focus goes
// after each action (a paused row keeps it on its button, a closed panel gives it back, a kept file its
// Delete button); Enter on Uppy's "choose files" opens the system's file dialog (counted, not opened:
// the one step a test cannot do with keys, so setFiles picks the file); axe-core on the signed-out page
// and the delete question (the other states are checked where their tests reach them: uploader-steps.ts
// checkState). What a screen reader reads out by itself, in both uploaders: who is signed in, not the
// minute-by-minute countdown of the storage access next to it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.mjs';
import type { Engine, Key, Tab } from '../engines/engine';
import { waitUntil } from '../engines/engine';
import { enginesToRun, launchEngine } from '../engines/launch';
import { requestHolds } from './hold';
import { checkState, dropStale, focused, isPart, makeFile, onLoginStep, pick, reaches, s3Requests, shows, showsNoError, signIn } from './uploader-steps';

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
async function tabTo(tab: Tab, name: string, key: Key = 'Tab', limit = 25): Promise<void> {
  const seen: string[] = [];
  for (let presses = 0; presses < limit; presses++) {
    await tab.press(key);
    const now = await focused(tab);
    if (now.name === name || now.id === name) return;
    seen.push(now.name || now.id);
  }
  throw new Error(`${key} never reached "${name}"; the focus went through: ${seen.join(' | ')}`);
}

/** Counts the file dialogs the page asks for (a file input's click) instead of opening them. */
const countFileDialogs = (tab: Tab) => tab.evaluate(() => {
  const page = window as unknown as { fileDialogs: number };
  page.fileDialogs = 0;
  const click = HTMLInputElement.prototype.click;
  HTMLInputElement.prototype.click = function (this: HTMLInputElement) {
    if (this.type === 'file') page.fileDialogs++;
    else click.call(this);
  };
});
const fileDialogs = (tab: Tab) => tab.evaluate(() => (window as unknown as { fileDialogs: number }).fileDialogs);

/** The live region (its id, or its tag) a change of `selector`'s text is read out in, or '' where none is. */
const liveRegionOf = (tab: Tab, selector: string) => tab.evaluate((wanted) => {
  const region = document.querySelector(wanted)?.closest('[aria-live]:not([aria-live="off"]), [role="status"], [role="alert"], [role="log"]');
  return region ? region.id || region.tagName : '';
}, selector);

describe.each(enginesToRun())('the uploader with the keyboard only in %s', (engineName) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await launchEngine(engineName);
  });
  afterAll(() => engine?.close());

  it('signs in, chooses files, pauses and resumes, shares and deletes with keys; focus follows; axe finds nothing serious', async () => {
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

      await tabTo(tab, 'choose files');
      await countFileDialogs(tab);
      expect(await fileDialogs(tab)).toBe(0);
      await tab.press('Enter');
      await waitUntil(tab, () => (window as unknown as { fileDialogs: number }).fileDialogs === 1);
      const release = holds.hold(isPart(name, 2));
      let released = false;
      try {
        await pick(tab, [file.path]);
        await expect.poll(() => holds.waiting(), { timeout: 60_000 }).toBeGreaterThan(0);
        // Pause and Resume with Enter while a part is held: in Chromium and WebKit. In Firefox, WebDriver
        // BiDi loses keys pressed on the Dashboard while a part is held (its row buttons and status bar
        // alike; a key on any other button of the page works): on a loaded machine three presses in a row
        // were lost (CI, and here with two busy cores), so there the step is not judged and the held part is
        // let through instead; Firefox's keyboard path is judged on every other step below. Pausing in Firefox
        // is covered by the uploader-controls test (clicks).
        if (engineName !== 'firefox') {
          await tabTo(tab, 'Pause upload');
          await tab.press('Enter');
          await reaches(tab, name, 'paused');
          // The focus is on a Resume: the same button, or the status bar's, where Uppy's Dashboard moves it
          // when every upload is paused.
          expect((await focused(tab)).name).toMatch(/^Resume( upload)?$/);
        }
        // Resumed, the paused part is sent again and its stale first request dropped; in Firefox the held
        // part is simply let through.
        if (engineName !== 'firefox') await dropStale(requests, name, 2, release);
        else release();
        released = true;
      } finally {
        if (!released) release();
      }
      if (engineName !== 'firefox') await tab.press('Enter');
      await reaches(tab, name, 'done');

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

      // Delete asks first; "Keep it" puts the focus back on Delete, "Yes, delete" deletes.
      await tabTo(tab, `Delete ${name}`, 'Tab', 3);
      await tab.press('Enter');
      await shows(tab, `Delete ${name} for good?`);
      expect((await focused(tab)).name).toBe(`Yes, delete ${name}`);
      await checkState(tab, engineName, 'confirm-delete');
      await tabTo(tab, `Keep it: ${name}`, 'Tab', 2);
      await tab.press('Enter');
      expect((await focused(tab)).name).toBe(`Delete ${name}`);
      await tab.press('Enter');
      await tab.press('Enter');
      await shows(tab, `Deleted ${name}.`);
      expect((await focused(tab)).id).toBe('files-title');
      await shows(tab, 'No files yet.');
      expect(await showsNoError(tab)).toBe('');
      expect(tab.errors()).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it.each([['s3-uploader', 'appUrl'], ['lean', 'leanUrl']] as const)('%s: reads out who is signed in, not the storage access counting down every minute', async (page, url) => {
    const user = `auth0|${engineName}-${page}-live`;
    const session = await engine.newSession();
    try {
      const tab = await session.newTab(sandbox[url]);
      await signIn(tab, user);
      await waitUntil(tab, () => /^storage access valid for \d+ min$/.test(document.querySelector('#lifetime')?.textContent ?? ''));
      // A polite live region would say "storage access valid for 59 min", "58 min", ... for an hour.
      expect(await liveRegionOf(tab, '#lifetime')).toBe('');
      // Control: the sign-in state beside it is read out when it changes.
      expect(await liveRegionOf(tab, '#who')).not.toBe('');
      expect(tab.errors()).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
