// Property-based tests (fast-check): whatever the endpoint answers, and whatever a caller passes, the
// SDK returns well-formed credentials or throws a DelegationError; never anything else.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DelegationClient, isDelegationError } from '../../src/index';
import type { AwsCredentials } from '../../src/index';
import { awsResult } from '../support/delegation-endpoint';
import { makeIdToken } from '../support/tokens';

const RUNS = 1_000;
const idToken = makeIdToken({ exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });
const PRE_REQUEST_CODES = ['invalid_configuration', 'missing_token', 'malformed_id_token', 'id_token_expired'];

/** A client whose endpoint answers `status` and `body` (retries off: the answer is all that matters). */
function answering(status: number, body: string): DelegationClient {
  const fetch: typeof globalThis.fetch = async () => new Response(body, { status, headers: { date: new Date().toUTCString() } });
  return new DelegationClient({ clientID: 'abc', domain: 'tenant.auth0.com', retries: 0, fetch });
}

function isWellFormed(credentials: AwsCredentials): boolean {
  const strings = [credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken];
  return strings.every((value) => typeof value === 'string' && value !== '') && credentials.expiration instanceof Date && credentials.expiration.getTime() > Date.now() && credentials.refreshAt.getTime() <= credentials.expiration.getTime();
}

const field = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constant('ASIAEXAMPLE'), fc.jsonValue());
const expiration = fc.oneof(
  fc.integer({ min: -86_400_000, max: 86_400_000 }).map((offset) => new Date(Date.now() + offset).toISOString()),
  fc.string(),
  fc.integer(),
  fc.constant(undefined),
);
const awsLike = fc
  .record({ AccessKeyId: field, SecretAccessKey: field, SessionToken: field, Expiration: expiration }, { requiredKeys: [] })
  .map((Credentials) => JSON.stringify({ ...awsResult(Date.now()), Credentials }));
const body = fc.oneof(awsLike, fc.jsonValue().map((value) => JSON.stringify(value) ?? ''), fc.string(), fc.constant(JSON.stringify(awsResult(Date.now()))));
const status = fc.integer({ min: 200, max: 599 }).filter((code) => ![204, 205, 304].includes(code));

describe('generated responses', () => {
  it(`${RUNS} bodies and statuses: well-formed credentials or a DelegationError`, async () => {
    let succeeded = 0;
    await fc.assert(
      fc.asyncProperty(status, body, async (code, text) => {
        const outcome = await answering(code, text).getCredentials({ idToken }).catch((error: unknown) => error);
        if (isDelegationError(outcome)) return true;
        succeeded++;
        return isWellFormed(outcome as AwsCredentials) && code >= 200 && code < 300;
      }),
      { numRuns: RUNS },
    );
    // Control: the generator does reach the success path, so the property is not vacuous.
    expect(succeeded).toBeGreaterThan(20);
  });
});

const anyOptions = fc.oneof(
  // Valid ones too, so that the property cannot pass by refusing everything.
  fc.record(
    { clientID: fc.string({ minLength: 1 }).filter((id) => id.trim() !== ''), domain: fc.constantFrom('tenant.auth0.com', 'https://login.example.com', 'http://[::1]:4000'), retries: fc.integer({ min: 0, max: 5 }), timeoutMs: fc.integer({ min: 1, max: 60_000 }) },
    { requiredKeys: ['clientID', 'domain'] },
  ),
  fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withTypedArray: true }),
  fc.record(
    {
      clientID: fc.oneof(fc.constant('abc'), fc.anything()),
      domain: fc.oneof(fc.constantFrom('tenant.auth0.com', 'http://127.0.0.1:4000', 'http://evil.example', 'https://x/y'), fc.string(), fc.anything()),
      refreshWindowMs: fc.oneof(fc.integer(), fc.double(), fc.anything()),
      timeoutMs: fc.oneof(fc.integer(), fc.anything()),
      retries: fc.oneof(fc.integer({ min: -2, max: 8 }), fc.anything()),
      maxRetryAfterMs: fc.anything(),
      now: fc.oneof(fc.constant(() => Date.now()), fc.anything()),
      clientId: fc.anything(),
    },
    { requiredKeys: [] },
  ),
);
const callOptions = fc.oneof(
  fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true }),
  fc.record(
    {
      id_token: fc.oneof(fc.constant(idToken), fc.constant(makeIdToken({ exp: 1 })), fc.string(), fc.anything()),
      refresh_token: fc.oneof(fc.string(), fc.anything()),
      api: fc.oneof(fc.constant('aws'), fc.anything()),
      api_type: fc.oneof(fc.constant('aws'), fc.anything()),
      targetClientId: fc.anything(),
      role: fc.anything({ withBigInt: true }),
      scope: fc.string(),
      signal: fc.oneof(fc.constant(new AbortController().signal), fc.anything()),
    },
    { requiredKeys: [] },
  ),
);

function isExpectedRefusal(error: unknown): boolean {
  return isDelegationError(error) && PRE_REQUEST_CODES.includes(error.code) && !(error instanceof TypeError);
}

describe('generated options', () => {
  it(`${RUNS} constructor options: a client or invalid_configuration`, () => {
    let built = 0;
    fc.assert(
      fc.property(anyOptions, (options) => {
        try {
          new DelegationClient(options as never);
          built++;
          return true;
        } catch (error) {
          return isDelegationError(error) && error.code === 'invalid_configuration';
        }
      }),
      { numRuns: RUNS },
    );
    expect(built).toBeGreaterThan(0);
  });

  it(`${RUNS} getDelegationToken options: a result or a refusal before any request, never a TypeError`, async () => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(callOptions, async (options) => {
        const client = answering(200, JSON.stringify(awsResult(Date.now())));
        const outcome = await client.getDelegationToken(options as never).catch((error: unknown) => error);
        if (!isDelegationError(outcome) && !(outcome instanceof Error)) {
          answered++;
          return true;
        }
        return isExpectedRefusal(outcome);
      }),
      { numRuns: RUNS },
    );
    expect(answered).toBeGreaterThan(0);
  });
});
