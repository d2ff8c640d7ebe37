// fromDelegation on its own (msw only): options, what it hands the AWS SDK, and when it falls back.
import { HttpResponse, http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { DelegationClient, fromDelegation } from '../../../src/index';
import type { FromDelegationInit } from '../../../src/index';
import { CLIENT_ID, DOMAIN, ENDPOINT, awsResult, delegationEndpoint, jsonResponse, perUserResult } from '../../support/delegation-endpoint';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';

const MINUTE = 60_000;
const FAR_EXP = Date.parse('2100-01-01T00:00:00Z') / 1000;
const alice = makeIdToken({ sub: 'auth0|alice', exp: FAR_EXP });
const bob = makeIdToken({ sub: 'auth0|bob', exp: FAR_EXP });

function setup() {
  const endpoint = delegationEndpoint((request) => perUserResult(request));
  server.use(endpoint.handler);
  return { endpoint, client: new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, retries: 0 }) };
}

/** Makes the endpoint answer `status` while `failing.on` is true. */
function failing(status: number) {
  const state = { on: false };
  server.use(http.post(ENDPOINT, () => (state.on ? jsonResponse({ error: 'x', error_description: 'down' }, { status }) : undefined)));
  return state;
}

describe('fromDelegation(client, init)', () => {
  it.each<[string, unknown]>([
    ['no init', undefined],
    ['no idToken', { role: 'r' }],
    ['an idToken that is a number', { idToken: 42 }],
    ['an unknown option', { idToken: 'x', region: 'us-east-1' }],
  ])('throws invalid_configuration at once for %s', (_name, init) => {
    const { client } = setup();
    expect(() => fromDelegation(client, init as FromDelegationInit)).toThrow(expect.objectContaining({ code: 'invalid_configuration' }));
  });

  it('hands the AWS SDK credentials with a Date expiration inside its 5-minute window', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-11-29T12:00:00Z'), toFake: ['Date'] });
    const { client } = setup();
    const identity = await fromDelegation(client, { idToken: alice })();
    expect(identity).toEqual({ accessKeyId: 'ASIAAUTH0ALICE', secretAccessKey: expect.any(String), sessionToken: expect.any(String), expiration: new Date(Date.now() + 4 * MINUTE) });
  });

  it('passes role, principal, scope and targetClientId through', async () => {
    const { client, endpoint } = setup();
    await fromDelegation(client, { idToken: alice, role: 'arn:role', principal: 'arn:principal', scope: 'openid', targetClientId: 'other' })();
    expect(endpoint.requests[0]!.body).toMatchObject({ role: 'arn:role', principal: 'arn:principal', scope: 'openid', target: 'other', api_type: 'aws' });
  });

  it('calls an idToken function on every credential request (sync or async)', async () => {
    const { client, endpoint } = setup();
    const tokens = [alice, bob];
    const provider = fromDelegation(client, { idToken: vi.fn(async () => tokens.shift() ?? alice) });
    expect((await provider()).accessKeyId).toBe('ASIAAUTH0ALICE');
    expect((await provider()).accessKeyId).toBe('ASIAAUTH0BOB');
    expect(endpoint.requests).toHaveLength(2);
  });

  it('rejects with the client\'s error when the token is bad', async () => {
    const { client } = setup();
    await expect(fromDelegation(client, { idToken: () => 'nope' })()).rejects.toMatchObject({ code: 'malformed_id_token' });
  });
});

describe('stale fallback when a refresh fails', () => {
  const start = Date.parse('2026-11-29T12:00:00Z');

  async function primed() {
    vi.useFakeTimers({ now: start, toFake: ['Date'] });
    const { client, endpoint } = setup();
    const reported: unknown[] = [];
    const provider = fromDelegation(client, { idToken: alice, onRefreshError: (error) => reported.push(error) });
    const first = await provider();
    return { client, endpoint, provider, reported, first };
  }

  it.each([503, 500, 429, 408])('serves the previous credentials on %i, reports once, retries after 10 s', async (status) => {
    const { provider, reported, first } = await primed();
    const outage = failing(status);
    outage.on = true;
    vi.setSystemTime(start + 51 * MINUTE);
    const served = await Promise.all([provider(), provider(), provider()]);
    expect(served.map((identity) => identity.accessKeyId)).toEqual([first.accessKeyId, first.accessKeyId, first.accessKeyId]);
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({ status });
    vi.setSystemTime(start + 51 * MINUTE + 9_999);
    await provider();
    expect(reported).toHaveLength(1);
    vi.setSystemTime(start + 51 * MINUTE + 10_000);
    await provider();
    expect(reported).toHaveLength(2);
  });

  it('does not fall back on a refusal (401): the user may no longer have access', async () => {
    const { provider } = await primed();
    failing(401).on = true;
    vi.setSystemTime(start + 51 * MINUTE);
    await expect(provider()).rejects.toMatchObject({ status: 401 });
  });

  it('does not fall back within 30 s of expiry, nor before the refresh was due (after clearCache)', async () => {
    const { provider, client } = await primed();
    const outage = failing(503);
    outage.on = true;
    vi.setSystemTime(start + 60 * MINUTE - 30_000);
    await expect(provider()).rejects.toMatchObject({ status: 503 });
    vi.setSystemTime(start);
    outage.on = false;
    await provider();
    client.clearCache();
    outage.on = true;
    await expect(provider()).rejects.toMatchObject({ status: 503 });
  });

  it('never falls back to another user\'s credentials', async () => {
    vi.useFakeTimers({ now: start, toFake: ['Date'] });
    const { client } = setup();
    let token = alice;
    const provider = fromDelegation(client, { idToken: () => token });
    await provider();
    failing(503).on = true;
    vi.setSystemTime(start + 51 * MINUTE);
    token = bob;
    await expect(provider()).rejects.toMatchObject({ status: 503 });
  });

  it('recovers when the endpoint is back', async () => {
    const { provider, first } = await primed();
    const outage = failing(502);
    outage.on = true;
    vi.setSystemTime(start + 51 * MINUTE);
    await provider();
    outage.on = false;
    vi.setSystemTime(start + 52 * MINUTE);
    server.use(http.post(ENDPOINT, () => HttpResponse.json(awsResult(Date.now(), 3_600_000, { Credentials: { AccessKeyId: 'ASIANEW', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3_600_000).toISOString() } }))));
    expect((await provider()).accessKeyId).not.toBe(first.accessKeyId);
  });
});
