// The fetch entry (signedFetch, the folder operations, uploadMultipart) in each engine (Chromium, Firefox
// ESR, WebKitGTK): SigV4 by aws4fetch on the page's SubtleCrypto, XMLHttpRequest upload progress, ETag
// read over CORS, cross-origin against the local verifying S3 started in Node.
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { deleteObject, getObject, listObjects, putObject, s3Folder, signedFetch, uploadMultipart } from '../../src/entries/fetch';
import { DelegationClient } from '../../src/index';
import { CLIENT_ID, DOMAIN, delegationEndpoint, jsonResponse } from '../support/delegation-endpoint';
import { makeIdToken } from '../support/tokens';
import { useWorker, worker } from './worker';

useWorker();

const { url: s3Url, pool, expired } = inject('s3');
const s3Redirector = inject('s3Redirector');
const partGate = inject('partGate');
const MIB = 1_048_576;
const alice = makeIdToken({ sub: 'auth0|alice', exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });
// Any pool key signs (this gate checks keys, not folders); the other files use them too.
let nextKey = pool.length - 1;
afterEach(() => vi.useRealTimers());

/** A folder of its own for each test, signed with a pool key (or the ones given) handed out by msw's Auth0. */
function setup(keys = [pool[nextKey--]!], fetch?: typeof globalThis.fetch) {
  const queue = [...keys];
  const endpoint = delegationEndpoint(() => {
    const key = queue.shift() ?? pool[nextKey--]!;
    return jsonResponse({ Credentials: { AccessKeyId: key.accessKeyId, SecretAccessKey: key.secretAccessKey, SessionToken: key.sessionToken, Expiration: new Date(Date.now() + 3_600_000).toISOString() } });
  });
  worker.use(endpoint.handler);
  const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, retries: 0, shareAcrossTabs: false });
  const s3fetch = signedFetch(client, { idToken: alice, region: 'us-east-1', fetch });
  return { endpoint, s3fetch, folder: s3Folder(s3fetch, { bucket: 'uploads', folder: `auth0|alice/fetch-${crypto.randomUUID()}/`, endpoint: s3Url }) };
}

/** The gate's part hooks (test/support/part-gate.ts), from the page: watch a folder's parts, read what the gate saw, release. */
async function gateParts(path: '/watch' | '/state' | '/release' | '/uploads', query: Record<string, string>, rule?: object) {
  const response = await fetch(`${partGate}${path}?${new URLSearchParams(query)}`, { method: path === '/watch' || path === '/release' ? 'POST' : 'GET', body: rule && JSON.stringify(rule) });
  return (await response.json()) as { arrivals: number[]; held: number; maxHeld: number } & string[];
}
const timesSent = (arrivals: number[], part: number) => arrivals.filter((number) => number === part).length;

const codeOf = (promise: Promise<unknown>) => promise.then(() => 'ok', (error: { code?: string; status?: number }) => `${error.status} ${error.code}`);
/** A body of `size` bytes that differs at every position mod 251, so a part out of order shows. */
const bodyOf = (size: number) => new Blob([Uint8Array.from({ length: size }, (_, index) => index % 251)], { type: 'application/x-test' });

