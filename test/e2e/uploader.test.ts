// The per-user S3 folder uploader as a newcomer uses it: `npm start`'s sandbox and page, in each engine
// (Chromium, Firefox ESR, WebKitGTK) through the engine driver (test/engines/): sign in, upload with
// progress (Uppy's Dashboard), list, download, delete (asked first; the file's row leaves the upload
// list), sign out, another user sees none of it; the folder's heading names the person in every mode.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.mjs';
import type { Engine } from '../engines/engine';
import { waitUntil } from '../engines/engine';
import { enginesToRun, launchEngine } from '../engines/launch';
import { ARTIFACTS } from './browser';
import { requestHolds } from './hold';
import { bodyText, listedNames, nameOf, pick, press, reaches, shows, showsNoError, signIn, uploadState } from './uploader-steps';
import { userCredentials } from './s3-seed';

const holds = requestHolds();
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
const SMALL = Buffer.from('Quarterly notes from Alice \u2713\n');
const BIG = Buffer.from(Uint8Array.from({ length: 6 * 1024 * 1024 + 123 }, (_, index) => (index * 31) % 251));
/** The files the user picks, on disk (a file input takes paths in every driver). */
const FILES = mkdtempSync(join(tmpdir(), 'uploader-files-'));
const PICKED = [join(FILES, 'notes.txt'), join(FILES, 'photos.bin')];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(PICKED[0]!, SMALL);
  writeFileSync(PICKED[1]!, BIG);
  sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, holdS3: holds.hook });
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(FILES, { recursive: true, force: true });
});

/**
 * The whole job, as a user does it, on the page at `url` in `engine`; screenshots are named with `label`.
 * `issued` counts the credentials the sandbox handed out (delegation or STS).
 */
async function uploaderFlow(engine: Engine, url: string, label: string, alice: string, bob: string, issued = () => sandbox.stats.delegation.issued, folder?: RegExp): Promise<void> {
  const session = await engine.newSession();
  try {
    const tab = await session.newTab(url);
    await signIn(tab, alice);
    const first = issued();
    expect(await tab.evaluate(() => document.querySelector('#files-title')?.textContent)).toBe(`Files of ${alice.slice(alice.indexOf('|') + 1)}`);
    if (folder) await expect.poll(() => tab.evaluate(() => (document.querySelector('#workspace') as HTMLElement).dataset['folder'] ?? '')).toMatch(folder);

    // Hold the big file's first 5 MB part until the small file is done and the part is on its way, so the
    // page is seen mid-upload however fast or slow the machine is.
    const release = holds.hold((request, method) => method === 'PUT' && request.pathname.endsWith('/photos.bin') && request.searchParams.get('partNumber') === '1');
    try {
      await pick(tab, PICKED);
      await reaches(tab, 'notes.txt', 'done');
      await expect.poll(() => holds.waiting(), { timeout: 60_000 }).toBeGreaterThan(0);
      expect((await uploadState(tab, 'photos.bin'))?.state).toBe('uploading');
      // The whole batch in bytes: 6 MB and the small file.
      await waitUntil(tab, () => /^[\d.]+ (B|KB|MB) of 6\.0 MB sent/.test(document.querySelector('#progress-summary')?.textContent ?? ''));
      await tab.screenshot(join(ARTIFACTS, `${engine.name}-${label}-mid-upload.png`));
    } finally {
      release();
    }
    await reaches(tab, 'photos.bin', 'done');
    await waitUntil(tab, () => [...document.querySelectorAll('#listing td.name')].some((cell) => cell.textContent === 'photos.bin'));
    expect((await listedNames(tab)).sort()).toEqual(['notes.txt', 'photos.bin']);
    expect(await tab.evaluate(() => document.querySelector('#progress-summary')?.textContent)).toBe('2 files uploaded (6.0 MB).');
    expect(await showsNoError(tab)).toBe('');
    await tab.screenshot(join(ARTIFACTS, `${engine.name}-${label}-after-upload.png`));

    expect(await nameOf(tab, 'button[aria-label="Download notes.txt"]')).toBe('Download notes.txt');
    const download = await tab.download('button[aria-label="Download notes.txt"]');
    expect(download.name).toBe('notes.txt');
    expect(download.bytes).toEqual(SMALL);

    await press(tab, 'button[aria-label="Delete photos.bin"]', 'Delete photos.bin');
    await shows(tab, 'Delete photos.bin for good?');
    await press(tab, 'button[aria-label="Yes, delete photos.bin"]', 'Yes, delete photos.bin');
    await shows(tab, 'Deleted photos.bin.');
    await expect.poll(() => listedNames(tab)).toEqual(['notes.txt']);
    // Its upload row says no longer "complete": it is gone; the other one stays.
    await reaches(tab, 'photos.bin', 'gone');
    expect((await uploadState(tab, 'notes.txt'))?.state).toBe('done');

    await press(tab, '#sign-out', 'Sign out');
    await shows(tab, 'Not signed in');
    const before = issued();
    await signIn(tab, bob);
    expect(issued()).toBe(before + 1);
    expect(await tab.evaluate(() => (document.querySelector('#listing') as HTMLElement).innerText)).toContain('No files yet.');
    expect(await bodyText(tab)).not.toContain('notes.txt');
    expect(await showsNoError(tab)).toBe('');
    // Uncaught errors and console errors, where the driver reports them (not WebKit's: see Tab.errors).
    expect(tab.errors()).toEqual([]);
    expect(issued()).toBe(first + 1);
  } finally {
    await session.close();
  }
}

