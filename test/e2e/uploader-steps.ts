// What the uploader's end-to-end tests do and read on the page, in any engine (test/engines/): sign in,
// press a button by the name a user sees, pick files in Uppy's Dashboard and read a file's row there,
// Golden Retriever's records (IndexedDB), run axe-core; and on the sandbox's side, a log of S3 requests
// with faults to inject.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { expect } from 'vitest';
import type { Tab } from '../engines/engine';
import { waitUntil } from '../engines/engine';
import { ARTIFACTS } from './browser';

export const bodyText = (tab: Tab) => tab.evaluate(() => document.body.innerText);
export const shows = (tab: Tab, text: string) => waitUntil(tab, (wanted) => document.body.innerText.includes(wanted), text);

/** The page's own error box is hidden or shows information (what every engine can see, WebKit included). */
export const showsNoError = (tab: Tab) => tab.evaluate(() => {
  const message = document.querySelector('#message') as HTMLElement;
  return message.hidden || message.classList.contains('info') ? '' : message.textContent;
});
export const listedNames = (tab: Tab) => tab.evaluate(() => [...document.querySelectorAll('#listing td.name')].map((cell) => cell.textContent ?? ''));

/** The element's accessible name as a user reads it: its aria-label, else its text, else its label's text. */
export const nameOf = (tab: Tab, selector: string) => tab.evaluate((wanted) => {
  const element = document.querySelector(wanted);
  const label = element?.id ? document.querySelector(`label[for="${element.id}"]`) : null;
  return element?.getAttribute('aria-label') ?? (label?.textContent || element?.textContent?.trim() || null);
}, selector);

/** Clicks the button at `selector` once it is there, after checking the name a user would look for. */
export async function press(tab: Tab, selector: string, name: string): Promise<void> {
  await waitUntil(tab, (wanted) => document.querySelector(wanted) !== null, selector);
  expect(await nameOf(tab, selector)).toBe(name);
  await tab.click(selector);
}

/** The tenant's login step is on screen (the sandbox's /u/login/{uid}, where Auth0 shows Universal Login). */
export const onLoginStep = (tab: Tab) => waitUntil(tab, () => location.pathname.startsWith('/u/login/') && document.querySelector('#user') !== null);

/**
 * Signs in through the page's auth0-spa-js and the tenant's login step, and waits for the folder's
 * listing. When the tenant still has a session for `user` (a reload, not a sign-out), it asks for nothing:
 * `sso` says that is expected, and then no login step is shown.
 */
export async function signIn(tab: Tab, user: string, { sso = false } = {}): Promise<void> {
  await press(tab, '#sign-in', 'Sign in');
  if (!sso) {
    await onLoginStep(tab);
    expect(await nameOf(tab, '#user')).toBe('User id');
    await tab.type('#user', user, { enter: true });
  }
  await shows(tab, `Signed in as ${user}`);
  await waitUntil(tab, () => /No files yet|\d+(\.\d)? (B|KB|MB)/.test((document.querySelector('#listing') as HTMLElement | null)?.innerText ?? ''));
}

/** Bytes of a file of `size` that differ from file to file (`seed`), written under `folder`. */
export function makeFile(folder: string, name: string, size: number, seed = 1): { path: string; bytes: Buffer } {
  const bytes = Buffer.from(Uint8Array.from({ length: size }, (_, index) => (index * 31 + seed * 7) % 251));
  const path = join(folder, name);
  writeFileSync(path, bytes);
  return { path, bytes };
}

/** The Dashboard's file input (hidden: "choose files" opens it). */
export const PICK = 'input.uppy-Dashboard-input[type="file"]:not([webkitdirectory])';
/** Picks files in the Dashboard, as the system's file dialog would (after "Add more" when it lists files already). */
export async function pick(tab: Tab, paths: string[]): Promise<void> {
  // The Dashboard comes after the listing (signIn waits for that): its input, or "Add more" over a list.
  await waitUntil(tab, (selector) => document.querySelector(selector) !== null || document.querySelector('.uppy-DashboardContent-addMore') !== null, PICK);
  if (!(await tab.evaluate((selector) => document.querySelector(selector) !== null, PICK))) {
    await tab.click('.uppy-DashboardContent-addMore');
    await waitUntil(tab, (selector) => document.querySelector(selector) !== null, PICK);
  }
  await tab.setFiles(PICK, paths);
}

