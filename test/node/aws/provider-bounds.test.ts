// Issue 11, points 12 and 13: the provider fromDelegation hands the AWS SDK. An idToken function that
// never settles must not wedge an S3Client (bounded by the client's timeoutMs; the AWS SDK's abortSignal
// ends the wait with the recovery plugin installed), and a user switch while a request waits for its
// credentials never signs that request with the next user's keys (nor the next user's with the last's).
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startS3Gate } from '../../../sandbox/s3-gate.mjs';
import { DelegationClient, fromDelegation, getExpiredTokenRecoveryPlugin } from '../../../src/index';
import { CLIENT_ID, DOMAIN } from '../../support/delegation-endpoint';
import { issuingEndpoint } from '../../support/issuer';
import { BUCKET, s3Client } from '../../support/s3';
import { UNTIL_HUNG, untilOnRealTime } from '../../support/fake-time';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';

const FAR_EXP = Date.parse('2100-01-01T00:00:00Z') / 1000;
const alice = makeIdToken({ sub: 'auth0|alice', exp: FAR_EXP });
const bob = makeIdToken({ sub: 'auth0|bob', exp: FAR_EXP });
/** Every request the gate let through: the object key and who the signing key was issued to. */
const signed: { key: string; subject: string | undefined }[] = [];
let gate: Awaited<ReturnType<typeof startS3Gate>>;

beforeAll(async () => {
  gate = await startS3Gate({
    authorize: ({ key, issued }) => {
      signed.push({ key, subject: issued.subject });
      return true;
    },
  });
});
afterAll(() => gate.stop());

const put = (s3: S3Client, key: string, abortSignal?: AbortSignal) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'x' }), abortSignal ? { abortSignal } : {});
const outcome = (promise: Promise<unknown>) => promise.then(() => 'ok', (error: { name?: string; code?: string }) => error.code ?? error.name ?? 'error');

function setup(options: Record<string, unknown> = {}) {
  const endpoint = issuingEndpoint({ keys: gate.keys });
  server.use(endpoint.handler);
  return { endpoint, client: new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, ...options }) };
}

describe('an idToken function that never settles (point 12)', () => {
  it('the provider fails with timeout after the client\'s timeoutMs, not before', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { client, endpoint } = setup({ timeoutMs: 2_000 });
    let settled = false;
    let calls = 0;
    const result = fromDelegation(client, { idToken: () => (++calls, new Promise<string>(() => undefined)) })().finally(() => (settled = true));
    const caught = result.catch((error: unknown) => error);
    await untilOnRealTime(() => calls === 1);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await caught).toMatchObject({ name: 'DelegationError', code: 'timeout' });
    expect(endpoint.requests).toHaveLength(0);
  });

  it('does not wedge the S3Client: once it times out, the next request asks again and succeeds', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { client } = setup({ timeoutMs: 2_000 });
    let calls = 0;
    const s3 = s3Client(gate.url, fromDelegation(client, { idToken: () => (++calls === 1 ? new Promise<string>(() => undefined) : alice) }));
    const first = outcome(put(s3, 'auth0|alice/wedge-1.txt'));
    await untilOnRealTime(() => calls === 1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await first).toBe('timeout');
    vi.useRealTimers();
    expect(await outcome(put(s3, 'auth0|alice/wedge-2.txt'))).toBe('ok');
  });

  it('the AWS SDK\'s abortSignal ends the wait (with the recovery plugin), and nothing is sent', async () => {
    const { client } = setup({ timeoutMs: 600_000 });
    let calls = 0;
    const s3 = s3Client(gate.url, fromDelegation(client, { idToken: () => (++calls, new Promise<string>(() => undefined)) }));
    s3.middlewareStack.use(getExpiredTokenRecoveryPlugin(s3.config));
    const controller = new AbortController();
    const before = gate.stats.requests;
    const sent = outcome(put(s3, 'auth0|alice/aborted.txt', controller.signal));
    await vi.waitFor(() => expect(calls).toBe(1), UNTIL_HUNG);
    controller.abort();
    expect(await sent).toBe('aborted');
    expect(gate.stats.requests).toBe(before);
  });
});

