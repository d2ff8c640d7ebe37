// The gate attacked by a holder of valid keys, beyond the path: duplicate headers, two auth mechanisms
// at once, a target that is not a path, duplicate query parameters, response header injection and
// unicode. Each refusal sits next to the request that works.
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPolicyGate } from '../../support/policy-gate';
import { rawRequest, requestBytes } from '../../support/raw-http';
import { BUCKET } from '../../support/s3';
import { presignQuery, s3Code, sendSigned, signHeaders, wireQuery } from '../../support/signed-raw';
import type { Credentials, RawS3Request } from '../../support/signed-raw';

let setup: Awaited<ReturnType<typeof startPolicyGate>>;
let port: number;
let mallory: Credentials;
let malloryS3: ReturnType<Awaited<ReturnType<typeof startPolicyGate>>['user']>['s3'];

beforeAll(async () => {
  setup = await startPolicyGate();
  port = Number(new URL(setup.gate.url).port);
  ({ credentials: mallory, s3: malloryS3 } = setup.user('auth0|mallory'));
  await malloryS3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'auth0|mallory/own.txt', Body: 'mine' }));
});
afterAll(() => setup?.stop());

const OWN: RawS3Request = { method: 'GET', path: '/uploads/auth0%7Cmallory/own.txt' };
/** Signs `request`, then sends it with the signed headers plus `extra` lines. */
async function sendWith(request: RawS3Request, extra: [string, string][]) {
  const headers = await signHeaders(port, request, { credentials: mallory });
  return rawRequest(port, requestBytes(request.method, `${request.path}${wireQuery(request.query ?? [])}`, [...Object.entries(headers), ...extra]));
}

describe('duplicate headers', () => {
  it.each([
    ['x-amz-date', '20200101T000000Z'],
    ['x-amz-security-token', 'other'],
    ['authorization', 'AWS4-HMAC-SHA256 Credential=ASIAOTHER/20200101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=' + '0'.repeat(64)],
    ['x-amz-copy-source', '/uploads/auth0%7Cbob/diary.txt'],
  ])('refuses a second %s header (InvalidArgument); the signed request alone works (control)', async (name, value) => {
    const request = name === 'x-amz-copy-source' ? { method: 'PUT', path: '/uploads/auth0%7Cmallory/copy.txt', headers: { 'x-amz-copy-source': '/uploads/auth0%7Cmallory/own.txt' } } : OWN;
    const doubled = await sendWith(request, [[name, value]]);
    expect(doubled.status).toBe(400);
    expect(s3Code(doubled.body)).toBe('InvalidArgument');
    expect((await sendWith(request, [])).status).toBe(200);
  });

  it('refuses a second Host header (InvalidArgument): Node keeps the first, s3rver could read a bucket from the other', async () => {
    const doubled = await sendWith(OWN, [['host', 'uploads']]);
    expect(doubled.status).toBe(400);
    expect(s3Code(doubled.body)).toBe('InvalidArgument');
  });
});

describe('auth mechanisms', () => {
  it('refuses a presigned query together with an Authorization header (InvalidArgument)', async () => {
    const query = await presignQuery(port, OWN, { credentials: mallory });
    const mixed = await sendWith({ ...OWN, query }, []);
    expect(mixed.status).toBe(400);
    expect(s3Code(mixed.body)).toBe('InvalidArgument');
    const alone = await rawRequest(port, requestBytes('GET', `${OWN.path}${wireQuery(query)}`, [['host', `127.0.0.1:${port}`]]));
    expect(alone.status).toBe(200);
    expect(alone.body).toBe('mine');
  });

  it('refuses signature version 2 (InvalidRequest)', async () => {
    const answer = await rawRequest(port, requestBytes('GET', `${OWN.path}?AWSAccessKeyId=${mallory.accessKeyId}&Expires=9999999999&Signature=x`, [['host', `127.0.0.1:${port}`]]));
    expect(answer.status).toBe(400);
    expect(s3Code(answer.body)).toBe('InvalidRequest');
  });

  it('keeps the presigned parameters for itself: a presigned URL with the method changed is SignatureDoesNotMatch', async () => {
    const query = await presignQuery(port, OWN, { credentials: mallory });
    const put = await rawRequest(port, requestBytes('PUT', `${OWN.path}${wireQuery(query)}`, [['host', `127.0.0.1:${port}`]], Buffer.from('overwritten')));
    expect(put.status).toBe(403);
    expect(s3Code(put.body)).toBe('SignatureDoesNotMatch');
    expect(await (await malloryS3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'auth0|mallory/own.txt' }))).Body!.transformToString()).toBe('mine');
  });
});

