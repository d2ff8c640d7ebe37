// uploadMultipart (the fetch entry) against s3rver behind the gate that verifies SigV4, session tokens
// and the per-user IAM policy: parts, progress, the other user's folder refused, and no parts left
// behind when an upload fails or is aborted.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startS3Gate } from '../../../sandbox/s3-gate.mjs';
import { policyAuthorizer } from '../../../sandbox/policy.mjs';
import { templatePolicies } from '../../support/policy-gate';
import { getObject, s3Folder, signedFetch, uploadMultipart } from '../../../src/entries/fetch';
import { DelegationClient } from '../../../src/index';
import { CLIENT_ID, DOMAIN } from '../../support/delegation-endpoint';
import { issuingEndpoint } from '../../support/issuer';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';

const MIB = 1_048_576;
const FAR_EXP = Date.parse('2100-01-01T00:00:00Z') / 1000;
const alice = makeIdToken({ sub: 'auth0|alice', exp: FAR_EXP });
const bob = makeIdToken({ sub: 'auth0|bob', exp: FAR_EXP });
let gate: Awaited<ReturnType<typeof startS3Gate>>;

beforeAll(async () => {
  gate = await startS3Gate({ authorize: policyAuthorizer(templatePolicies()) });
});
afterAll(() => gate.stop());

type Sent = { method: string; url: URL };

/** A folder whose requests are recorded; `answer` may replace S3's response to one of them. */
/** Answers S3's response instead, or (`intercept`) answers before the request reaches S3. */
type Answer = (sent: Sent, response: Response) => Response | undefined | Promise<Response | undefined>;
type Intercept = (sent: Sent, init: RequestInit | undefined) => Promise<Response> | undefined;

function setup(idToken = alice, folder = 'auth0|alice/', answer?: Answer, intercept?: Intercept) {
  const endpoint = issuingEndpoint({ keys: gate.keys });
  server.use(endpoint.handler);
  const sent: Sent[] = [];
  const recording: typeof fetch = async (input, init) => {
    const request = { method: init?.method ?? 'GET', url: new URL(String(input)) };
    sent.push(request);
    const early = intercept?.(request, init);
    if (early !== undefined) return early;
    const response = await fetch(input, init);
    return (await answer?.(request, response)) ?? response;
  };
  const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN });
  const s3fetch = signedFetch(client, { idToken: () => idToken, region: 'us-east-1', fetch: recording });
  return { endpoint, sent, s3fetch, folder: s3Folder(s3fetch, { bucket: 'uploads', folder, endpoint: gate.url }) };
}

/** A body of `size` bytes that differs at every position mod 251, so a part out of order shows. */
const bodyOf = (size: number) => new Blob([Uint8Array.from({ length: size }, (_, index) => index % 251)], { type: 'application/x-test' });
const codeOf = (promise: Promise<unknown>) => promise.then(() => 'ok', (error: { code?: string; status?: number }) => `${error.status} ${error.code}`);
const uploadIdOf = (sent: Sent[]) => sent.find(({ url }) => url.searchParams.has('partNumber'))?.url.searchParams.get('uploadId') ?? '';

/** What S3 says of an upload: 200 while it has parts to list, 404 NoSuchUpload once aborted or completed. */
async function partsStatus(s3fetch: ReturnType<typeof signedFetch>, key: string, uploadId: string): Promise<number> {
  const response = await s3fetch(`${gate.url}/uploads/${key}?uploadId=${encodeURIComponent(uploadId)}`);
  await response.arrayBuffer();
  return response.status;
}

