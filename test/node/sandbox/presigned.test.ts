// Issue 12, point 5: presigned URLs. @aws-sdk/s3-request-presigner's getSignedUrl, with credentials
// from the SDK's fromDelegation against the sandbox, makes URLs that S3 honours for the signer's own
// folder only; tampered, expired or re-purposed ones are refused as S3 refuses them. The sandbox's
// clock is injected; nothing sleeps.
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../sandbox/server.mjs';
import { DelegationClient, fromDelegation } from '../../../src/index';
import { BUCKET, s3Client } from '../../support/s3';
import { s3Code, s3Element } from '../../support/signed-raw';

const MINUTE = 60_000;
let offset = 0;
/** The sandbox clock held at a time (`heldAt`) instead of following the real one. */
let heldAt: number | undefined;
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let bob: ReturnType<typeof s3Client>;
const issued: { secretAccessKey: string; sessionToken: string }[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, now: () => (heldAt ?? Date.now()) + offset });
  const client = new DelegationClient({ clientID: sandbox.config.clientID, domain: sandbox.authUrl });
  const provider = fromDelegation(client, { idToken: await sandbox.identity.issue('auth0|bob') });
  bob = s3Client(sandbox.s3Url, async () => {
    const credentials = await provider();
    issued.push({ secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken! });
    return credentials;
  });
  await bob.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'auth0|bob/photo.txt', Body: 'bob photo' }));
  await s3Client(sandbox.s3Url, await keysOf('auth0|alice')).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/secret.txt', Body: 'alice secret' }));
});
afterEach(() => {
  offset = 0;
  heldAt = undefined;
});
afterAll(() => sandbox?.stop());

async function keysOf(sub: string) {
  const client = new DelegationClient({ clientID: sandbox.config.clientID, domain: sandbox.authUrl });
  return client.getCredentials({ idToken: await sandbox.identity.issue(sub) });
}

const getUrl = (key: string, expiresIn = 300) => getSignedUrl(bob, new GetObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn });
/** A fetch that reports status, S3 error code and body, and checks that no secret is in the body. */
async function open(url: string, init: RequestInit = {}) {
  const response = await fetch(url, init);
  const body = await response.text();
  for (const { secretAccessKey, sessionToken } of issued) {
    expect(body).not.toContain(secretAccessKey);
    expect(body).not.toContain(sessionToken);
  }
  return { status: response.status, code: s3Code(body), body };
}

