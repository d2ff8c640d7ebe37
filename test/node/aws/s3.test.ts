// fromDelegation and the ExpiredToken plugin with the real @aws-sdk/client-s3, signing with delegated
// credentials, against s3rver behind the gate that verifies SigV4 and session tokens.
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startS3Gate } from '../../../sandbox/s3-gate.mjs';
import { DelegationClient, fromDelegation, getExpiredTokenRecoveryPlugin, isDelegationError } from '../../../src/index';
import { CLIENT_ID, DOMAIN } from '../../support/delegation-endpoint';
import { COGNITO_URL, IDENTITY_POOL_ID, STS_URL, identityIdOf, issuingCognito, issuingEndpoint, issuingSts } from '../../support/issuer';
import type { IssuerOptions } from '../../support/issuer';
import { untilOnRealTime } from '../../support/fake-time';
import { BUCKET, s3Client } from '../../support/s3';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';
import { cognitoIdentityPool } from '../../../src/entries/cognito';
import { webIdentity } from '../../../src/entries/web-identity';

const FAR_EXP = Date.parse('2100-01-01T00:00:00Z') / 1000;
const alice = makeIdToken({ sub: 'auth0|alice', exp: FAR_EXP });
const bob = makeIdToken({ sub: 'auth0|bob', exp: FAR_EXP });
let gate: Awaited<ReturnType<typeof startS3Gate>>;

beforeAll(async () => {
  gate = await startS3Gate();
});
afterAll(() => gate.stop());

// Every test runs with the three exchanges: Auth0's /delegation, STS AssumeRoleWithWebIdentity and a
// Cognito identity pool; the same provider, cache and recovery behind each.
const MODES = ['delegation', 'web-identity', 'cognito'] as const;
let mode: (typeof MODES)[number] = 'delegation';
const EXCHANGES = {
  delegation: undefined,
  'web-identity': webIdentity({ roleArn: 'arn:aws:iam::123456789012:role/s3-per-user', region: 'us-east-1' }),
  cognito: cognitoIdentityPool({ identityPoolId: IDENTITY_POOL_ID }),
};

function issuer(options: IssuerOptions) {
  return mode === 'delegation' ? issuingEndpoint(options) : mode === 'web-identity' ? issuingSts(options) : issuingCognito(options);
}

function newClient(extra: { retries?: number } = {}): DelegationClient {
  const exchange = EXCHANGES[mode];
  return new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, ...(exchange ? { exchange } : {}), ...extra });
}

const exchangeUrl = () => (mode === 'delegation' ? `https://${DOMAIN}/delegation` : mode === 'web-identity' ? STS_URL : COGNITO_URL);
/** Who the issuer says the credentials are for: the `sub`, or with Cognito the identity ID. */
const subjectOf = (sub: string) => (mode === 'cognito' ? identityIdOf(sub) : sub);

function setup(lifetimeMs?: number) {
  const endpoint = issuer({ keys: gate.keys, lifetimeMs });
  server.use(endpoint.handler);
  return { endpoint, client: newClient() };
}

const put = (s3: S3Client, key: string, body: string | Uint8Array) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
const errorName = (promise: Promise<unknown>): Promise<string> => promise.then(() => 'ok', (error: { name?: string }) => error.name ?? 'unnamed');

