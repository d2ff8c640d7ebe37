// The S3 script bundle in each engine (Chromium, Firefox ESR, WebKitGTK): the browser build of client-s3
// and lib-storage, signing with delegated credentials, cross-origin (CORS) against the local verifying S3
// started in Node.
import { HttpResponse, http } from 'msw';
import { afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import s3BundleUrl from '../../dist/auth0-aws-delegation.s3.umd.min.js?url';
import { CLIENT_ID, DOMAIN, delegationEndpoint, jsonResponse } from '../support/delegation-endpoint';
import { makeIdToken } from '../support/tokens';
import type { PoolKey } from './global-setup';
import { useWorker, worker } from './worker';

useWorker();

type Sdk = typeof import('../../src/entries/s3-umd');
const { url: s3Url, pool, expired } = inject('s3');
const BUCKET = 'uploads';
const MINUTE = 60_000;
const alice = makeIdToken({ sub: 'auth0|alice', exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });
let sdk: Sdk;
let nextKey = 0;

beforeAll(async () => {
  await new Promise<void>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = s3BundleUrl;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error('could not load the S3 bundle'));
    document.head.append(script);
  });
  sdk = (window as unknown as { Auth0AwsDelegation: Sdk }).Auth0AwsDelegation;
});
afterEach(() => vi.useRealTimers());

/** The Auth0 stand-in: each answer hands out the next pool key (or the given ones), valid one hour. */
function issuing(keys?: PoolKey[]) {
  const queue = keys ? [...keys] : undefined;
  return delegationEndpoint(() => {
    const key = queue?.shift() ?? pool[nextKey++ % pool.length]!;
    return jsonResponse({
      Credentials: { AccessKeyId: key.accessKeyId, SecretAccessKey: key.secretAccessKey, SessionToken: key.sessionToken, Expiration: new Date(Date.now() + 60 * MINUTE).toISOString() },
      Subject: 'auth0|alice',
    });
  });
}

function setup(keys?: PoolKey[]) {
  const endpoint = issuing(keys);
  worker.use(endpoint.handler);
  const client = new sdk.DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, retries: 0 });
  return { endpoint, client, s3: (credentials: unknown = sdk.fromDelegation(client, { idToken: alice })) => new sdk.S3Client({ region: 'us-east-1', endpoint: s3Url, forcePathStyle: true, maxAttempts: 1, credentials: credentials as never }) };
}

const outcome = (promise: Promise<unknown>): Promise<string> => promise.then(() => 'ok', (error: { name?: string }) => error.name ?? 'unnamed');