describe.each(enginesToRun())('the S3 uploader against the sandbox in %s', (engineName) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await launchEngine(engineName);
  });
  afterAll(() => engine?.close());
  /** Users of this engine's own (one sandbox serves every engine). */
  const user = (name: string) => `auth0|${engineName}-${name}`;

  it('script tag: Alice uploads, sees, downloads and deletes her files; after sign-out Bob sees none of them', async () => {
    await uploaderFlow(engine, sandbox.appUrl, 'uploader', user('alice'), user('bob'));
  });

  // The SPA build and the web-identity exchange run the same page code: in Chromium only, which keeps
  // the suite's time in bounds (each engine runs the in-page tests of web identity: test/browser/).
  const chromiumOnly = it.runIf(engineName === 'chromium');

  chromiumOnly('SPA (npm import, rollup): the same flow', async () => {
    await uploaderFlow(engine, sandbox.spaUrl, 'spa', user('spa-alice'), user('spa-bob'));
  });

  chromiumOnly.each<['web-identity' | 'cognito', string, (alice: string) => RegExp]>([
    ['web-identity', 'STS AssumeRoleWithWebIdentity', (alice) => new RegExp(`^${alice.replace(/[|]/g, '\\|')}/$`)],
    ['cognito', 'a Cognito identity pool (Amplify\'s private/{identityId}/ folders)', () => /^private\/us-east-1:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}\/$/],
  ])('exchange %s (%s) instead of /delegation: the same flow, script tag and SPA', async (exchange, _what, folder) => {
    const other = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, exchange, holdS3: holds.hook });
    const previous = sandbox;
    sandbox = other;
    const issued = () => (exchange === 'cognito' ? other.stats.cognito.issued : other.stats.sts.issued);
    try {
      await uploaderFlow(engine, other.appUrl, exchange, user('wi-alice'), user('wi-bob'), issued, folder(user('wi-alice')));
      await uploaderFlow(engine, other.spaUrl, `${exchange}-spa`, user('wi-spa-alice'), user('wi-spa-bob'), issued);
      expect(other.stats.delegation.issued).toBe(0);
      expect(issued()).toBe(4);
    } finally {
      sandbox = previous;
      await other.stop();
    }
  }, 360_000);
});

describe('the S3 uploader\'s bundle and bucket', () => {
  it('SPA bundle keeps only what it imports: no v7 facade', () => {
    const bundle = readFileSync(join(__dirname, '../../examples/spa/dist/app.js'), 'utf8');
    expect(bundle).toContain('ListObjectsV2');
    expect(bundle).not.toContain('callbackOnLocationHash');
  });

  it('refuses Alice\'s file to Bob\'s credentials with 403, and serves it to Alice\'s (control)', async () => {
    const credentialsFor = (sub: string) => userCredentials(sandbox, sub);
    const get = async (sub: string) => {
      const s3 = new S3Client({ region: 'us-east-1', endpoint: sandbox.s3Url, forcePathStyle: true, credentials: await credentialsFor(sub), maxAttempts: 1 });
      return s3.send(new GetObjectCommand({ Bucket: 'uploads', Key: 'auth0|alice/notes.txt' })).then(
        async (result) => ({ status: 200, body: await result.Body!.transformToString() }),
        (error: { name: string; $metadata: { httpStatusCode: number } }) => ({ status: error.$metadata.httpStatusCode, body: error.name }),
      );
    };
    const alice = new S3Client({ region: 'us-east-1', endpoint: sandbox.s3Url, forcePathStyle: true, credentials: await credentialsFor('auth0|alice'), maxAttempts: 1 });
    await alice.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'auth0|alice/notes.txt', Body: SMALL }));
    expect(await get('auth0|bob')).toEqual({ status: 403, body: 'AccessDenied' });
    expect(await get('auth0|alice')).toEqual({ status: 200, body: SMALL.toString() });
  });
});
