// Share links, in each engine: "Share" makes a presigned GET URL with a chosen lifetime; only the
// lifetimes the signing credentials can honour are offered and the page says why the longer ones are
// not there; the link downloads the file under its name (Content-Disposition: attachment, UTF-8) with a
// charset, so non-ASCII text is not garbled; it works in another browser profile (a session with no
// storage in common) and answers 403 once it has expired, on the sandbox's clock (moved, never slept).
// "Link copied" (or how to copy it) is said next to the button. Escape closes the panel and gives the
// focus back. The panel's "ends at ... (in 30 min)" is read with the page's clock held at the moment the
// credentials were issued (their expiry read from the sandbox's keys), so it is exact on any machine.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.mjs';
import type { Engine, Tab } from '../engines/engine';
import { waitUntil } from '../engines/engine';
import { enginesToRun, launchEngine } from '../engines/launch';
import { checkState, focused, pick, press, reaches, shows, showsNoError, signIn } from './uploader-steps';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
/** How far the sandbox's clock is ahead of this process's. */
let ahead = 0;
const FILES = mkdtempSync(join(tmpdir(), 'uploader-share-'));

beforeAll(async () => {
  // Credentials of 30 minutes: 15 minutes fits, an hour does not (with an hour's, a link of an hour fits
  // or not by a fraction of a second).
  sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, rateLimitPerMinute: 100, credentialLifetimeSec: 1800, now: () => Date.now() + ahead });
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(FILES, { recursive: true, force: true });
});

/** Holds the page's clock (`Date.now`, which the page reads) at `at`; `undefined` lets it run again. */
const holdPageClock = (tab: Tab, at: number | undefined) => tab.evaluate((time) => {
  const page = window as unknown as { runningNow?: () => number };
  page.runningNow ??= Date.now;
  Date.now = time === null ? page.runningNow : () => time;
}, at ?? null);

/** When the credentials the sandbox issued last to `subject` expire (ms). */
function issuedExpiry(subject: string): number {
  const expiries = [...sandbox.keys.values()].filter((key) => key.subject === subject).map((key) => key.expiresAt);
  expect(expiries.length).toBeGreaterThan(0);
  return Math.max(...expiries);
}

describe.each(enginesToRun())('share links in %s', (engineName) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await launchEngine(engineName);
  });
  afterAll(() => engine?.close());

  it('makes a link no longer-lived than the credentials, which another profile can open until it expires, then gets 403', async () => {
    ahead = 0;
    const name = `${engineName}-n\u00f6tes.txt`;
    const text = `Minutes of the ${engineName} meeting: shared with a link. \u00c4rger \u2713 \u65e5\u672c`;
    const file = { path: join(FILES, name), bytes: Buffer.from(text) };
    writeFileSync(file.path, text);
    const session = await engine.newSession();
    let url: string;
    try {
      const tab = await session.newTab(sandbox.appUrl);
      const sharer = `auth0|${engineName}-sharer`;
      await signIn(tab, sharer);
      await pick(tab, [file.path]);
      await reaches(tab, name, 'done');
      // The page's clock at the moment of issue: 30 minutes left to the second, however long the steps
      // above took. Held only while the panel reads it; the link is made on the running clock.
      const expiry = issuedExpiry(sharer);
      await holdPageClock(tab, expiry - 1800_000);
      await press(tab, `button[aria-label="Share ${name}"]`, `Share ${name}`);
      await waitUntil(tab, () => !(document.querySelector('#share') as HTMLElement).hidden && (document.querySelector('#share-lifetime') as HTMLSelectElement).options.length > 0);
      await holdPageClock(tab, undefined);
      expect((await focused(tab)).id).toBe('share-title');
      const options = await tab.evaluate(() => [...(document.querySelector('#share-lifetime') as HTMLSelectElement).options].map((option) => `${option.text}${option.disabled ? ' [disabled]' : ''}`));
      expect(options).toEqual(['15 minutes']);
      const endsAt = await tab.evaluate((time) => new Date(time).toLocaleTimeString(), expiry);
      expect(await tab.evaluate(() => document.querySelector('#share-note')?.textContent)).toBe(`Anyone with the link can download this file until it expires. A link is signed with your storage access, which ends at ${endsAt} (in 30 min): no link works longer than that, so 1 hour, 1 day, 7 days are not offered.`);

      await press(tab, '#share-create', 'Create link');
      await waitUntil(tab, () => (document.querySelector('#share-url') as HTMLInputElement).value.startsWith('http'));
      url = await tab.evaluate(() => (document.querySelector('#share-url') as HTMLInputElement).value);
      expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('900');
      expect(new URL(url).searchParams.get('response-content-disposition')).toBe(`attachment; filename="${engineName}-n_tes.txt"; filename*=UTF-8''${engineName}-n%C3%B6tes.txt`);
      expect(new URL(url).searchParams.get('response-content-type')).toBe('text/plain; charset=utf-8');
      expect((await focused(tab)).id).toBe('share-url');
      await shows(tab, 'This link works until');
      await checkState(tab, engineName, 'shared');

      // Copying is said next to the button, visibly: done, or (without clipboard access) how.
      await press(tab, '#share-copy', 'Copy link');
      await waitUntil(tab, () => /^(Link copied\.|The link is selected: press Control\+C \(or Command\+C\) to copy it\.)$/.test(document.querySelector('#share-copied')?.textContent ?? ''));
      expect(await tab.evaluate(() => {
        const note = (document.querySelector('#share-copied') as HTMLElement).getBoundingClientRect();
        const button = (document.querySelector('#share-copy') as HTMLElement).getBoundingClientRect();
        return { visible: note.width > 20 && note.height > 10, inView: note.top >= 0 && note.bottom <= innerHeight, nearButton: Math.abs(note.top - button.top) < 60 };
      })).toEqual({ visible: true, inView: true, nearButton: true });
      await tab.press('Escape');
      await waitUntil(tab, () => (document.querySelector('#share') as HTMLElement).hidden);
      expect((await focused(tab)).name).toBe(`Share ${name}`);
      expect(await showsNoError(tab)).toBe('');
      expect(tab.errors()).toEqual([]);
    } finally {
      // WebKitWebDriver runs one session at a time: the other profile opens after this one closes.
      await session.close();
    }

    // What the link serves: the bytes, as a download with the file's name, in UTF-8.
    const served = await fetch(url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-disposition')).toBe(`attachment; filename="${engineName}-n_tes.txt"; filename*=UTF-8''${engineName}-n%C3%B6tes.txt`);
    expect(served.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(Buffer.from(await served.arrayBuffer()).equals(file.bytes)).toBe(true);

    // Another profile, with none of the page's storage or credentials: the link works there, until it
    // expires. (The link downloads: the profile is shown the error page only, once it has expired. An
    // XML error page has no body in Firefox: read the whole document's text.)
    const stranger = await engine.newSession();
    try {
      ahead = 16 * 60_000;
      const other = await stranger.newTab(url);
      const text = () => other.evaluate(() => document.documentElement.textContent ?? '');
      expect(await text()).toContain('Request has expired');
    } finally {
      ahead = 0;
      await stranger.close();
    }
  });
});