describe.each(MODES)('%s exchange', (current) => {
  beforeAll(() => {
    mode = current;
  });

describe('fromDelegation with S3Client', () => {
  it('puts, lists, gets and deletes with delegated credentials', async () => {
    const { client, endpoint } = setup();
    const s3 = s3Client(gate.url, fromDelegation(client, { idToken: alice }));
    const key = 'auth0|alice/report 2026+final.txt';
    await put(s3, key, 'hello from alice');
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'auth0|alice/' }));
    expect(listed.Contents?.map((object) => object.Key)).toContain(key);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(await got.Body?.transformToString()).toBe('hello from alice');
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(await errorName(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key })))).toBe('NoSuchKey');
    expect(endpoint.requests).toHaveLength(1);
  });

  it('makes one delegation request for 3 S3Clients and 100 concurrent sends', async () => {
    const { client, endpoint } = setup();
    const provider = fromDelegation(client, { idToken: alice });
    const clients = [s3Client(gate.url, provider), s3Client(gate.url, fromDelegation(client, { idToken: alice })), s3Client(gate.url, provider)];
    const results = await Promise.all(Array.from({ length: 100 }, (_, index) => put(clients[index % 3]!, `auth0|alice/many/${index}.txt`, `n${index}`)));
    expect(results).toHaveLength(100);
    expect(endpoint.requests).toHaveLength(1);
  });

  it('baseline: the AWS SDK alone calls a plain provider once per S3Client', async () => {
    const { client, endpoint } = setup();
    const credentials = await client.getCredentials({ idToken: alice });
    let calls = 0;
    const plain = async () => {
      calls++;
      return credentials;
    };
    const clients = [s3Client(gate.url, plain), s3Client(gate.url, plain), s3Client(gate.url, plain)];
    await Promise.all(Array.from({ length: 30 }, (_, index) => put(clients[index % 3]!, `auth0|alice/plain/${index}.txt`, 'x')));
    expect(calls).toBe(3);
    expect(endpoint.requests).toHaveLength(1);
  });

  it('takes a renewed ID token from a function, and never hands Bob Alice\'s credentials', async () => {
    const { client, endpoint } = setup();
    const rejectedBefore = { ...gate.stats.rejected };
    let current = alice;
    const s3 = s3Client(gate.url, fromDelegation(client, { idToken: async () => current }));
    await put(s3, 'auth0|alice/a.txt', 'a');
    current = bob;
    await put(s3, 'auth0|bob/b.txt', 'b');
    expect(endpoint.issued.map((entry) => entry.subject)).toEqual([subjectOf('auth0|alice'), subjectOf('auth0|bob')]);
    expect(gate.stats.rejected).toEqual(rejectedBefore);
  });

  it('fetches again on the next S3 call after clearCache (sign-out)', async () => {
    const { client, endpoint } = setup();
    const s3 = s3Client(gate.url, fromDelegation(client, { idToken: alice }));
    await put(s3, 'auth0|alice/1.txt', '1');
    await put(s3, 'auth0|alice/2.txt', '2');
    expect(endpoint.requests).toHaveLength(1);
    client.clearCache();
    await put(s3, 'auth0|alice/3.txt', '3');
    expect(endpoint.requests).toHaveLength(2);
  });
});

describe('rollover', () => {
  const MINUTE = 60_000;
  /** Concurrent PUTs per 5-minute step: two per client, so every client asks its provider each step. */
  const PER_STEP = 6;

  // 37 steps of 5 minutes, 6 requests each over 3 clients plus one frozen: about 260 signed PUTs, given a
  // budget sized for a loaded 2-core machine. The loop stops when vitest aborts the test (a timeout), so
  // it can never go on moving the mocked clock under the tests that follow.
  it('rolls over under continuous traffic with zero failed requests: one delegation request per rollover', { timeout: 180_000 }, async ({ signal }) => {
    const start = Date.now();
    vi.useFakeTimers({ now: start, toFake: ['Date'] });
    const { client, endpoint } = setup();
    const provider = fromDelegation(client, { idToken: alice });
    const clients = [s3Client(gate.url, provider), s3Client(gate.url, provider), s3Client(gate.url, fromDelegation(client, { idToken: alice }))];
    const frozen = s3Client(gate.url, await client.getCredentials({ idToken: alice }));
    const outcomes: string[] = [];
    const frozenOutcomes: string[] = [];
    for (let minute = 0; minute <= 180 && !signal.aborted; minute += 5) {
      vi.setSystemTime(start + minute * MINUTE);
      outcomes.push(...(await Promise.all(Array.from({ length: PER_STEP }, (_, index) => errorName(put(clients[index % 3]!, `auth0|alice/roll/${minute}-${index}`, 'x'))))));
      frozenOutcomes.push(await errorName(put(frozen, `auth0|alice/frozen/${minute}`, 'x')));
    }
    expect(outcomes.filter((outcome) => outcome !== 'ok')).toEqual([]);
    expect(outcomes).toHaveLength(37 * PER_STEP);
    // Credentials last 60 minutes and are refreshed 10 minutes early: at 0, 50, 100 and 150 minutes.
    expect(endpoint.requests).toHaveLength(4);
    // Negative control: credentials that are never refreshed expire at the gate after 60 minutes.
    expect(frozenOutcomes.slice(0, 12).every((outcome) => outcome === 'ok')).toBe(true);
    expect(frozenOutcomes.slice(13).every((outcome) => outcome === 'ExpiredToken')).toBe(true);
  });

  it('keeps serving valid credentials when the refresh fails, reporting it once (the AWS SDK alone fails)', async () => {
    const start = Date.now();
    vi.useFakeTimers({ now: start, toFake: ['Date'] });
    let down = false;
    const issuing = issuer({ keys: gate.keys });
    server.use(issuing.handler);
    const client = newClient({ retries: 0 });
    server.use(http.post(exchangeUrl(), () => (down ? new HttpResponse(null, { status: 503 }) : undefined)));
    const reported: unknown[] = [];
    const s3 = s3Client(gate.url, fromDelegation(client, { idToken: alice, onRefreshError: (error) => reported.push(error) }));
    const plain = s3Client(gate.url, () => client.getCredentials({ idToken: alice }));
    expect(await errorName(put(s3, 'auth0|alice/s0', 'x'))).toBe('ok');
    down = true;
    vi.setSystemTime(start + 52 * MINUTE);
    const during = await Promise.all(Array.from({ length: 6 }, (_, index) => errorName(put(s3, `auth0|alice/s1-${index}`, 'x'))));
    vi.setSystemTime(start + 52 * MINUTE + 5_000);
    during.push(await errorName(put(s3, 'auth0|alice/s2', 'x')));
    expect(during).toEqual(Array.from({ length: 7 }, () => 'ok'));
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({ code: 'server_error', status: 503 });
    expect(await errorName(put(plain, 'auth0|alice/plain', 'x'))).toBe('DelegationError');
    down = false;
    vi.setSystemTime(start + 53 * MINUTE);
    expect(await errorName(put(s3, 'auth0|alice/s3', 'x'))).toBe('ok');
    expect(issuing.issued).toHaveLength(2);
  });
});