describe('the request target and the query', () => {
  it('refuses an absolute-form target, signed as it is sent (InvalidURI)', async () => {
    const answer = await sendSigned(setup.gate.url, { method: 'GET', path: `http://127.0.0.1:${port}/uploads/auth0%7Cmallory/own.txt` }, { credentials: mallory });
    expect(answer.status).toBe(400);
    expect(s3Code(answer.body)).toBe('InvalidURI');
  });

  it('refuses a query parameter given twice (a listing with two prefixes); one prefix lists (control)', async () => {
    const twice = await sendSigned(setup.gate.url, { method: 'GET', path: '/uploads', query: [['list-type', '2'], ['prefix', 'auth0|mallory/'], ['prefix', 'auth0|bob/']] }, { credentials: mallory });
    expect(twice.status).toBe(400);
    expect(s3Code(twice.body)).toBe('InvalidArgument');
    const once = await sendSigned(setup.gate.url, { method: 'GET', path: '/uploads', query: [['list-type', '2'], ['prefix', 'auth0|mallory/']] }, { credentials: mallory });
    expect(once.status).toBe(200);
    expect(once.body).toContain('<Key>auth0|mallory/own.txt</Key>');
  });

  it('applies response-* overrides to a signed GET, and refuses one that would split the header', async () => {
    const disposition = await sendSigned(setup.gate.url, { ...OWN, query: [['response-content-disposition', 'attachment; filename="own.txt"']] }, { credentials: mallory });
    expect(disposition.status).toBe(200);
    expect(disposition.headers['content-disposition']).toBe('attachment; filename="own.txt"');
    const split = await sendSigned(setup.gate.url, { ...OWN, query: [['response-content-type', 'text/html\r\nset-cookie: x=1']] }, { credentials: mallory });
    expect(split.status).toBe(400);
    expect(split.headers['set-cookie']).toBeUndefined();
  });

  it('takes x-amz-* query parameters as headers, as s3rver does, but none a header cannot hold', async () => {
    const put = (note: string) => sendSigned(setup.gate.url, { method: 'PUT', path: '/uploads/auth0%7Cmallory/meta.txt', query: [['x-amz-meta-note', note]], body: 'm' }, { credentials: mallory });
    expect((await put('line\r\nbreak')).status).toBe(400);
    expect((await put('fine')).status).toBe(200);
    const got = await sendSigned(setup.gate.url, { method: 'GET', path: '/uploads/auth0%7Cmallory/meta.txt' }, { credentials: mallory });
    expect(got.headers['x-amz-meta-note']).toBe('fine');
  });

  it('keeps error bodies well-formed XML whatever the request held (NUL in the credential scope)', async () => {
    const query = await presignQuery(port, OWN, { credentials: mallory, region: 'us-east-1\u0000<x>' });
    const answer = await rawRequest(port, requestBytes('GET', `${OWN.path}${wireQuery(query)}`, [['host', `127.0.0.1:${port}`]]));
    expect(answer.status).toBe(400);
    expect(s3Code(answer.body)).toBe('AuthorizationQueryParametersError');
    expect(answer.body.includes('\u0000')).toBe(false);
    expect(answer.body).not.toContain('<x>');
  });
});

describe('unicode', () => {
  it('stores and reads keys with accents and emoji in her folder', async () => {
    const key = 'auth0|mallory/naïve café 😀.txt';
    await malloryS3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'unicode' }));
    expect(await (await malloryS3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString()).toBe('unicode');
  });

  it("refuses a look-alike of her user id (fullwidth vertical line) as someone else's folder", async () => {
    const answer = await sendSigned(setup.gate.url, { method: 'PUT', path: `/uploads/${encodeURIComponent('auth0\uff5cmallory')}/x.txt`, body: 'x' }, { credentials: mallory });
    expect(answer.status).toBe(403);
    expect(s3Code(answer.body)).toBe('AccessDenied');
  });
});
