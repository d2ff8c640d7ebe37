// Issue 11, points 1 and 2: a cached entry is served only to the exact token that earned it, under the
// exact exchange settings that produced it. The SDK cannot verify a signature, so a token's `sub` is
// never enough: an unsigned, self-made JWT carrying Alice's `sub` must not get Alice's keys.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DelegationClient, fromDelegation } from '../../../src/index';
import type { DelegationClientOptions } from '../../../src/index';
import { webIdentity as webIdentityExchange } from '../../../src/entries/web-identity';
import type { WebIdentityOptions } from '../../../src/entries/web-identity';
import { CLIENT_ID, DOMAIN, SECRET_ACCESS_KEY, awsResult, delegationEndpoint, jsonResponse } from '../../support/delegation-endpoint';
import { STS_URL, issuingSts } from '../../support/issuer';
import { installTabs } from '../../support/tabs-in-node';
import { makeIdToken, makeRawToken } from '../../support/tokens';
import { server } from '../setup';

const FAR_EXP = Date.parse('2100-01-01T00:00:00Z') / 1000;
const alice = makeIdToken({ sub: 'auth0|alice', exp: FAR_EXP });
/** What an attacker can make without Auth0's key: `alg: none`, Alice's sub, no signature. */
const forged = makeRawToken(JSON.stringify({ sub: 'auth0|alice', exp: FAR_EXP }));

afterEach(() => vi.unstubAllGlobals());

/** An endpoint that, like Auth0, answers only the genuine token (it can check the signature). */
function genuineOnly() {
  return delegationEndpoint((request) => (request.body['id_token'] === alice || request.body['refresh_token'] === 'refresh-token-genuine-0123456789'
    ? jsonResponse(awsResult(Date.now()))
    : jsonResponse({ error: 'invalid_token', error_description: 'invalid signature' }, { status: 401 })));
}

describe('a cache hit needs the same token, not only the same sub (point 1)', () => {
  it('sends a forged alg:none token with Alice\'s sub to the endpoint instead of serving Alice\'s keys', async () => {
    const endpoint = genuineOnly();
    server.use(endpoint.handler);
    const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, retries: 0 });
    expect((await client.getCredentials({ idToken: alice })).secretAccessKey).toBe(SECRET_ACCESS_KEY);
    await expect(client.getCredentials({ idToken: forged })).rejects.toMatchObject({ code: 'invalid_token', status: 401 });
    await expect(client.getDelegationToken({ id_token: forged, api: 'aws' })).rejects.toMatchObject({ code: 'invalid_token' });
    expect(endpoint.requests.map((request) => request.body['id_token'])).toEqual([alice, forged, forged]);
  });

  it('negative control: the exact token that earned the entry is served from memory', async () => {
    const endpoint = genuineOnly();
    server.use(endpoint.handler);
    const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN });
    await client.getCredentials({ idToken: alice });
    await client.getCredentials({ idToken: alice });
    await client.getDelegationToken({ id_token: alice, api: 'aws' });
    expect(endpoint.requests).toHaveLength(1);
  });

  it('through fromDelegation too: a provider whose idToken function returns a forged token gets no keys', async () => {
    const endpoint = genuineOnly();
    server.use(endpoint.handler);
    const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, retries: 0 });
    await fromDelegation(client, { idToken: alice })();
    await expect(fromDelegation(client, { idToken: () => forged })()).rejects.toMatchObject({ status: 401 });
    expect(endpoint.requests).toHaveLength(2);
  });

  it('a renewed genuine token for the same user costs one new request (README), then is served from memory', async () => {
    const endpoint = delegationEndpoint(() => jsonResponse(awsResult(Date.now())));
    server.use(endpoint.handler);
    const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN });
    const renewed = makeIdToken({ sub: 'auth0|alice', exp: FAR_EXP, iat: 1_700_000_000 });
    await client.getCredentials({ idToken: alice });
    await client.getCredentials({ idToken: renewed });
    await client.getCredentials({ idToken: renewed });
    expect(endpoint.requests).toHaveLength(2);
  });

  it('a refresh token is its own key too: a guessed or other refresh token is sent, the same one served', async () => {
    const endpoint = genuineOnly();
    server.use(endpoint.handler);
    const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, retries: 0 });
    await client.getCredentials({ refreshToken: 'refresh-token-genuine-0123456789' });
    await client.getCredentials({ refreshToken: 'refresh-token-genuine-0123456789' });
    await expect(client.getCredentials({ refreshToken: 'refresh-token-genuine-012345678' })).rejects.toMatchObject({ status: 401 });
    expect(endpoint.requests).toHaveLength(2);
  });
});

const ROLE_A = 'arn:aws:iam::123456789012:role/role-a';
const ROLE_B = 'arn:aws:iam::123456789012:role/role-b';
const webIdentity = (extra: Partial<WebIdentityOptions> = {}) => webIdentityExchange({ roleArn: ROLE_A, region: 'us-east-1', ...extra });
/** A new closure each call, all of one source text: `${team}-${sub.length}`. */
const sessionNamer = (team: string) => (sub: string) => `${team}-${sub.length}`;