describe('the gate is a real check (negative controls)', () => {
  it('rejects a wrong secret with SignatureDoesNotMatch, and accepts the right one', async () => {
    const { client } = setup();
    const good = await client.getCredentials({ idToken: alice });
    expect(await errorName(put(s3Client(gate.url, { ...good, secretAccessKey: `${good.secretAccessKey}x` }), 'auth0|alice/w.txt', 'x'))).toBe('SignatureDoesNotMatch');
    expect(await errorName(put(s3Client(gate.url, good), 'auth0|alice/w.txt', 'x'))).toBe('ok');
  });

  it('rejects a missing or foreign session token with InvalidToken', async () => {
    const { client } = setup();
    const good = await client.getCredentials({ idToken: alice });
    const other = await client.getCredentials({ idToken: bob });
    expect(await errorName(put(s3Client(gate.url, { accessKeyId: good.accessKeyId, secretAccessKey: good.secretAccessKey }), 'auth0|alice/t.txt', 'x'))).toBe('InvalidToken');
    expect(await errorName(put(s3Client(gate.url, { ...good, sessionToken: other.sessionToken }), 'auth0|alice/t.txt', 'x'))).toBe('InvalidToken');
  });

  it('rejects an unknown access key with InvalidAccessKeyId', async () => {
    expect(await errorName(put(s3Client(gate.url, { accessKeyId: 'ASIANOSUCHKEY', secretAccessKey: 's', sessionToken: 't' }), 'k', 'x'))).toBe('InvalidAccessKeyId');
  });
});