describe('uploadMultipart', () => {
  it('uploads 11 MiB in three 5 MiB parts, in order, with progress over the whole body', async () => {
    const { folder, sent, endpoint } = setup();
    const body = bodyOf(11 * MIB);
    const progress: [number, number][] = [];
    const { etag } = await uploadMultipart(folder, 'big.bin', body, { partSize: 5 * MIB, onProgress: (loaded, total) => progress.push([loaded, total]) });
    expect(sent.map(({ method, url }) => `${method} ${url.searchParams.get('partNumber') ?? [...url.searchParams.keys()].join('&')}`)).toEqual(['POST uploads', 'PUT 1', 'PUT 2', 'PUT 3', 'POST uploadId']);
    expect(progress).toEqual([[5 * MIB, 11 * MIB], [10 * MIB, 11 * MIB], [11 * MIB, 11 * MIB]]);
    // The ETag S3 keeps for the object (quotes included), as a GET answers it.
    const got = await getObject(folder, 'big.bin');
    expect(etag).toMatch(/^"[0-9a-f-]+"$/);
    expect(got.headers.get('etag')).toBe(etag);
    const back = new Uint8Array(await got.arrayBuffer());
    expect(back.length).toBe(11 * MIB);
    expect(Buffer.from(back).equals(Buffer.from(await body.arrayBuffer()))).toBe(true);
    expect(endpoint.issued).toHaveLength(1);
  });

  it('sends a body of one part or less as one PUT', async () => {
    const { folder, sent } = setup();
    await uploadMultipart(folder, 'small.bin', bodyOf(1000));
    expect(sent.map(({ method, url }) => `${method} ${url.search}`)).toEqual(['PUT ']);
    expect((await (await getObject(folder, 'small.bin')).arrayBuffer()).byteLength).toBe(1000);
  });

  it('refuses Bob\'s credentials Alice\'s folder at the first request (403 AccessDenied), and nothing is written', async () => {
    const { folder, sent } = setup(bob, 'auth0|alice/');
    expect(await codeOf(uploadMultipart(folder, 'planted.bin', bodyOf(6 * MIB), { partSize: 5 * MIB }))).toBe('403 AccessDenied');
    expect(sent.map(({ method }) => method)).toEqual(['POST']);
    expect(await codeOf(getObject(setup().folder, 'planted.bin'))).toBe('404 NoSuchKey');
  });

  it('aborts the upload when a part fails: no parts left behind, the first error thrown', async () => {
    // S3 refuses the second part (as a lost connection or a policy would): the answer is replaced.
    const refuseSecond = async ({ url }: Sent, response: Response) => {
      if (url.searchParams.get('partNumber') !== '2') return undefined;
      await response.arrayBuffer();
      return new Response('<Error><Code>InternalError</Code></Error>', { status: 500 });
    };
    const { folder, sent, s3fetch } = setup(alice, 'auth0|alice/', refuseSecond);
    expect(await codeOf(uploadMultipart(folder, 'failed.bin', bodyOf(11 * MIB), { partSize: 5 * MIB }))).toBe('500 InternalError');
    expect(sent.at(-1)?.method).toBe('DELETE');
    expect(await partsStatus(s3fetch, 'auth0%7Calice/failed.bin', uploadIdOf(sent))).toBe(404);
    expect(await codeOf(getObject(folder, 'failed.bin'))).toBe('404 NoSuchKey');
  });

  it('negative control: without the failure the same upload lists its parts until completed', async () => {
    let uploadId = '';
    let listed = 0;
    const { folder, s3fetch, sent } = setup(alice, 'auth0|alice/', ({ method, url }, response) => {
      if (method === 'POST' && url.searchParams.has('uploadId')) uploadId = url.searchParams.get('uploadId') ?? '';
      return response;
    });
    // Between the parts and the completion, the upload exists: ListParts answers 200.
    const original = folder.fetch;
    const probing = Object.assign(async (url: string | URL, init?: Parameters<typeof original>[1]) => {
      if (init?.method === 'POST' && new URL(String(url)).searchParams.has('uploadId')) listed = await partsStatus(s3fetch, 'auth0%7Calice/kept.bin', new URL(String(url)).searchParams.get('uploadId') ?? '');
      return original(url, init);
    }, { region: original.region });
    await uploadMultipart({ ...folder, fetch: probing }, 'kept.bin', bodyOf(6 * MIB), { partSize: 5 * MIB });
    expect(listed).toBe(200);
    expect(await partsStatus(s3fetch, 'auth0%7Calice/kept.bin', uploadId)).toBe(404);
    expect(sent.some(({ method }) => method === 'DELETE')).toBe(false);
  });

  it('aborts on its signal: aborted, and the upload is aborted at S3 too', async () => {
    const controller = new AbortController();
    const { folder, sent, s3fetch } = setup(alice, 'auth0|alice/', ({ url }, response) => {
      if (url.searchParams.get('partNumber') === '1') controller.abort();
      return response;
    });
    expect(await codeOf(uploadMultipart(folder, 'aborted.bin', bodyOf(11 * MIB), { partSize: 5 * MIB, signal: controller.signal }))).toBe('0 aborted');
    expect(sent.at(-1)?.method).toBe('DELETE');
    expect(await partsStatus(s3fetch, 'auth0%7Calice/aborted.bin', uploadIdOf(sent))).toBe(404);
  });

  it('a completion answered 200 with an error in its body is that error, and the upload is aborted', async () => {
    const failedCompletion = async ({ method, url }: Sent, response: Response) => {
      if (method !== 'POST' || !url.searchParams.has('uploadId')) return undefined;
      await response.arrayBuffer();
      return new Response('<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>', { status: 200 });
    };
    const { folder, sent } = setup(alice, 'auth0|alice/', failedCompletion);
    expect(await codeOf(uploadMultipart(folder, 'half.bin', bodyOf(6 * MIB), { partSize: 5 * MIB }))).toBe('200 InternalError');
    expect(sent.at(-1)?.method).toBe('DELETE');
  });

  it('a part without an exposed ETag is invalid_response (CORS), not a corrupt object', async () => {
    const hideEtag = ({ url }: Sent, response: Response) => {
      if (!url.searchParams.has('partNumber')) return undefined;
      const headers = new Headers(response.headers);
      headers.delete('etag');
      return new Response(response.body, { status: response.status, headers });
    };
    const { folder, sent } = setup(alice, 'auth0|alice/', hideEtag);
    expect(await codeOf(uploadMultipart(folder, 'no-etag.bin', bodyOf(6 * MIB), { partSize: 5 * MIB }))).toBe('0 invalid_response');
    expect(sent.at(-1)?.method).toBe('DELETE');
  });

  it.each([['a partSize under 5 MiB', { partSize: 5 * MIB - 1 }], ['a fractional partSize', { partSize: 5 * MIB + 0.5 }]])('refuses %s at once: invalid_configuration, nothing sent', async (_name, options) => {
    const { folder, sent, endpoint } = setup();
    expect(await codeOf(uploadMultipart(folder, 'x.bin', bodyOf(10), options))).toBe('0 invalid_configuration');
    expect(sent).toEqual([]);
    expect(endpoint.issued).toEqual([]);
  });

  it.each([['a string', 'hello'], ['an ArrayBuffer', new ArrayBuffer(16)], ['null', null]])('refuses %s as the body (putObject takes those): invalid_configuration, nothing sent', async (_name, body) => {
    const { folder, sent } = setup();
    expect(await codeOf(uploadMultipart(folder, 'not-a-blob.bin', body as unknown as Blob))).toBe('0 invalid_configuration');
    expect(sent).toEqual([]);
  });

  it('a signal aborted before the call: aborted, nothing sent to S3', async () => {
    const { folder, sent } = setup();
    expect(await codeOf(uploadMultipart(folder, 'pre.bin', bodyOf(6 * MIB), { partSize: 5 * MIB, signal: AbortSignal.abort() }))).toBe('0 aborted');
    expect(sent).toEqual([]);
  });

  it('an abort while CreateMultipartUpload is answering: aborted, and the upload S3 made is aborted there', async () => {
    const controller = new AbortController();
    let uploadId = '';
    // S3 makes the upload; the user aborts before its answer reaches the page (a fetch given the signal
    // would then reject with AbortError).
    const abortWhileAnswering: Intercept = ({ method, url }, init) => {
      if (method !== 'POST' || !url.searchParams.has('uploads')) return undefined;
      return (async () => {
        const text = await (await fetch(url, init)).text();
        uploadId = /<UploadId>([^<]*)<\/UploadId>/.exec(text)?.[1] ?? '';
        controller.abort();
        if (init?.signal?.aborted) throw new DOMException('This operation was aborted', 'AbortError');
        return new Response(text, { status: 200 });
      })();
    };
    const { folder, s3fetch, sent } = setup(alice, 'auth0|alice/', undefined, abortWhileAnswering);
    expect(await codeOf(uploadMultipart(folder, 'orphan.bin', bodyOf(6 * MIB), { partSize: 5 * MIB, signal: controller.signal }))).toBe('0 aborted');
    expect(uploadId).not.toBe('');
    expect(sent.map(({ method }) => method)).toEqual(['POST', 'DELETE']);
    expect(await partsStatus(s3fetch, 'auth0%7Calice/orphan.bin', uploadId)).toBe(404);
  });

  it('the cleanup is bounded: a DELETE that never answers does not keep an aborted upload from settling', { timeout: 60_000 }, async () => {
    const controller = new AbortController();
    const abortAfterFirstPart: Answer = ({ url }) => {
      if (url.searchParams.get('partNumber') === '1') controller.abort();
      return undefined;
    };
    // The network is gone when the cleanup goes out: the DELETE answers only if its own signal ends it.
    const deleteHangs: Intercept = ({ method }, init) => (method === 'DELETE' ? new Promise<Response>((_, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))) : undefined);
    const { folder, sent } = setup(alice, 'auth0|alice/', abortAfterFirstPart, deleteHangs);
    expect(await codeOf(uploadMultipart(folder, 'hang.bin', bodyOf(6 * MIB), { partSize: 5 * MIB, signal: controller.signal }))).toBe('0 aborted');
    expect(sent.at(-1)?.method).toBe('DELETE');
  });

  it('a progress callback that throws is reported, and the upload goes on to the end', async () => {
    const { folder } = setup();
    const reported = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const bug = new Error('progress bar gone');
    const { etag } = await uploadMultipart(folder, 'throwing-progress.bin', bodyOf(6 * MIB), { partSize: 5 * MIB, onProgress: () => { throw bug; } });
    expect(etag).not.toBe('');
    expect(reported.mock.calls).toEqual([[bug], [bug]]);
    reported.mockRestore();
  });
});