describe('the fetch entry in the page', () => {
  it('puts a File with progress, gets the same bytes, lists and deletes, on one delegation request', async () => {
    const { folder, endpoint } = setup();
    const file = new File(['hello from the browser \u2713'], 'hello world.txt', { type: 'text/plain' });
    const progress: number[] = [];
    const { etag } = await putObject(folder, file.name, file, { onProgress: (sent, total) => progress.push(sent / total) });
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(progress.at(-1)).toBe(1);
    const got = await getObject(folder, file.name);
    expect([await got.text(), got.headers.get('content-type')]).toEqual(['hello from the browser \u2713', 'text/plain']);
    expect((await listObjects(folder)).objects.map((object) => object.name)).toEqual([file.name]);
    await deleteObject(folder, file.name);
    expect(await codeOf(getObject(folder, file.name))).toBe('404 NoSuchKey');
    expect(endpoint.requests).toHaveLength(1);
  });

  it('uploads 11 MiB in three 5 MiB parts: progress over the whole body, the same bytes back', async () => {
    const { folder } = setup();
    const body = bodyOf(11 * MIB);
    const progress: [number, number][] = [];
    const { etag } = await uploadMultipart(folder, 'big.bin', body, { partSize: 5 * MIB, onProgress: (sent, total) => progress.push([sent, total]) });
    // XMLHttpRequest reports as it goes: never backwards, always out of the whole body, ending at all of it.
    expect(progress.every(([sent, total], index) => total === 11 * MIB && sent >= (progress[index - 1]?.[0] ?? 0))).toBe(true);
    expect(progress.at(-1)).toEqual([11 * MIB, 11 * MIB]);
    const got = await getObject(folder, 'big.bin');
    expect(got.headers.get('etag')).toBe(etag);
    const back = new Uint8Array(await got.arrayBuffer());
    const sent = new Uint8Array(await body.arrayBuffer());
    expect(back.length).toBe(sent.length);
    expect(back.every((byte, index) => byte === sent[index])).toBe(true);
  });

  it.each([
    [4, undefined],
    [1, 1],
  ])('keeps %i parts in flight (queueSize %s; counted at the S3 gate and by XMLHttpRequest), never more, reads only those, progress over the whole body', async (n, queueSize) => {
    const { folder } = setup();
    const size = 5 * 5 * MIB + MIB;
    const body = bodyOf(size);
    const whole = body.slice();
    const slices: Blob[] = [];
    Object.defineProperty(body, 'slice', { value: (...args: Parameters<Blob['slice']>) => slices[slices.push(whole.slice(...args)) - 1] });
    for (const read of ['arrayBuffer', 'stream', 'text'] as const) Object.defineProperty(body, read, { value: () => Promise.reject(new Error(`the whole body was read (${read})`)) });
    // Each part's XMLHttpRequest, from send() until it is done (readyState 4 comes before the load event).
    const requests = { now: 0, most: 0 };
    const send = XMLHttpRequest.prototype.send;
    vi.spyOn(XMLHttpRequest.prototype, 'send').mockImplementation(function (this: XMLHttpRequest, sent) {
      requests.most = Math.max(requests.most, ++requests.now);
      this.addEventListener('readystatechange', () => this.readyState === XMLHttpRequest.DONE && requests.now--);
      send.call(this, sent);
    });
    await gateParts('/watch', { marker: folder.folder }, { hold: true });
    const progress: [number, number][] = [];
    try {
      const upload = uploadMultipart(folder, 'parallel.bin', body, { partSize: 5 * MIB, queueSize, onProgress: (sent, total) => progress.push([sent, total]) });
      await vi.waitUntil(async () => (await gateParts('/state', { marker: folder.folder })).held === n, { timeout: 60_000, interval: 20 });
      expect([requests.now, slices.length]).toEqual([n, n]);
      await gateParts('/release', { marker: folder.folder });
      expect(await codeOf(upload)).toBe('ok');
    } finally {
      await gateParts('/release', { marker: folder.folder });
      vi.restoreAllMocks();
    }
    // Released, the parts are no longer held: a client sending more than n at once would show it here.
    expect([(await gateParts('/state', { marker: folder.folder })).maxHeld, requests.most, slices.length]).toEqual([n, n, 6]);
    expect(progress.every(([sent, total], index) => total === size && sent > (progress[index - 1]?.[0] ?? 0))).toBe(true);
    expect(progress.at(-1)).toEqual([size, size]);
    const back = new Uint8Array(await (await getObject(folder, 'parallel.bin')).arrayBuffer());
    const sent = new Uint8Array(await whole.arrayBuffer());
    expect(back.length === sent.length && back.every((byte, index) => byte === sent[index])).toBe(true);
  });

  it('a part answered 500 once is sent again on its own, and the upload completes', async () => {
    const { folder } = setup();
    await gateParts('/watch', { marker: folder.folder }, { faults: { 2: ['error'] } });
    const body = bodyOf(16 * MIB);
    expect(await codeOf(uploadMultipart(folder, 'retried.bin', body, { partSize: 5 * MIB, retryDelays: [0, 0] }))).toBe('ok');
    const { arrivals } = await gateParts('/state', { marker: folder.folder });
    expect([1, 2, 3, 4].map((part) => timesSent(arrivals, part))).toEqual([1, 2, 1, 1]);
    expect((await (await getObject(folder, 'retried.bin')).arrayBuffer()).byteLength).toBe(16 * MIB);
  });

  it('a part refused 403 AccessDenied is not sent again: the upload is aborted, nothing left at S3', async () => {
    // S3's answer to part 3 replaced by a refusal (the page's fetch: no progress asked for).
    const refuseThird: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (new URL(String(input)).searchParams.get('partNumber') !== '3') return response;
      await response.arrayBuffer();
      return new Response('<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>', { status: 403 });
    };
    const { folder } = setup(undefined, refuseThird);
    await gateParts('/watch', { marker: folder.folder });
    expect(await codeOf(uploadMultipart(folder, 'refused.bin', bodyOf(21 * MIB), { partSize: 5 * MIB, retryDelays: [0, 0] }))).toBe('403 AccessDenied');
    expect(timesSent((await gateParts('/state', { marker: folder.folder })).arrivals, 3)).toBe(1);
    expect(await gateParts('/uploads', { prefix: folder.folder })).toEqual([]);
    expect(await codeOf(getObject(folder, 'refused.bin'))).toBe('404 NoSuchKey');
  });

  it('aborted mid-upload: aborted, and nothing is left at S3', async () => {
    const { folder } = setup();
    const controller = new AbortController();
    const upload = uploadMultipart(folder, 'aborted.bin', bodyOf(11 * MIB), {
      partSize: 5 * MIB,
      signal: controller.signal,
      onProgress: (sent) => {
        if (sent >= 5 * MIB) controller.abort();
      },
    });
    expect(await codeOf(upload)).toBe('0 aborted');
    expect(await codeOf(getObject(folder, 'aborted.bin'))).toBe('404 NoSuchKey');
    expect(await gateParts('/uploads', { prefix: folder.folder })).toEqual([]);
  });

  it('recovers once from ExpiredToken: the refused key is dropped, the next one signs the upload', async () => {
    const { folder, endpoint } = setup([expired, pool[nextKey--]!]);
    await putObject(folder, 'after-expiry.txt', 'two');
    expect(await (await getObject(folder, 'after-expiry.txt')).text()).toBe('two');
    expect(endpoint.requests).toHaveLength(2);
  });

  it('negative control: a wrong secret is refused (SignatureDoesNotMatch), not retried', async () => {
    const key = pool[nextKey--]!;
    const { folder, endpoint } = setup([{ ...key, secretAccessKey: 'not-the-secret-0123456789' }]);
    expect(await codeOf(putObject(folder, 'x.txt', 'x'))).toBe('403 SignatureDoesNotMatch');
    expect(endpoint.requests).toHaveLength(1);
  });
});