describe('the exchange settings separate caches, in one tab and across tabs (point 2)', () => {
  /** Two clients of one domain and clientID, sharing between "tabs" as browsers allow. */
  async function twoClients(first: Partial<DelegationClientOptions>, second: Partial<DelegationClientOptions>) {
    const tabs = installTabs();
    const sts = issuingSts({ keys: new Map() });
    const delegation = delegationEndpoint(() => jsonResponse(awsResult(Date.now(), 3_600_000, { Credentials: { AccessKeyId: 'ASIADELEGATION000001', SecretAccessKey: 'delegation-secret-0123456789', SessionToken: 'delegation-session-0123456789', Expiration: new Date(Date.now() + 3_600_000).toISOString() } })));
    server.use(sts.handler, delegation.handler);
    // A client ID of this test's own: clients of earlier tests still listen on their channel, and would answer.
    const clientID = `${CLIENT_ID}-${crypto.randomUUID()}`;
    const make = (options: Partial<DelegationClientOptions>) => new DelegationClient({ clientID, domain: DOMAIN, ...options });
    const [a, b] = [make(first), make(second)];
    await tabs.opened(2);
    return { tabs, sts, delegation, a, b };
  }

  it.each<[string, Partial<DelegationClientOptions>, Partial<DelegationClientOptions>]>([
    ['another roleArn', { exchange: webIdentity() }, { exchange: webIdentity({ roleArn: ROLE_B }) }],
    ['another region', { exchange: webIdentity({ endpoint: STS_URL }) }, { exchange: webIdentity({ region: 'eu-west-1', endpoint: STS_URL }) }],
    ['another endpoint', { exchange: webIdentity() }, { exchange: webIdentity({ endpoint: 'https://sts.us-east-1.amazonaws.com/' }) }],
    ['another durationSeconds', { exchange: webIdentity() }, { exchange: webIdentity({ durationSeconds: 900 }) }],
    ['another session name', { exchange: webIdentity() }, { exchange: webIdentity({ roleSessionName: 'fixed-name' }) }],
    // Issue 24, point 13: one source text, other captured values: they name sessions differently.
    ['a session-name closure of the same source capturing another value', { exchange: webIdentity({ roleSessionName: sessionNamer('team-a') }) }, { exchange: webIdentity({ roleSessionName: sessionNamer('team-b') }) }],
    ['web identity after delegation', {}, { exchange: webIdentity() }],
  ])('%s: the second client asks for itself and never gets the first one\'s keys', async (_name, first, second) => {
    const { tabs, sts, delegation, a, b } = await twoClients(first, second);
    const keyA = (await a.getCredentials({ idToken: alice })).accessKeyId;
    // Whatever the first client shared has reached every channel that listens for it.
    await tabs.answered();
    const keyB = (await b.getCredentials({ idToken: alice })).accessKeyId;
    expect(keyB).not.toBe(keyA);
    expect(sts.issued.length + delegation.requests.length).toBe(2);
    expect((await a.getCredentials({ idToken: alice })).accessKeyId).toBe(keyA);
    expect((await b.getCredentials({ idToken: alice })).accessKeyId).toBe(keyB);
    expect(sts.issued.length + delegation.requests.length).toBe(2);
  });

  it('the STS request of the second client carries its own role (STS would refuse it role A\'s keys)', async () => {
    const { tabs, sts, a, b } = await twoClients({ exchange: webIdentity() }, { exchange: webIdentity({ roleArn: ROLE_B }) });
    await a.getCredentials({ idToken: alice });
    await tabs.answered();
    await b.getCredentials({ idToken: alice });
    expect(sts.requests.map((params) => params.get('RoleArn'))).toEqual([ROLE_A, ROLE_B]);
  });

  it('negative control: two clients given the same exchange value (a session-name function) share one request between tabs', async () => {
    const exchange = webIdentity({ roleSessionName: sessionNamer('team-a') });
    const { tabs, sts, a, b } = await twoClients({ exchange }, { exchange });
    const keyA = (await a.getCredentials({ idToken: alice })).accessKeyId;
    await tabs.answered();
    expect((await b.getCredentials({ idToken: alice })).accessKeyId).toBe(keyA);
    expect(sts.requests.map((params) => params.get('RoleSessionName'))).toEqual(['team-a-11']);
  });

  it('negative control: two clients with the same settings share one request between tabs', async () => {
    const { tabs, sts, a, b } = await twoClients({ exchange: webIdentity() }, { exchange: webIdentity() });
    const keyA = (await a.getCredentials({ idToken: alice })).accessKeyId;
    await tabs.answered();
    expect((await b.getCredentials({ idToken: alice })).accessKeyId).toBe(keyA);
    expect(sts.issued).toHaveLength(1);
  });

  it('a different clientID never shares either', async () => {
    const tabs = installTabs();
    const endpoint = delegationEndpoint(() => jsonResponse(awsResult(Date.now())));
    server.use(endpoint.handler);
    await new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN }).getCredentials({ idToken: alice });
    await tabs.settled();
    await new DelegationClient({ clientID: 'another-client', domain: DOMAIN }).getCredentials({ idToken: alice });
    expect(endpoint.requests).toHaveLength(2);
  });
});
