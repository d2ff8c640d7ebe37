// Issue 12, point 6: the sandbox's rate limit and errors as Auth0 and AWS give them. The rate limit runs
// on the sandbox's injected clock (no sleeping for a minute); a failure inside a listener is that
// service's own 5xx shape without the failure's text; a bad request is a 4xx in that shape.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { issueKey } from '../../../sandbox/issue.mjs';
import { startS3Gate } from '../../../sandbox/s3-gate.mjs';
import { startSandbox } from '../../../sandbox/server.mjs';
import { rawRequest, requestBytes } from '../../support/raw-http';
import { BUCKET, s3Client } from '../../support/s3';
import { s3Code, s3Element } from '../../support/signed-raw';

let offset = 0;
/** The sandbox clock held still (from `hold()`): no wall-clock time passes between a test's requests. */
let heldAt: number | undefined;
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
beforeAll(async () => {
  sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, now: () => (heldAt ?? Date.now()) + offset });
});
afterEach(() => {
  offset = 0;
  heldAt = undefined;
});
afterAll(() => sandbox?.stop());

const delegate = async (idToken: string) =>
  fetch(`${sandbox.authUrl}/delegation`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: sandbox.config.clientID, grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', target: sandbox.config.clientID, api_type: 'aws', id_token: idToken }),
  });

describe("the Auth0 stand-in's rate limit, on the sandbox clock", () => {
  it('allows 10 a minute, answers 429 as Auth0 does, and lets the user in again a minute later', async () => {
    const idToken = await sandbox.identity.issue('auth0|clock');
    // Held: on a busy machine the ten requests took seconds of real time, and the wait named shrank with them.
    heldAt = Date.now();
    const statuses = [];
    for (let index = 0; index < 10; index++) statuses.push((await delegate(idToken)).status);
    expect(statuses).toEqual(Array.from({ length: 10 }, () => 200));
    const limited = await delegate(idToken);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ error: 'too_many_requests', error_description: expect.any(String) });
    expect(Number(limited.headers.get('retry-after'))).toBe(60);
    expect(limited.headers.get('x-ratelimit-limit')).toBe('10');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    offset = 30_000;
    const later = await delegate(idToken);
    expect(later.status).toBe(429);
    expect(Number(later.headers.get('retry-after'))).toBe(30);
    offset = 61_000;
    expect((await delegate(idToken)).status).toBe(200);
  });
});

describe('a request target that is not a path', () => {
  it("gets the Auth0 stand-in's 400 invalid_request, not a 500", async () => {
    const answer = await rawRequest(Number(new URL(sandbox.authUrl).port), requestBytes('GET', '//[', [['host', 'x']]));
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'invalid_request' });
  });
});

describe('a failure inside the S3 gate', () => {
  it("is S3's 500 InternalError, without the failure's own text; the next request is served", async () => {
    let fail = true;
    const keys = new Map();
    const gate = await startS3Gate({
      keys,
      authorize: () => {
        if (fail) throw new Error('policy store unreachable at 10.0.0.7');
        return true;
      },
    });
    try {
      const { accessKeyId, secretAccessKey, sessionToken } = issueKey(keys, { subject: 'auth0|x', expiresAt: Date.now() + 3_600_000 });
      const s3 = s3Client(gate.url, { accessKeyId, secretAccessKey, sessionToken });
      const failed = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'auth0|x/a.txt', Body: 'a' })).then(
        () => undefined,
        (error: { name: string; $metadata: { httpStatusCode: number }; message: string }) => error,
      );
      expect(failed).toMatchObject({ name: 'InternalError', $metadata: { httpStatusCode: 500 } });
      expect(failed!.message).not.toContain('10.0.0.7');
      const raw = await fetch(`${gate.url}/uploads/x`, { headers: { authorization: 'AWS4-HMAC-SHA256 nonsense' } });
      expect(s3Code(await raw.text())).toBe('AuthorizationHeaderMalformed');
      fail = false;
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'auth0|x/a.txt', Body: 'a' }));
    } finally {
      await gate.stop();
    }
  });

  it('answers S3 errors with the x-amz-request-id header that the body names', async () => {
    const answer = await fetch(`${sandbox.s3Url}/uploads/auth0%7Cx/a.txt`);
    const body = await answer.text();
    expect(answer.status).toBe(403);
    expect(answer.headers.get('content-type')).toBe('application/xml');
    expect(s3Code(body)).toBe('AccessDenied');
    expect(answer.headers.get('x-amz-request-id')).toBe(s3Element(body, 'RequestId'));
  });
});