describe('S3 from the page with delegated credentials', () => {
  it('puts a File, lists, gets the same bytes and deletes', async () => {
    const { s3, endpoint } = setup();
    const client = s3();
    const file = new File(['hello from the browser \u2713'], 'hello.txt', { type: 'text/plain' });
    const key = `auth0|alice/browser/${crypto.randomUUID()} hello.txt`;
    await client.send(new sdk.PutObjectCommand({ Bucket: BUCKET, Key: key, Body: file, ContentType: file.type }));
    const listed = await client.send(new sdk.ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'auth0|alice/browser/' }));
    expect(listed.Contents?.some((object) => object.Key === key)).toBe(true);
    const got = await client.send(new sdk.GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(await got.Body?.transformToString()).toBe('hello from the browser \u2713');
    expect(got.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    await client.send(new sdk.DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(await outcome(client.send(new sdk.HeadObjectCommand({ Bucket: BUCKET, Key: key })))).toBe('NotFound');
    expect(endpoint.requests).toHaveLength(1);
  });

  it('uploads a 6 MB Blob in parts with Upload (multipart)', async () => {
    const { s3 } = setup();
    const client = s3();
    const bytes = new Uint8Array(6 * 1024 * 1024).map((_, index) => index % 251);
    const parts: number[] = [];
    const upload = new sdk.Upload({ client, params: { Bucket: BUCKET, Key: 'auth0|alice/big.bin', Body: new Blob([bytes]) }, partSize: 5 * 1024 * 1024, queueSize: 2 });
    upload.on('httpUploadProgress', (progress) => parts.push(progress.part ?? 0));
    await upload.done();
    expect(new Set(parts)).toEqual(new Set([1, 2]));
    const got = await client.send(new sdk.GetObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/big.bin' }));
    const back = await got.Body!.transformToByteArray();
    expect(back.length).toBe(bytes.length);
    expect(back.every((value, index) => value === bytes[index])).toBe(true);
  });

  it("uploads in parts with the AWS SDK's default checksums: the bucket's CORS exposes each part's x-amz-checksum-crc32, which completion lists", async () => {
    // WHEN_SUPPORTED (the AWS SDK's default) creates the upload with CRC32; S3 then refuses a completion
    // without every part's checksum, which lib-storage reads from UploadPart's answer: hidden by CORS
    // unless the bucket exposes it (aws/aws-sdk-js-v3#6818). Bytes: a Blob body fails in the SDK itself.
    const { s3, client: delegation } = setup();
    const client = s3();
    const checksummed = new sdk.S3Client({ region: 'us-east-1', endpoint: s3Url, forcePathStyle: true, maxAttempts: 1, credentials: sdk.fromDelegation(delegation, { idToken: alice }), requestChecksumCalculation: 'WHEN_SUPPORTED' });
    const bytes = new Uint8Array(6 * 1024 * 1024).map((_, index) => index % 253);
    const Key = 'auth0|alice/big-crc32.bin';
    await new sdk.Upload({ client: checksummed, params: { Bucket: BUCKET, Key, Body: bytes }, partSize: 5 * 1024 * 1024, queueSize: 2 }).done();
    const back = await (await client.send(new sdk.GetObjectCommand({ Bucket: BUCKET, Key }))).Body!.transformToByteArray();
    expect(back.length).toBe(bytes.length);
    expect(back.every((value, index) => value === bytes[index])).toBe(true);
  });

  it('makes one delegation request for 3 S3Clients and 100 concurrent sends', async () => {
    const { s3, client, endpoint } = setup();
    const provider = sdk.fromDelegation(client, { idToken: alice });
    const clients = [s3(provider), s3(provider), s3(sdk.fromDelegation(client, { idToken: alice }))];
    const results = await Promise.all(Array.from({ length: 100 }, (_, index) => outcome(clients[index % 3]!.send(new sdk.PutObjectCommand({ Bucket: BUCKET, Key: `auth0|alice/many/${index}`, Body: `${index}` })))));
    expect(results.filter((result) => result !== 'ok')).toEqual([]);
    expect(endpoint.requests).toHaveLength(1);
  });

  it('rolls over under continuous traffic with zero failures: 4 delegation requests in 3 hours', async () => {
    const start = Date.now();
    vi.useFakeTimers({ now: start, toFake: ['Date'] });
    const { s3, endpoint } = setup();
    const clients = [s3(), s3()];
    const results: string[] = [];
    for (let minute = 0; minute <= 180; minute += 10) {
      vi.setSystemTime(start + minute * MINUTE);
      results.push(...(await Promise.all(Array.from({ length: 6 }, (_, index) => outcome(clients[index % 2]!.send(new sdk.PutObjectCommand({ Bucket: BUCKET, Key: `auth0|alice/roll/${minute}-${index}`, Body: 'x' })))))));
    }
    expect(results.filter((result) => result !== 'ok')).toEqual([]);
    expect(endpoint.requests).toHaveLength(4);
  });
});

describe('user switch, sign-out and a failing refresh in the page', () => {
  const bob = makeIdToken({ sub: 'auth0|bob', exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });
  const put = (client: InstanceType<Sdk['S3Client']>, key: string) => outcome(client.send(new sdk.PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'x' })));

  it('asks again for a new user, and after clearCache on sign-out', async () => {
    const { s3, client, endpoint } = setup();
    let token = alice;
    const s3Client = s3(sdk.fromDelegation(client, { idToken: () => token }));
    expect(await put(s3Client, 'auth0|alice/u1')).toBe('ok');
    token = bob;
    expect(await put(s3Client, 'auth0|bob/u1')).toBe('ok');
    expect(endpoint.requests.map((request) => request.body['id_token'])).toEqual([alice, bob]);
    client.clearCache();
    expect(await put(s3Client, 'auth0|bob/u2')).toBe('ok');
    expect(endpoint.requests).toHaveLength(3);
  });

  it('keeps S3 working on the previous credentials while the refresh fails, and reports it once', async () => {
    const start = Date.now();
    vi.useFakeTimers({ now: start, toFake: ['Date'] });
    const { s3, client } = setup();
    const reported: unknown[] = [];
    const s3Client = s3(sdk.fromDelegation(client, { idToken: alice, onRefreshError: (error) => reported.push(error) }));
    expect(await put(s3Client, 'auth0|alice/f0')).toBe('ok');
    worker.use(http.post(`https://${DOMAIN}/delegation`, () => new HttpResponse(null, { status: 503 })));
    vi.setSystemTime(start + 51 * MINUTE);
    expect(await Promise.all([put(s3Client, 'auth0|alice/f1'), put(s3Client, 'auth0|alice/f2')])).toEqual(['ok', 'ok']);
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({ code: 'server_error', status: 503 });
  });
});

describe('negative controls and ExpiredToken recovery in the page', () => {
  it('wrong secret -> SignatureDoesNotMatch; no session token -> InvalidToken; the right key -> ok', async () => {
    const { s3 } = setup();
    const key = pool[pool.length - 1]!;
    const put = (credentials: object) => outcome(s3(credentials).send(new sdk.PutObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/neg', Body: 'x' })));
    expect(await put({ ...key, secretAccessKey: `${key.secretAccessKey}x` })).toBe('SignatureDoesNotMatch');
    expect(await put({ accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey })).toBe('InvalidToken');
    expect(await put(key)).toBe('ok');
  });

  // A key S3 no longer knows (a revoked session) is refused like an expired one.
  const unknownKey: PoolKey = { accessKeyId: 'ASIANOSUCHKEY0000000', secretAccessKey: 'unknown-secret', sessionToken: 'unknown-session' };
  it.each([['ExpiredToken', expired], ['InvalidAccessKeyId', unknownKey]] as const)('%s fails without the plugin, and is recovered by it with one more delegation request', async (code, refused) => {
    const bare = setup([refused]);
    expect(await outcome(bare.s3().send(new sdk.PutObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/exp', Body: 'x' })))).toBe(code);
    worker.resetHandlers();
    const { s3, endpoint } = setup([refused]);
    const client = s3();
    client.middlewareStack.use(sdk.getExpiredTokenRecoveryPlugin(client.config));
    expect(await outcome(client.send(new sdk.PutObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/exp', Body: new Blob(['x']) })))).toBe('ok');
    expect(endpoint.requests).toHaveLength(2);
  });
});
