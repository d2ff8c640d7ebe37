// uploadMultipart (the fetch entry) against s3rver behind the gate that verifies SigV4, session tokens
// and the per-user IAM policy: parts, progress, the other user's folder refused, and no parts left
// behind when an upload fails or is aborted.
import { describe, expect, it, vi } from 'vitest';
import { getObject, uploadMultipart } from '../../../src/entries/fetch';
import { unfinishedUploads } from '../../support/part-gate';
import { MIB, alice, bob, bodyOf, codeOf, partNumbers, partsStatus as statusAt, setup as setupAt, uploadIdOf, useGate } from './multipart-fixture';
import type { Answer, Intercept, Sent } from './multipart-fixture';

const { gate } = useGate();
const setup = (idToken = alice, folder = 'auth0|alice/', answer?: Answer, intercept?: Intercept) => setupAt(gate(), { idToken, folder, answer, intercept });
const partsStatus = (...args: [Parameters<typeof statusAt>[1], string, string]) => statusAt(gate(), ...args);

/** S3 completes the upload, and the page gets a 200 with `body` in place of its answer. */
function completionAnswered200(body: string): Answer {
  return async ({ method, url }, response) => {
    if (method !== 'POST' || !url.searchParams.has('uploadId')) return undefined;
    await response.arrayBuffer();
    return new Response(body, { status: 200 });
  };
}

