// Issue 11, point 11: the ExpiredToken recovery plugin retries only a request whose body it can send
// again. A stream is read by the first attempt; "retrying" it sends nothing (a hang, or an empty object
// written over the real one). Such a request gets the original error, as the AWS SDK's own retry does.
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { FinalizeHandlerArguments, HandlerExecutionContext, InitializeHandler, MetadataBearer } from '@smithy/types';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startS3Gate } from '../../../sandbox/s3-gate.mjs';
import { DelegationClient, fromDelegation, getExpiredTokenRecoveryPlugin } from '../../../src/index';
import { CLIENT_ID, DOMAIN } from '../../support/delegation-endpoint';
import { issuingEndpoint } from '../../support/issuer';
import { BUCKET, s3Client } from '../../support/s3';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';

const alice = makeIdToken({ sub: 'auth0|alice', exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });
let gate: Awaited<ReturnType<typeof startS3Gate>>;

beforeAll(async () => {
  gate = await startS3Gate();
});
afterAll(() => gate.stop());

/** The plugin's middleware alone, around a `next` that fails like S3 with `errors` in turn. */
function pluginAround(errors: unknown[]) {
  let middleware: ((next: InitializeHandler<object, MetadataBearer>, context: HandlerExecutionContext) => InitializeHandler<object, MetadataBearer>) | undefined;
  const credentials = vi.fn(async () => ({ accessKeyId: 'ASIANEW', secretAccessKey: 's', sessionToken: 't' }));
  getExpiredTokenRecoveryPlugin({ credentials }).applyToStack({ add: (fn: never) => (middleware = fn) } as never);
  const next = vi.fn(async () => {
    const error = errors.shift();
    if (error) throw error;
    return { output: { $metadata: {} } };
  });
  return { handler: middleware!(next as never, {}), next, credentials };
}

const expiredToken = () => Object.assign(new Error('The provided token has expired.'), { name: 'ExpiredToken' });

describe('the plugin on its own', () => {
  it.each<[string, () => unknown]>([
    ['a Node Readable', () => Readable.from(['a', 'b'])],
    ['a web ReadableStream', () => new ReadableStream({ start: (controller) => controller.close() })],
    ['an async iterable', () => ({ async *[Symbol.asyncIterator]() {
      yield 'a';
    } })],
  ])('%s body: the original ExpiredToken, no second attempt', async (_name, body) => {
    const original = expiredToken();
    const { handler, next } = pluginAround([original]);
    await expect(handler({ input: { Body: body() } } as FinalizeHandlerArguments<object>)).rejects.toBe(original);
    expect(next).toHaveBeenCalledTimes(1);
  });

  it.each<[string, () => unknown]>([
    ['no body', () => undefined],
    ['a string', () => 'text'],
    ['bytes', () => new Uint8Array([1, 2, 3])],
    ['an ArrayBuffer', () => new ArrayBuffer(3)],
    ['a Blob', () => new Blob(['blob'])],
  ])('negative control: %s is sent again after fresh credentials', async (_name, body) => {
    const { handler, next, credentials } = pluginAround([expiredToken()]);
    await expect(handler({ input: { Body: body() } } as FinalizeHandlerArguments<object>)).resolves.toBeDefined();
    expect(next).toHaveBeenCalledTimes(2);
    expect(credentials).toHaveBeenCalledWith(expect.objectContaining({ forceRefresh: true }));
  });
});

describe('with S3 behind the verifying gate', () => {
  const controllers: AbortController[] = [];
  afterEach(() => controllers.splice(0).forEach((controller) => controller.abort()));

  async function primed() {
    const endpoint = issuingEndpoint({ keys: gate.keys });
    server.use(endpoint.handler);
    const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN });
    const s3 = s3Client(gate.url, fromDelegation(client, { idToken: alice }));
    s3.middlewareStack.use(getExpiredTokenRecoveryPlugin(s3.config));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/warm.txt', Body: 'warm' }));
    for (const key of gate.keys.values()) key.expiresAt = Date.now() - 1;
    return { s3, endpoint };
  }

  const put = (s3: S3Client, key: string, body: unknown) => {
    // Ends the request if it hangs (the bug this guards against); aborted after the test in any case.
    const controller = new AbortController();
    controllers.push(controller);
    return s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body as string, ContentLength: 11 }), { abortSignal: controller.signal });
  };

  it('a stream body: ExpiredToken at once, one attempt at the gate, no empty object left behind', async () => {
    const { s3 } = await primed();
    const before = { ...gate.stats, rejected: { ...gate.stats.rejected } };
    const error = await put(s3, 'auth0|alice/stream.txt', Readable.from([Buffer.from('hello world')])).catch((thrown: { name?: string }) => thrown);
    expect(error).toMatchObject({ name: 'ExpiredToken' });
    expect(gate.stats.requests - before.requests).toBe(1);
    expect((gate.stats.rejected['ExpiredToken'] ?? 0) - (before.rejected['ExpiredToken'] ?? 0)).toBe(1);
    // The refused credentials were dropped: the next request is signed with fresh ones.
    const read = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/stream.txt' })).catch((thrown: { name?: string }) => thrown);
    expect(read).toMatchObject({ name: 'NoSuchKey' });
  }, 30_000);

  it('negative control: the same request with a string body is retried and stored', async () => {
    const { s3 } = await primed();
    await put(s3, 'auth0|alice/string.txt', 'hello world');
    const read = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/string.txt' }));
    expect(await read.Body?.transformToString()).toBe('hello world');
  });
});