describe('a presigned URL from getSignedUrl with fromDelegation credentials', () => {
  it("opens Bob's own file with no credentials of the opener's", async () => {
    const answer = await open(await getUrl('auth0|bob/photo.txt'));
    expect(answer).toMatchObject({ status: 200, body: 'bob photo' });
  });

  it('uploads into his folder with a presigned PUT', async () => {
    const url = await getSignedUrl(bob, new PutObjectCommand({ Bucket: BUCKET, Key: 'auth0|bob/upload.txt' }), { expiresIn: 300 });
    expect((await open(url, { method: 'PUT', body: 'via presigned PUT' })).status).toBe(200);
    expect(await (await bob.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'auth0|bob/upload.txt' }))).Body!.transformToString()).toBe('via presigned PUT');
  });

  it("is refused for Alice's folder (AccessDenied), as his S3 calls are", async () => {
    expect(await open(await getUrl('auth0|alice/secret.txt'))).toMatchObject({ status: 403, code: 'AccessDenied' });
    const put = await getSignedUrl(bob, new PutObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/planted.txt' }), { expiresIn: 300 });
    expect(await open(put, { method: 'PUT', body: 'x' })).toMatchObject({ status: 403, code: 'AccessDenied' });
  });

  it('is refused once tampered with: signature, key or method (SignatureDoesNotMatch)', async () => {
    const url = new URL(await getUrl('auth0|bob/photo.txt'));
    const signature = url.searchParams.get('X-Amz-Signature')!;
    const flipped = new URL(url);
    flipped.searchParams.set('X-Amz-Signature', `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`);
    expect(await open(flipped.href)).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    const otherKey = new URL(url);
    otherKey.pathname = otherKey.pathname.replace('photo.txt', 'upload.txt');
    expect(await open(otherKey.href)).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(await open(url.href, { method: 'PUT', body: 'replaced' })).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(await open(url.href, { method: 'DELETE' })).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(await open(url.href)).toMatchObject({ status: 200, body: 'bob photo' });
  });

  it('is refused after X-Amz-Expires (AccessDenied "Request has expired"), and works until then (control)', async () => {
    const url = await getUrl('auth0|bob/photo.txt', 120);
    // From the URL's own X-Amz-Date (whole seconds), held: real time passing between signing and
    // opening (seconds on a busy machine) must not eat into the one second this control has.
    heldAt = Date.parse(new URL(url).searchParams.get('X-Amz-Date')!.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
    expect(heldAt).not.toBeNaN();
    offset = 119_000;
    expect((await open(url)).status).toBe(200);
    offset = 2 * MINUTE + 1_000;
    const expired = await open(url);
    expect(expired).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect(s3Element(expired.body, 'Message')).toBe('Request has expired');
    expect(s3Element(expired.body, 'X-Amz-Expires')).toBe('120');
  });

  it('is refused before its X-Amz-Date, beyond the 15 minutes of tolerated skew', async () => {
    const url = await getUrl('auth0|bob/photo.txt');
    offset = -20 * MINUTE;
    expect(await open(url)).toMatchObject({ status: 403, code: 'AccessDenied' });
  });

  it('is refused with a session token other than the one issued with the key (InvalidToken)', async () => {
    const url = new URL(await getUrl('auth0|bob/photo.txt'));
    url.searchParams.set('X-Amz-Security-Token', `${url.searchParams.get('X-Amz-Security-Token')}x`);
    expect(await open(url.href)).toMatchObject({ status: 400, code: 'InvalidToken' });
    url.searchParams.delete('X-Amz-Security-Token');
    expect(await open(url.href)).toMatchObject({ status: 400, code: 'InvalidToken' });
  });

  it('is refused when mixed with an Authorization header (only one auth mechanism)', async () => {
    const url = await getUrl('auth0|bob/photo.txt');
    const answer = await open(url, { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=' + '0'.repeat(64) } });
    expect(answer).toMatchObject({ status: 400, code: 'InvalidArgument' });
  });

  it('is refused with a lifetime over a week, or a missing parameter (AuthorizationQueryParametersError)', async () => {
    const url = new URL(await getUrl('auth0|bob/photo.txt'));
    const long = new URL(url);
    long.searchParams.set('X-Amz-Expires', '604801');
    expect(await open(long.href)).toMatchObject({ status: 400, code: 'AuthorizationQueryParametersError' });
    const missing = new URL(url);
    missing.searchParams.delete('X-Amz-SignedHeaders');
    expect(await open(missing.href)).toMatchObject({ status: 400, code: 'AuthorizationQueryParametersError' });
  });

  it('serves a download name with ResponseContentDisposition (share links)', async () => {
    const url = await getSignedUrl(bob, new GetObjectCommand({ Bucket: BUCKET, Key: 'auth0|bob/photo.txt', ResponseContentDisposition: 'attachment; filename="photo.txt"' }), { expiresIn: 60 });
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="photo.txt"');
  });

  it("copies only what he may read: a presigned CopyObject from Alice's file is AccessDenied, from his own works", async () => {
    const copy = (source: string, key: string) => getSignedUrl(bob, new CopyObjectCommand({ Bucket: BUCKET, Key: key, CopySource: source }), { expiresIn: 60 });
    expect(await open(await copy(`${BUCKET}/auth0%7Calice/secret.txt`, 'auth0|bob/stolen.txt'), { method: 'PUT' })).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect((await open(await copy(`${BUCKET}/auth0%7Cbob/photo.txt`, 'auth0|bob/photo-copy.txt'), { method: 'PUT' })).status).toBe(200);
    expect(await (await bob.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'auth0|bob/photo-copy.txt' }))).Body!.transformToString()).toBe('bob photo');
  });

  it('is refused once the key it was signed with has expired (ExpiredToken), though the URL has not', async () => {
    const url = new URL(await getUrl('auth0|bob/photo.txt', 7_200));
    const key = sandbox.keys.get(url.searchParams.get('X-Amz-Credential')!.split('/')[0]!)!;
    offset = key.expiresAt - Date.now() + 1_000;
    expect(await open(url.href)).toMatchObject({ status: 400, code: 'ExpiredToken' });
  });

  it('deletes with a presigned DELETE of his own file (and only that method)', async () => {
    await bob.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'auth0|bob/gone.txt', Body: 'x' }));
    const url = await getSignedUrl(bob, new DeleteObjectCommand({ Bucket: BUCKET, Key: 'auth0|bob/gone.txt' }), { expiresIn: 60 });
    expect((await open(url)).status).toBe(403);
    expect((await open(url, { method: 'DELETE' })).status).toBe(204);
  });
});