describe('uploadMultipart', () => {
  it('uploads 11 MiB in three 5 MiB parts one at a time (queueSize 1), in order, with progress over the whole body', async () => {
    const { folder, sent, endpoint } = setup();
    const body = bodyOf(11 * MIB);
    const progress: [number, number][] = [];
    const { etag } = await uploadMultipart(folder, 'big.bin', body, { partSize: 5 * MIB, queueSize: 1, onProgress: (loaded, total) => progress.push([loaded, total]) });
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

  it('aborts the upload when a part fails (no retries asked for): no parts left behind, the first error thrown', async () => {
    // S3 refuses the second part (as a lost connection or a policy would): the answer is replaced.
    const refuseSecond = async ({ url }: Sent, response: Response) => {
      if (url.searchParams.get('partNumber') !== '2') return undefined;
      await response.arrayBuffer();
      return new Response('<Error><Code>InternalError</Code></Error>', { status: 500 });
    };
    const { folder, sent, s3fetch } = setup(alice, 'auth0|alice/', refuseSecond);
    expect(await codeOf(uploadMultipart(folder, 'failed.bin', bodyOf(11 * MIB), { partSize: 5 * MIB, retryDelays: [] }))).toBe('500 InternalError');
    expect(sent.at(-1)?.method).toBe('DELETE');
    expect(await partsStatus(s3fetch, 'auth0%7Calice/failed.bin', uploadIdOf(sent))).toBe(404);
    expect(await codeOf(getObject(folder, 'failed.bin'))).toBe('404 NoSuchKey');
    expect(await unfinishedUploads(gate(), 'auth0|alice/failed.bin')).toEqual([]);
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

  // Two ways S3 refuses a key between parts: its session expired on S3's clock, or the store forgot
  // every key issued so far (a revoked session, a store that restarted).
  it.each([
    ['credentials that expire between parts (400 ExpiredToken)', 'expiring.bin', () => gate().keys.forEach((key, id) => gate().keys.set(id, { ...key, expiresAt: Date.now() - 1 }))],
    ['a key S3 no longer knows between parts (403 InvalidAccessKeyId)', 'forgotten.bin', () => gate().keys.clear()],
  ])('%s: the key is dropped, never served again, the part sent again with new credentials, and the upload goes on', async (_name, name, refuseIssuedKeys) => {
    const { folder, sent, endpoint } = setup(alice, 'auth0|alice/', ({ url }) => void (url.searchParams.get('partNumber') === '1' && refuseIssuedKeys()));
    expect(await codeOf(uploadMultipart(folder, name, bodyOf(11 * MIB), { partSize: 5 * MIB, queueSize: 1 }))).toBe('ok');
    expect(partNumbers(sent)).toEqual([1, 2, 2, 3]);
    expect(endpoint.issued).toHaveLength(2);
    expect(await unfinishedUploads(gate(), `auth0|alice/${name}`)).toEqual([]);
    expect((await (await getObject(folder, name)).arrayBuffer()).byteLength).toBe(11 * MIB);
  });

  it('control: a key that is refused again after new credentials gives up (no loop), with InvalidAccessKeyId', async () => {
    // From part 2 on, every request reaches a store that has forgotten every key issued so far.
    const forgetBefore: Intercept = ({ url }) => void (Number(url.searchParams.get('partNumber')) >= 2 && gate().keys.clear());
    const { folder, sent, endpoint } = setup(alice, 'auth0|alice/', undefined, forgetBefore);
    expect(await codeOf(uploadMultipart(folder, 'refused.bin', bodyOf(11 * MIB), { partSize: 5 * MIB, queueSize: 1 }))).toBe('403 InvalidAccessKeyId');
    expect(partNumbers(sent)).toEqual([1, 2, 2]);
    // The cleanup is refused with the second key too, and gets through with a third: nothing left behind.
    expect(sent.slice(-2).map(({ method }) => method)).toEqual(['DELETE', 'DELETE']);
    expect(endpoint.issued).toHaveLength(3);
    expect(await unfinishedUploads(gate(), 'auth0|alice/refused.bin')).toEqual([]);
  });

  it('a completion answered 200 with an error in its body is that error, and the upload is aborted', async () => {
    const { folder, sent } = setup(alice, 'auth0|alice/', completionAnswered200('<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>'));
    expect(await codeOf(uploadMultipart(folder, 'half.bin', bodyOf(6 * MIB), { partSize: 5 * MIB }))).toBe('200 InternalError');
    expect(sent.at(-1)?.method).toBe('DELETE');
  });

  it('a completion answered 200 with no result (an empty body) is invalid_response, not an upload reported done, and the upload is aborted', async () => {
    const { folder, sent } = setup(alice, 'auth0|alice/', completionAnswered200(''));
    expect(await codeOf(uploadMultipart(folder, 'empty-answer.bin', bodyOf(6 * MIB), { partSize: 5 * MIB }))).toBe('0 invalid_response');
    expect(sent.at(-1)?.method).toBe('DELETE');
  });

  it('an abort once the completion is sent does not say "aborted" of an object S3 stored: the completion is waited for, its ETag answered', async () => {
    const controller = new AbortController();
    // S3 completes the upload; the user aborts before its answer reaches the page (a fetch given the
    // signal would then reject with AbortError, and the object would be stored all the same).
    const abortWhileCompleting: Intercept = ({ method, url }, init) => {
      if (method !== 'POST' || !url.searchParams.has('uploadId')) return undefined;
      return (async () => {
        const text = await (await fetch(url, init)).text();
        controller.abort();
        if (init?.signal?.aborted) throw new DOMException('This operation was aborted', 'AbortError');
        return new Response(text, { status: 200 });
      })();
    };
    const { folder, sent } = setup(alice, 'auth0|alice/', undefined, abortWhileCompleting);
    const result = await uploadMultipart(folder, 'completed.bin', bodyOf(6 * MIB), { partSize: 5 * MIB, signal: controller.signal });
    expect(controller.signal.aborted).toBe(true);
    expect(result.etag).toBe((await getObject(folder, 'completed.bin')).headers.get('etag'));
    expect(sent.some(({ method }) => method === 'DELETE')).toBe(false);
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

  it.each([
    ['a queueSize of 0', { queueSize: 0 }],
    ['a queueSize of 17', { queueSize: 17 }],
    ['a fractional queueSize', { queueSize: 2.5 }],
    ['a queueSize that is not a number', { queueSize: '4' }],
    ['a negative retry delay', { retryDelays: [-1] }],
    ['a retry delay that is not a number', { retryDelays: [Number.NaN] }],
    ['a retry delay over a minute', { retryDelays: [60_001] }],
    ['more than 10 retries', { retryDelays: Array.from({ length: 11 }, () => 0) }],
    ['retryDelays that are not an array', { retryDelays: 1000 }],
  ])('refuses %s at once: invalid_configuration, nothing sent', async (_name, options) => {
    const { folder, sent, endpoint } = setup();
    expect(await codeOf(uploadMultipart(folder, 'x.bin', bodyOf(6 * MIB), { partSize: 5 * MIB, ...(options as object) }))).toBe('0 invalid_configuration');
    expect(sent).toEqual([]);
    expect(endpoint.issued).toEqual([]);
  });

  it('negative control: the edges of those ranges are accepted (queueSize 16, ten retries of up to a minute, none)', async () => {
    const { folder } = setup();
    const edges = [{ queueSize: 16 }, { retryDelays: Array.from({ length: 10 }, () => 60_000) }, { retryDelays: [] }];
    for (const [index, options] of edges.entries()) expect(await codeOf(uploadMultipart(folder, `edge-${index}.bin`, bodyOf(6 * MIB), { partSize: 5 * MIB, ...options }))).toBe('ok');
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