describe('ExpiredToken recovery', () => {
  // Two ways S3 refuses credentials the cache still believes in: the key's session has expired on S3's
  // clock, or S3 no longer knows the key at all (a revoked session: the gate forgets every key).
  const REFUSALS = [
    ['ExpiredToken', () => { for (const key of gate.keys.values()) key.expiresAt = Date.now() - 1; }],
    ['InvalidAccessKeyId', () => gate.keys.clear()],
  ] as const;

  describe.each(REFUSALS)('%s', (code, refuseIssuedKeys) => {
    it(`without the plugin, ${code} fails the request and the AWS SDK does not refresh`, async () => {
      const { client, endpoint } = setup();
      const s3 = s3Client(gate.url, fromDelegation(client, { idToken: alice }));
      await put(s3, 'auth0|alice/e1.txt', 'x');
      refuseIssuedKeys();
      expect(await errorName(put(s3, 'auth0|alice/e2.txt', 'x'))).toBe(code);
      expect(await errorName(put(s3, 'auth0|alice/e3.txt', 'x'))).toBe(code);
      expect(endpoint.requests).toHaveLength(1);
    });

    it('with the plugin, drops the refused credentials, fetches new ones once and retries the request', async () => {
      const { client, endpoint } = setup();
      const s3 = s3Client(gate.url, fromDelegation(client, { idToken: alice }));
      s3.middlewareStack.use(getExpiredTokenRecoveryPlugin(s3.config));
      await put(s3, 'auth0|alice/r1.txt', 'x');
      const refusedBefore = gate.stats.rejected[code] ?? 0;
      refuseIssuedKeys();
      const results = await Promise.all(Array.from({ length: 10 }, (_, index) => errorName(put(s3, `auth0|alice/r-${index}.txt`, 'x'))));
      expect(results).toEqual(Array.from({ length: 10 }, () => 'ok'));
      expect(endpoint.requests).toHaveLength(2);
      expect(gate.stats.rejected[code]).toBeGreaterThan(refusedBefore);
    });

    it('sends refused together whose idToken calls answer together (one pending answer shared, as sign-in libraries do): still one new request', async () => {
      const { client, endpoint } = setup();
      let refusedBefore = Number.POSITIVE_INFINITY;
      let release!: () => void;
      const shared = new Promise<string>((resolve) => (release = () => resolve(alice)));
      let waiting = 0;
      // At once until S3 has refused; after that every caller gets the one pending answer.
      const idToken = () => ((gate.stats.rejected[code] ?? 0) > refusedBefore ? (waiting++, shared) : alice);
      const s3 = s3Client(gate.url, fromDelegation(client, { idToken }));
      s3.middlewareStack.use(getExpiredTokenRecoveryPlugin(s3.config));
      await put(s3, 'auth0|alice/t0.txt', 'x');
      refusedBefore = gate.stats.rejected[code] ?? 0;
      refuseIssuedKeys();
      const results = Promise.all(Array.from({ length: 5 }, (_, index) => errorName(put(s3, `auth0|alice/t-${index}.txt`, 'x'))));
      await untilOnRealTime(() => waiting >= 5);
      release();
      expect(await results).toEqual(Array.from({ length: 5 }, () => 'ok'));
      expect(endpoint.requests).toHaveLength(2);
    });

    it('new credentials cannot be had (the issuer answers 503): that DelegationError, not the refused keys served stale; once it answers, the next send passes', async () => {
      const endpoint = issuer({ keys: gate.keys });
      server.use(endpoint.handler);
      let down = false;
      server.use(http.post(exchangeUrl(), () => (down ? new HttpResponse(null, { status: 503 }) : undefined)));
      const s3 = s3Client(gate.url, fromDelegation(newClient({ retries: 0 }), { idToken: alice }));
      s3.middlewareStack.use(getExpiredTokenRecoveryPlugin(s3.config));
      await put(s3, 'auth0|alice/d0.txt', 'x');
      const refusedBefore = gate.stats.rejected[code] ?? 0;
      refuseIssuedKeys();
      down = true;
      const failure: unknown = await put(s3, 'auth0|alice/d1.txt', 'x').catch((error: unknown) => error);
      // The reason the request could not be recovered: the issuer's, with S3's refusal counted once.
      expect(isDelegationError(failure) && failure.code).toBe('server_error');
      expect(gate.stats.rejected[code]).toBe(refusedBefore + 1);
      down = false;
      expect(await errorName(put(s3, 'auth0|alice/d2.txt', 'x'))).toBe('ok');
      expect(endpoint.requests).toHaveLength(2);
    });
  });

  it('a key this store never accepts (an endpoint that is not the issuer\'s): each send costs one more issuer request and one more S3 request, then S3\'s error', async () => {
    gate.keys.clear();
    const endpoint = issuer({ keys: new Map() });
    server.use(endpoint.handler);
    const client = newClient();
    const s3 = s3Client(gate.url, fromDelegation(client, { idToken: alice }));
    s3.middlewareStack.use(getExpiredTokenRecoveryPlugin(s3.config));
    const before = gate.stats.requests;
    for (let send = 1; send <= 3; send++) expect(await errorName(put(s3, `auth0|alice/never-${send}.txt`, 'x'))).toBe('InvalidAccessKeyId');
    expect(endpoint.requests).toHaveLength(1 + 3);
    expect(gate.stats.requests - before).toBe(2 * 3);
    // Control, the AWS SDK alone on the same client: one S3 request per send, no issuer request.
    const plain = s3Client(gate.url, fromDelegation(client, { idToken: alice }));
    for (let send = 1; send <= 3; send++) expect(await errorName(put(plain, `auth0|alice/never-plain-${send}.txt`, 'x'))).toBe('InvalidAccessKeyId');
    expect(endpoint.requests).toHaveLength(4);
    expect(gate.stats.requests - before).toBe(2 * 3 + 3);
  });

  it('retries only once: credentials refused again surface the error', async () => {
    const endpoint = issuer({ keys: gate.keys, expiredAtGate: true });
    server.use(endpoint.handler);
    const client = newClient();
    const s3 = s3Client(gate.url, fromDelegation(client, { idToken: alice }));
    s3.middlewareStack.use(getExpiredTokenRecoveryPlugin(s3.config));
    expect(await errorName(put(s3, 'auth0|alice/x.txt', 'x'))).toBe('ExpiredToken');
    expect(endpoint.requests).toHaveLength(2);
  });
});
});
