// Thousands of files, in each engine: 2,500 objects put straight into S3 (not through the page); the page
// lists them all through ListObjectsV2 continuation tokens (1,000 a page), sorts them, filters them by
// name, and deletes 100 at once with one DeleteObjects request, saying so where the eye is (in view,
// under the list's heading, which has the focus). The row checkboxes are drawn by the page, visibly in
// every engine (WebKitGTK's own were faint squares): 20 px, a border of 3:1 or more against the page.
// Screenshot: long list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.mjs';
import type { Engine } from '../engines/engine';
import { waitUntil } from '../engines/engine';
import { enginesToRun, launchEngine } from '../engines/launch';
import { s3ClientFor, seedObjects, userCredentials } from './s3-seed';
import { checkState, listedNames, press, s3Requests, shows, showsNoError, signIn } from './uploader-steps';

const COUNT = 2500;
const USER = 'auth0|many-files';
const FOLDER = `${USER}/`;
const nameOf = (index: number) => `file-${String(index).padStart(4, '0')}.txt`;
const requests = s3Requests();
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let seed: (indexes: number[]) => Promise<void>;

// One folder of 2,500 for every engine (about a minute of PUTs through the verifying gate on a loaded
// machine); each engine's test deletes 100 of them and puts them back.
beforeAll(async () => {
  sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, rateLimitPerMinute: 100, faultS3: requests.hook });
  const client = s3ClientFor(sandbox, await userCredentials(sandbox, USER));
  seed = (indexes) => seedObjects(client, FOLDER, indexes.length, (index) => nameOf(indexes[index]!));
  await seed(Array.from({ length: COUNT }, (_, index) => index));
}, 300_000);
afterAll(() => sandbox?.stop());

const countText = (tab: Parameters<typeof listedNames>[0]) => tab.evaluate(() => document.querySelector('#count')?.textContent ?? '');
const isList = (folder: string) => (url: URL, method: string) => method === 'GET' && url.searchParams.get('list-type') === '2' && url.searchParams.get('prefix') === folder;

/** How the first row's checkbox is drawn: its size and border in px, its border's contrast, its checked look. */
const checkboxLooks = (tab: Parameters<typeof listedNames>[0]) => tab.evaluate(() => {
  const luminance = (color: string) => {
    const [r, g, b] = (color.match(/[\d.]+/g) ?? ['0', '0', '0']).slice(0, 3).map((value) => {
      const channel = Number(value) / 255;
      return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const box = document.querySelector('#listing input[type="checkbox"]') as HTMLInputElement;
  const style = getComputedStyle(box);
  const [light, dark] = [luminance('rgb(255, 255, 255)'), luminance(style.borderTopColor)].sort((a, b) => b - a);
  box.checked = true;
  const checkedFilled = getComputedStyle(box).backgroundColor !== 'rgb(255, 255, 255)';
  box.checked = false;
  return { size: Math.round(box.getBoundingClientRect().width), border: Math.round(parseFloat(style.borderTopWidth)), contrastAtLeast3: (light! + 0.05) / (dark! + 0.05) >= 3, checkedFilled };
});

describe.each(enginesToRun())('a folder of thousands of files in %s', (engineName) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await launchEngine(engineName);
  });
  afterAll(() => engine?.close());

  it(`lists ${COUNT.toLocaleString('en')} files through every page, sorts, filters, and deletes 100 with one DeleteObjects`, async () => {
    const user = USER;
    const folder = FOLDER;
    const session = await engine.newSession();
    try {
      const tab = await session.newTab(sandbox.appUrl);
      const listsBefore = requests.count(isList(folder));
      await signIn(tab, user);
      await waitUntil(tab, (wanted) => document.querySelector('#count')?.textContent === wanted, '2,500 files');
      expect(requests.count(isList(folder)) - listsBefore).toBe(3);
      expect(await listedNames(tab)).toHaveLength(100);
      expect(await tab.evaluate(() => document.querySelector('#show-more')?.textContent)).toBe('Show 100 more');

      // Sort by name (the driver has no select command: the page's own change event, as a pick fires it).
      await tab.evaluate(() => {
        const sort = document.querySelector('#sort') as HTMLSelectElement;
        sort.value = 'name';
        sort.dispatchEvent(new Event('change'));
      });
      expect((await listedNames(tab)).slice(0, 3)).toEqual(['file-0000.txt', 'file-0001.txt', 'file-0002.txt']);
      await checkState(tab, engineName, 'long-list');
      expect(await checkboxLooks(tab)).toEqual({ size: 20, border: 2, contrastAtLeast3: true, checkedFilled: true });
      await press(tab, '#show-more', 'Show 100 more');
      await waitUntil(tab, () => document.querySelectorAll('#listing td.name').length === 200);

      await tab.type('#filter', 'file-01');
      await waitUntil(tab, (wanted) => document.querySelector('#count')?.textContent === wanted, '100 of 2,500 files match');
      const names = await listedNames(tab);
      expect(names).toHaveLength(100);
      expect(names.every((name) => name.startsWith('file-01'))).toBe(true);

      await press(tab, '#select-all', 'Select all 100 matching files');
      await press(tab, '#delete-selected', 'Delete selected (100)');
      await shows(tab, 'Delete 100 files for good?');
      const deletesBefore = requests.count((url, method) => method === 'POST' && url.searchParams.has('delete'));
      await press(tab, '#confirm-yes', 'Yes, delete');
      await shows(tab, 'Deleted 100 files.');
      expect(await tab.evaluate(() => {
        const status = document.querySelector('#list-status') as HTMLElement;
        const box = status.getBoundingClientRect();
        return { text: status.textContent, role: status.getAttribute('role'), inView: box.height > 10 && box.top >= 0 && box.bottom <= innerHeight, focus: document.activeElement?.id };
      })).toEqual({ text: 'Deleted 100 files.', role: 'status', inView: true, focus: 'files-title' });
      expect(requests.count((url, method) => method === 'POST' && url.searchParams.has('delete')) - deletesBefore).toBe(1);
      await waitUntil(tab, (wanted) => document.querySelector('#count')?.textContent === wanted, '0 of 2,400 files match');
      expect(await countText(tab)).toBe('0 of 2,400 files match');
      expect(await showsNoError(tab)).toBe('');
      expect(tab.errors()).toEqual([]);
    } finally {
      await session.close();
      await seed(Array.from({ length: 100 }, (_, index) => 100 + index));
    }
  });
});