describe('a redirect is never followed (issue 24, point 8)', () => {
  /** A folder on the endpoint that answers 307 to another origin; `reached()` lists what got there. */
  function redirected() {
    const { s3fetch } = setup();
    const id = crypto.randomUUID();
    const folder = s3Folder(s3fetch, { bucket: 'r307', folder: `auth0|alice/redirect-${id}/`, endpoint: s3Redirector.url });
    const reached = async () => ((await (await fetch(`${s3Redirector.target}/received`)).json()) as { method: string; path: string; sessionToken: boolean; bodyBytes: number }[]).filter((request) => request.path.includes(id));
    return { folder, reached };
  }

  it('without progress (fetch, redirect: manual): putObject and getObject fail redirect_refused, and nothing reaches the other origin', async () => {
    const { folder, reached } = redirected();
    expect(await codeOf(putObject(folder, 'notes.txt', 'secret notes'))).toBe('0 redirect_refused');
    expect(await codeOf(getObject(folder, 'notes.txt'))).toBe('0 redirect_refused');
    expect(await reached()).toEqual([]);
  });

  it('with progress (XMLHttpRequest, which cannot be told not to follow): the upload fails redirect_refused, never reported done', async () => {
    const { folder, reached } = redirected();
    const progress: number[] = [];
    expect(await codeOf(putObject(folder, 'notes.txt', 'secret notes', { onProgress: (sent, total) => progress.push(sent / total) }))).toBe('0 redirect_refused');
    expect(progress).not.toContain(1);
    // What docs/DESIGN.md says: each engine has already sent the request there, session token and body
    // included, before the page can see the redirect (seen in Chromium, Firefox ESR and WebKitGTK).
    expect(await reached()).toEqual([expect.objectContaining({ method: 'PUT', sessionToken: true, bodyBytes: 12 })]);
  });
});