/**
 * A file's row in Uppy's Dashboard as a user sees it: its state (`uploading`, `paused`, `failed`, `done`,
 * `waiting`), the name of its progress button (Pause upload, Resume upload, Retry upload, Upload
 * complete), its text.
 */
export const uploadState = (tab: Tab, name: string) => tab.evaluate((wanted) => {
  const item = [...document.querySelectorAll<HTMLElement>('.uppy-Dashboard-Item')].find((row) => row.querySelector('.uppy-Dashboard-Item-name')?.textContent?.trim() === wanted);
  if (!item) return undefined;
  const button = item.querySelector('.uppy-Dashboard-Item-progressIndicator')?.getAttribute('aria-label') ?? '';
  const classes = item.classList;
  const state = classes.contains('is-error') ? 'failed' : classes.contains('is-complete') ? 'done' : button === 'Resume upload' ? 'paused' : classes.contains('is-inprogress') ? 'uploading' : 'waiting';
  return { state, button, text: item.innerText };
}, name);

/** Waits until the upload of `name` is in `state`. */
export const reaches = (tab: Tab, name: string, state: string, timeoutMs?: number) => waitUntil(tab, ([wanted, expected]) => {
  const item = [...document.querySelectorAll<HTMLElement>('.uppy-Dashboard-Item')].find((row) => row.querySelector('.uppy-Dashboard-Item-name')?.textContent?.trim() === wanted);
  if (!item) return expected === 'gone';
  const button = item.querySelector('.uppy-Dashboard-Item-progressIndicator')?.getAttribute('aria-label') ?? '';
  const classes = item.classList;
  const state = classes.contains('is-error') ? 'failed' : classes.contains('is-complete') ? 'done' : button === 'Resume upload' ? 'paused' : classes.contains('is-inprogress') ? 'uploading' : 'waiting';
  return state === expected;
}, [name, state] as [string, string], timeoutMs);

/**
 * Clicks the button `label` (its aria-label) in the Dashboard row of `name`, as a user does: the row's
 * button is marked for the driver, which clicks it like any other.
 */
export async function pressInRow(tab: Tab, name: string, label: string): Promise<void> {
  await waitUntil(tab, ([wanted, text]) => {
    document.querySelector('[data-test-target]')?.removeAttribute('data-test-target');
    const item = [...document.querySelectorAll<HTMLElement>('.uppy-Dashboard-Item')].find((row) => row.querySelector('.uppy-Dashboard-Item-name')?.textContent?.trim() === wanted);
    const button = [...(item?.querySelectorAll('button') ?? [])].find((candidate) => candidate.getAttribute('aria-label') === text);
    button?.setAttribute('data-test-target', '');
    return button !== undefined;
  }, [name, label] as [string, string]);
  await tab.click('[data-test-target]');
}

/** Golden Retriever's records in this browser (IndexedDB "uppy-blobs"): each Uppy id's files (name, s3Multipart), the stored bytes' ids, and all of it as text. */
export const goldenRecords = (tab: Tab) => tab.evaluate(() => new Promise<{ stores: Record<string, { name: string; done: boolean; uploadId?: string; key?: string }[]>; blobs: string[]; text: string }>((resolve, reject) => {
  const request = indexedDB.open('uppy-blobs');
  request.onerror = () => reject(request.error);
  request.onsuccess = () => {
    const db = request.result;
    const names = ['metadata', 'files'].filter((name) => db.objectStoreNames.contains(name));
    if (names.length < 2) return (db.close(), resolve({ stores: {}, blobs: [], text: '' }));
    const transaction = db.transaction(names, 'readonly');
    const metadata = transaction.objectStore('metadata').getAll();
    const files = transaction.objectStore('files').getAll();
    transaction.oncomplete = () => {
      db.close();
      const stores: Record<string, { name: string; done: boolean; uploadId?: string; key?: string }[]> = {};
      for (const record of metadata.result as { id: string; metadata: string }[]) {
        const state = JSON.parse(record.metadata) as { files?: Record<string, { name: string; progress?: { uploadComplete?: boolean }; s3Multipart?: { uploadId: string; key: string } }> };
        stores[record.id] = Object.values(state.files ?? {}).map((file) => ({ name: file.name, done: file.progress?.uploadComplete === true, uploadId: file.s3Multipart?.uploadId, key: file.s3Multipart?.key }));
      }
      const blobs = (files.result as { store: string; fileID: string }[]).map((blob) => `${blob.store}:${blob.fileID}`);
      resolve({ stores, blobs, text: JSON.stringify(metadata.result) + JSON.stringify(blobs) });
    };
    transaction.onerror = () => reject(transaction.error);
  };
}));

