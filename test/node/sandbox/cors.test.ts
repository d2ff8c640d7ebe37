// The bucket's CORS as S3 applies it (sandbox/s3-cors.mjs; S3 User Guide, "How does Amazon S3 evaluate
// the CORS configuration on a bucket?" and "Testing CORS"): a preflight is matched against the rules'
// origins, methods and allowed headers, and one no rule matches is 403 AccessForbidden ("CORSResponse:
// This CORS request is not allowed..."); an answer exposes the matched rule's ExposedHeaders only. Before,
// the gate answered every preflight 200 with every method (PATCH too, from any origin, without one), and
// exposed x-amz-version-id and x-amz-delete-marker, which deploy/*.yaml's buckets do not.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketCors } from '../../../sandbox/template-cors.mjs';
import { startPolicyGate } from '../../support/policy-gate';
import { BUCKET } from '../../support/s3';
import { s3Code, s3Element } from '../../support/signed-raw';

const APP = 'https://app.example';
/** deploy/*.yaml's rules, for the app's origin: what the sandbox applies. */
const DEPLOYED = bucketCors({ bucket: BUCKET, auth0Domain: 'tenant.auth0.com', clientID: 'sandbox-client', allowedOrigins: [APP] });

let setup: Awaited<ReturnType<typeof startPolicyGate>>;
let narrow: Awaited<ReturnType<typeof startPolicyGate>>;
beforeAll(async () => {
  setup = await startPolicyGate({ cors: DEPLOYED });
  // A rule narrower than deploy/'s: any origin, PUT only, two header patterns.
  narrow = await startPolicyGate({ cors: [{ AllowedOrigins: ['*'], AllowedMethods: ['PUT'], AllowedHeaders: ['Content-Type', 'x-amz-*'] }] });
  await setup.user('auth0|alice').s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/a.txt', Body: 'a' }));
});
afterAll(async () => {
  await setup?.stop();
  await narrow?.stop();
});

const preflight = (gate: { url: string }, headers: Record<string, string>) => fetch(`${gate.url}/uploads/auth0%7Calice/a.txt`, { method: 'OPTIONS', headers });

describe("a preflight, against deploy/*.yaml's rule", () => {
  it('from an origin the rule does not list is refused: 403 AccessForbidden, in S3 XML, no CORS headers', async () => {
    const answer = await preflight(setup.gate, { origin: 'https://evil.example', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-amz-date' });
    const body = await answer.text();
    expect([answer.status, s3Code(body), s3Element(body, 'Method'), s3Element(body, 'ResourceType')]).toEqual([403, 'AccessForbidden', 'PUT', 'OBJECT']);
    expect(s3Element(body, 'Message')).toMatch(/^CORSResponse: This CORS request is not allowed\./);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('for a method the rule does not allow (PATCH) is refused (403 AccessForbidden)', async () => {
    const answer = await preflight(setup.gate, { origin: APP, 'access-control-request-method': 'PATCH' });
    expect([answer.status, s3Code(await answer.text())]).toEqual([403, 'AccessForbidden']);
  });

  it('without Origin, or without Access-Control-Request-Method, is 400 BadRequest', async () => {
    expect((await preflight(setup.gate, { 'access-control-request-method': 'PUT' })).status).toBe(400);
    const noMethod = await preflight(setup.gate, { origin: APP });
    expect([noMethod.status, s3Code(await noMethod.text())]).toEqual([400, 'BadRequest']);
  });

  it("control: the app's origin, an allowed method and any headers ('*') get the rule's answer", async () => {
    const answer = await preflight(setup.gate, { origin: APP, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'Authorization,X-Amz-Date,x-amz-content-sha256,x-amz-security-token,amz-sdk-invocation-id' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe(APP);
    expect(answer.headers.get('access-control-allow-methods')).toBe('GET, PUT, POST, DELETE, HEAD');
    expect(answer.headers.get('access-control-allow-headers')).toBe('authorization, x-amz-date, x-amz-content-sha256, x-amz-security-token, amz-sdk-invocation-id');
    expect(answer.headers.get('access-control-max-age')).toBe('600');
  });
});

describe('a preflight, against a rule that lists its headers', () => {
  it('asking for a header no pattern matches is refused (403 AccessForbidden)', async () => {
    const answer = await preflight(narrow.gate, { origin: APP, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization, x-amz-date' });
    expect([answer.status, s3Code(await answer.text())]).toEqual([403, 'AccessForbidden']);
  });

  it('control: headers the patterns match (case aside, x-amz-* as a prefix) are allowed, for any origin (*)', async () => {
    const answer = await preflight(narrow.gate, { origin: 'https://any.example', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type, x-amz-date' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('access-control-allow-headers')).toBe('content-type, x-amz-date');
  });

  it('for a method the rule does not list (GET) is refused', async () => {
    expect((await preflight(narrow.gate, { origin: APP, 'access-control-request-method': 'GET' })).status).toBe(403);
  });
});

describe("an actual request's answer", () => {
  const get = (origin: string) => fetch(`${setup.gate.url}/uploads/auth0%7Calice/a.txt`, { headers: { origin } });

  it("exposes exactly the rule's ExposedHeaders (not x-amz-version-id, which deploy/*.yaml do not expose)", async () => {
    const answer = await get(APP);
    expect(answer.headers.get('access-control-allow-origin')).toBe(APP);
    expect(answer.headers.get('access-control-expose-headers')).toBe(DEPLOYED[0]!.ExposedHeaders!.join(', '));
    expect(answer.headers.get('access-control-expose-headers')).not.toContain('x-amz-version-id');
  });

  it('from an origin no rule lists carries no CORS headers (the browser hides it)', async () => {
    const answer = await get('https://evil.example');
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(answer.headers.get('access-control-expose-headers')).toBeNull();
  });
});