describe('a user switch while a request waits for credentials (point 13)', () => {
  it('Alice\'s request, waiting on the idToken function when Bob signs in, is not signed with Bob\'s keys', async () => {
    const { client } = setup();
    let current = alice;
    let release!: () => void;
    let waiting = false;
    const auth = {
      // Like an auth library's getter: resolves with whoever is signed in when it answers.
      token: () => (waiting ? new Promise<string>((resolve) => (release = () => resolve(current))) : Promise.resolve(current)),
    };
    const s3 = s3Client(gate.url, fromDelegation(client, { idToken: () => auth.token() }));
    waiting = true;
    const alicesRequest = outcome(put(s3, 'auth0|alice/switch-1.txt'));
    await vi.waitFor(() => expect(release).toBeTypeOf('function'), UNTIL_HUNG);
    // The app's user switch: clear the cache, then the new user's token.
    client.clearCache();
    current = bob;
    waiting = false;
    release();
    expect(await alicesRequest).toBe('cache_cleared');
    expect(signed.filter((entry) => entry.key === 'auth0|alice/switch-1.txt')).toEqual([]);
    expect(await outcome(put(s3, 'auth0|bob/switch-1.txt'))).toBe('ok');
    expect(signed.filter((entry) => entry.key === 'auth0|bob/switch-1.txt')).toEqual([{ key: 'auth0|bob/switch-1.txt', subject: 'auth0|bob' }]);
  });

  it('Bob\'s request, made while Alice\'s credentials are on their way, is not signed with Alice\'s keys', async () => {
    let releaseExchange!: () => void;
    const held = new Promise<void>((resolve) => (releaseExchange = resolve));
    const endpoint = issuingEndpoint({ keys: gate.keys });
    server.use(endpoint.handler);
    let exchanging = false;
    const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, fetch: async (input, init) => {
      exchanging = true;
      await held;
      return fetch(input, init);
    } });
    let current = alice;
    const s3 = s3Client(gate.url, fromDelegation(client, { idToken: () => current }));
    const alicesRequest = outcome(put(s3, 'auth0|alice/switch-2.txt'));
    await vi.waitFor(() => expect(exchanging).toBe(true), UNTIL_HUNG);
    client.clearCache();
    current = bob;
    const bobsRequest = outcome(put(s3, 'auth0|bob/switch-2.txt'));
    releaseExchange();
    const results = await Promise.all([alicesRequest, bobsRequest]);
    for (const entry of signed.filter((request) => request.key.endsWith('/switch-2.txt'))) expect(entry.key.startsWith(`${entry.subject}/`)).toBe(true);
    // Alice's request, waiting when the cache was cleared, fails rather than pick either user. Bob's,
    // made after the clear, asks for itself and is signed with Bob's keys. (It used to join Alice's
    // pending call through the AWS SDK's memoization and fail with it: issue 24, point 11.)
    expect(results).toEqual(['cache_cleared', 'ok']);
    expect(signed.filter((request) => request.key.endsWith('/switch-2.txt'))).toEqual([{ key: 'auth0|bob/switch-2.txt', subject: 'auth0|bob' }]);
    expect(await outcome(put(s3, 'auth0|bob/switch-2b.txt'))).toBe('ok');
    expect(signed.at(-1)).toEqual({ key: 'auth0|bob/switch-2b.txt', subject: 'auth0|bob' });
  });

  it.each([
    ['S3 refusing credentials (the recovery plugin\'s drop) is no sign-out: another provider\'s waiting call carries on', false],
    ['negative control, clearCache(): that waiting call fails with cache_cleared', true],
  ])('%s', async (_name, signOut) => {
    const { client } = setup();
    const first = fromDelegation(client, { idToken: alice });
    const { accessKeyId: refused } = await first();
    let release!: () => void;
    const second = outcome(fromDelegation(client, { idToken: () => new Promise<string>((resolve) => (release = () => resolve(alice))) })());
    await vi.waitFor(() => expect(release).toBeTypeOf('function'), UNTIL_HUNG);
    if (signOut) client.clearCache();
    else expect((await first({ forceRefresh: true, rejectedAccessKeyId: refused })).accessKeyId).not.toBe(refused);
    release();
    expect(await second).toBe(signOut ? 'cache_cleared' : 'ok');
  });

  it.each([
    ['a sign-out while the idToken function answers: cache_cleared, and the token it gave is sent nowhere (nothing cached for it)', true],
    ['control, no sign-out: that token gets credentials (one request)', false],
  ])('%s', async (_name, signOut) => {
    const { client, endpoint } = setup();
    let release!: () => void;
    // An auth library that has not yet forgotten the signed-out user's token when it answers.
    const provider = fromDelegation(client, { idToken: () => new Promise<string>((resolve) => (release = () => resolve(alice))) });
    const asked = outcome(provider());
    await vi.waitFor(() => expect(release).toBeTypeOf('function'), UNTIL_HUNG);
    if (signOut) client.clearCache();
    release();
    expect(await asked).toBe(signOut ? 'cache_cleared' : 'ok');
    expect(endpoint.requests).toHaveLength(signOut ? 0 : 1);
    // Nothing of the signed-out user's was kept: the next call for that token asks again.
    await client.getCredentials({ idToken: alice });
    expect(endpoint.requests).toHaveLength(1);
  });

  it('negative control: without a switch, the waiting request is signed with Alice\'s keys', async () => {
    const { client } = setup();
    let release: (() => void) | undefined;
    // The first call waits for release(); later ones (the AWS SDK asks twice on a first request) do not.
    const s3 = s3Client(gate.url, fromDelegation(client, { idToken: () => (release ? alice : new Promise<string>((resolve) => (release = () => resolve(alice)))) }));
    const request = outcome(put(s3, 'auth0|alice/switch-3.txt'));
    await vi.waitFor(() => expect(release).toBeTypeOf('function'), UNTIL_HUNG);
    release!();
    expect(await request).toBe('ok');
    expect(signed.filter((entry) => entry.key === 'auth0|alice/switch-3.txt')).toEqual([{ key: 'auth0|alice/switch-3.txt', subject: 'auth0|alice' }]);
  });
});