/** The unfinished uploads Golden Retriever remembers in this browser, as `name` per Uppy id (files not yet complete). */
export async function rememberedNames(tab: Tab): Promise<string[]> {
  const { stores } = await goldenRecords(tab);
  return Object.values(stores).flat().filter((file) => !file.done).map((file) => file.name).sort();
}

/**
 * A state of the page, checked: a screenshot under test-results/e2e/ (`<engine>-uploader-state-<state>.png`)
 * to look at, and axe-core finds no serious or critical violation.
 */
export async function checkState(tab: Tab, engine: string, state: string): Promise<void> {
  await tab.screenshot(join(ARTIFACTS, `${engine}-uploader-state-${state}.png`));
  expect(await axeViolations(tab), `axe-core in the state "${state}"`).toEqual([]);
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is now (rule, impact, the first targets). */
export async function axeViolations(tab: Tab): Promise<string[]> {
  return tab.evaluate(async (source) => {
    const page = window as unknown as { axe?: { run(context: Document, options: object): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } };
    if (!page.axe) (0, eval)(source);
    const result = await page.axe!.run(document, { resultTypes: ['violations'] });
    return result.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => `${violation.impact} ${violation.id}: ${violation.nodes.slice(0, 3).map((node) => node.target.join(' ')).join(', ')}`);
  }, AXE_SOURCE);
}

/** The element with the focus: its id, and its name (aria-label, else its text). */
export const focused = (tab: Tab) => tab.evaluate(() => {
  const element = document.activeElement as HTMLElement | null;
  return { id: element?.id ?? '', name: element?.getAttribute('aria-label') ?? (element?.textContent?.trim() ?? '') };
});

/** An UploadPart request of `file`'s part `part`. */
export const isPart = (file: string, part: number) => (url: URL, method: string) => method === 'PUT' && url.pathname.endsWith(`/${file}`) && url.searchParams.get('partNumber') === String(part);

/**
 * Lets a part request the page gave up (paused, cancelled, reloaded) through the hold, dropping it at
 * the gate so that it never races the page's next send of that part in s3rver's folder.
 */
export async function dropStale(requests: ReturnType<typeof s3Requests>, file: string, part: number, release: () => void): Promise<void> {
  const before = requests.partSends(file, part);
  const stop = requests.fault((url, method) => (isPart(file, part)(url, method) ? 'drop' : undefined));
  try {
    release();
    await expect.poll(() => requests.partSends(file, part), { timeout: 60_000 }).toBeGreaterThan(before);
  } finally {
    stop();
  }
}

/** Every S3 request the sandbox saw (method, path, query), and faults to inject: the sandbox's `faultS3`. */
export function s3Requests() {
  const seen: { method: string; url: URL }[] = [];
  let inject: ((url: URL, method: string) => 'drop' | 'error' | undefined) | undefined;
  return {
    hook(request: IncomingMessage): 'drop' | 'error' | undefined {
      const url = new URL(request.url ?? '/', 'http://s3');
      const method = request.method ?? 'GET';
      seen.push({ method, url });
      return inject?.(url, method);
    },
    /** Injects `fault` until the returned function is called. */
    fault(fault: (url: URL, method: string) => 'drop' | 'error' | undefined): () => void {
      inject = fault;
      return () => (inject = undefined);
    },
    /** How many UploadPart requests for this file and part number the sandbox saw. */
    partSends: (file: string, part: number) => seen.filter(({ method, url }) => method === 'PUT' && url.pathname.endsWith(`/${file}`) && url.searchParams.get('partNumber') === String(part)).length,
    count: (matches: (url: URL, method: string) => boolean) => seen.filter(({ method, url }) => matches(url, method)).length,
  };
}
