// Issue 12, point 4: SigV4 as S3 checks it. The credential scope must name the service s3 and the
// configured region, and a request signed more than 15 minutes away from the server's clock is
// RequestTimeTooSkewed, in S3's XML. The gate's clock is injected; nothing sleeps.
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPolicyGate } from '../../support/policy-gate';
import { BUCKET, s3Client } from '../../support/s3';
import { s3Code, s3Element, sendSigned, signHeaders } from '../../support/signed-raw';
import type { Credentials, RawS3Request } from '../../support/signed-raw';
import { rawRequest, requestBytes } from '../../support/raw-http';

const MINUTE = 60_000;
/** How far the gate's clock is from the real one; the signer uses the real clock. */
let offset = 0;
/** The gate's clock held still (instead of following the real one) where a test signs at a time it names. */
let heldAt: number | undefined;
let setup: Awaited<ReturnType<typeof startPolicyGate>>;
let alice: Credentials;

beforeAll(async () => {
  setup = await startPolicyGate({ now: () => (heldAt ?? Date.now()) + offset });
  alice = setup.user('auth0|alice').credentials;
  await s3Client(setup.gate.url, alice).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/a.txt', Body: 'a' }));
});
afterEach(() => {
  offset = 0;
  heldAt = undefined;
});
afterAll(() => setup?.stop());

const GET_OWN: RawS3Request = { method: 'GET', path: '/uploads/auth0%7Calice/a.txt' };
const outcome = (promise: Promise<unknown>): Promise<string> => promise.then(() => 'ok', (error: { name?: string }) => error.name ?? 'unnamed');

describe('the credential scope', () => {
  it('refuses a signature for another service (AuthorizationHeaderMalformed); s3 passes (control)', async () => {
    const sts = await sendSigned(setup.gate.url, GET_OWN, { credentials: alice, service: 'sts' });
    expect(sts.status).toBe(400);
    expect(s3Code(sts.body)).toBe('AuthorizationHeaderMalformed');
    expect(sts.body).toContain('This endpoint belongs to "s3"');
    expect((await sendSigned(setup.gate.url, GET_OWN, { credentials: alice, service: 's3' })).status).toBe(200);
  });

  it('refuses a signature for another region, naming the expected one; us-east-1 passes (control)', async () => {
    const other = await sendSigned(setup.gate.url, GET_OWN, { credentials: alice, region: 'eu-west-1' });
    expect(other.status).toBe(400);
    expect(s3Code(other.body)).toBe('AuthorizationHeaderMalformed');
    expect(s3Element(other.body, 'Region')).toBe('us-east-1');
    const sdk = s3Client(setup.gate.url, alice, { region: 'eu-west-1' });
    expect(await outcome(sdk.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/a.txt' })))).toBe('AuthorizationHeaderMalformed');
    expect(await outcome(s3Client(setup.gate.url, alice).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/a.txt' })))).toBe('ok');
  });

  it('refuses a credential date that is not the day of x-amz-date', async () => {
    const port = Number(new URL(setup.gate.url).port);
    const headers = await signHeaders(port, GET_OWN, { credentials: alice });
    const day = /Credential=[^/]+\/(\d{8})\//.exec(headers['authorization']!)![1]!;
    headers['authorization'] = headers['authorization']!.replace(`/${day}/`, '/20200101/');
    const answer = await rawRequest(port, requestBytes('GET', GET_OWN.path, Object.entries(headers)));
    expect(answer.status).toBe(400);
    expect(s3Code(answer.body)).toBe('AuthorizationHeaderMalformed');
  });
});

describe('the request time', () => {
  it.each([
    ['20 minutes behind', 20 * MINUTE],
    ['20 minutes ahead', -20 * MINUTE],
    ['three years off', 3 * 365 * 24 * 60 * MINUTE],
  ])('refuses a request signed %s of the server clock with 403 RequestTimeTooSkewed', async (_name, gateAhead) => {
    // Signed at the gate's held time: the ServerTime named is then exact, with no real time in between.
    heldAt = Date.now();
    offset = gateAhead;
    const answer = await sendSigned(setup.gate.url, GET_OWN, { credentials: alice, signingDate: new Date(heldAt) });
    expect(answer.status).toBe(403);
    expect(answer.headers['content-type']).toBe('application/xml');
    expect(s3Code(answer.body)).toBe('RequestTimeTooSkewed');
    expect(s3Element(answer.body, 'Message')).toBe('The difference between the request time and the current time is too large.');
    expect(s3Element(answer.body, 'MaxAllowedSkewMilliseconds')).toBe('900000');
    expect(s3Element(answer.body, 'RequestTime')).toMatch(/^\d{8}T\d{6}Z$/);
    expect(s3Element(answer.body, 'ServerTime')).toBe(new Date(heldAt + gateAhead).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  });

  it('accepts 14 minutes either way (control)', async () => {
    // Held, as above: 14 minutes off the signing time, not 14 minutes plus however long the machine took.
    heldAt = Date.now();
    for (const gateAhead of [14 * MINUTE, -14 * MINUTE]) {
      offset = gateAhead;
      expect((await sendSigned(setup.gate.url, GET_OWN, { credentials: alice, signingDate: new Date(heldAt) })).status).toBe(200);
    }
  });

  it('refuses a request without a valid x-amz-date (AccessDenied)', async () => {
    const port = Number(new URL(setup.gate.url).port);
    const headers = await signHeaders(port, GET_OWN, { credentials: alice });
    headers['x-amz-date'] = 'yesterday';
    const answer = await rawRequest(port, requestBytes('GET', GET_OWN.path, Object.entries(headers)));
    expect(answer.status).toBe(403);
    expect(s3Code(answer.body)).toBe('AccessDenied');
  });

  it('lets the AWS SDK correct its clock from the answer and succeed on its retry, as with S3', async () => {
    offset = 20 * MINUTE;
    const once = s3Client(setup.gate.url, alice);
    expect(await outcome(once.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/a.txt' })))).toBe('RequestTimeTooSkewed');
    const retrying = s3Client(setup.gate.url, alice, { maxAttempts: 2 });
    expect(await outcome(retrying.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/a.txt' })))).toBe('ok');
  });
});

describe('errors as S3 gives them', () => {
  it('carries x-amz-request-id, the same RequestId in the body, and no secret', async () => {
    const answer = await sendSigned(setup.gate.url, GET_OWN, { credentials: { ...alice, secretAccessKey: `${alice.secretAccessKey}x` } });
    expect(answer.status).toBe(403);
    expect(s3Code(answer.body)).toBe('SignatureDoesNotMatch');
    expect(answer.headers['x-amz-request-id']).toBe(s3Element(answer.body, 'RequestId'));
    for (const secret of [alice.secretAccessKey, alice.sessionToken!]) expect(answer.body).not.toContain(secret);
  });
});
