// The web-identity exchange: STS AssumeRoleWithWebIdentity (msw stands in for STS) behind the same
// client, cache, provider and errors as delegation.
import { HttpResponse, http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { sessionNameFor, webIdentity } from '../../../src/entries/web-identity';
import type { WebIdentityOptions } from '../../../src/entries/web-identity';
import { DelegationClient, fromDelegation } from '../../../src/index';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';
import { settleOnFakeTime } from '../../support/fake-time';

const STS = 'https://sts.us-east-1.amazonaws.com/';
const ROLE = 'arn:aws:iam::123456789012:role/s3-per-user';
const settings: WebIdentityOptions = { roleArn: ROLE, region: 'us-east-1' };
const FAR_EXP = Date.parse('2100-01-01T00:00:00Z') / 1000;
const alice = makeIdToken({ sub: 'auth0|alice', exp: FAR_EXP });
const MINUTE = 60_000;

function stsAnswer(params: URLSearchParams, lifetimeMs = 60 * MINUTE): Response {
  const session = params.get('RoleSessionName');
  return new HttpResponse(
    `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>
      <SubjectFromWebIdentityToken>auth0|alice</SubjectFromWebIdentityToken><Audience>client-abc</Audience>
      <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/s3-per-user/${session}</Arn><AssumedRoleId>AROA1:${session}</AssumedRoleId></AssumedRoleUser>
      <Credentials><AccessKeyId>ASIASTS000000000001</AccessKeyId><SecretAccessKey>stsSECRETstsSECRET0123456789</SecretAccessKey><SessionToken>stsSESSIONstsSESSION0123456789</SessionToken><Expiration>${new Date(Date.now() + lifetimeMs).toISOString()}</Expiration></Credentials>
      <Provider>tenant.auth0.com/</Provider></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`,
    { status: 200, headers: { 'content-type': 'text/xml' } },
  );
}

function stsError(status: number, code: string, message: string): Response {
  return new HttpResponse(`<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`, { status, headers: { 'content-type': 'text/xml' } });
}

function setup(respond: (params: URLSearchParams, attempt: number) => Response = (params) => stsAnswer(params), extra: Partial<WebIdentityOptions> = {}) {
  const requests: URLSearchParams[] = [];
  server.use(
    http.post(STS, async ({ request }) => {
      const params = new URLSearchParams(await request.text());
      requests.push(params);
      return respond(params, requests.length);
    }),
  );
  return { requests, client: new DelegationClient({ clientID: 'client-abc', domain: 'tenant.auth0.com', exchange: webIdentity({ ...settings, ...extra }) }) };
}

describe('webIdentity(settings)', () => {
  it.each<[string, unknown, string]>([
    ['no settings', undefined, 'webIdentity({ roleArn, region })'],
    ['a role ARN that is not one', { roleArn: 'role/x', region: 'us-east-1' }, '"roleArn"'],
    ['no region', { roleArn: ROLE }, '"region"'],
    ['a region that is not one', { roleArn: ROLE, region: 'Europe' }, '"region"'],
    ['a duration under 900 s', { roleArn: ROLE, region: 'us-east-1', durationSeconds: 60 }, '"durationSeconds"'],
    ['a session name with "|"', { roleArn: ROLE, region: 'us-east-1', roleSessionName: 'auth0|alice' }, '"roleSessionName"'],
    ['an unknown key', { roleArn: ROLE, region: 'us-east-1', role: ROLE }, '"role"'],
  ])('refuses %s with invalid_configuration naming it', (_name, value, named) => {
    expect(() => webIdentity(value as WebIdentityOptions)).toThrow(expect.objectContaining({ code: 'invalid_configuration', message: expect.stringContaining(named) }));
  });

  it('accepts complete settings; the client takes the value', () => {
    const exchange = webIdentity({ ...settings, durationSeconds: 900, roleSessionName: (sub) => sub.length.toString().padStart(2, '0'), endpoint: 'http://127.0.0.1:4001/sts' });
    expect(() => new DelegationClient({ clientID: 'c', domain: 'tenant.auth0.com', exchange })).not.toThrow();
  });

  it.each<[string, unknown]>([
    ['a string', 'web-identity'],
    ['the old settings object', { type: 'web-identity', roleArn: ROLE, region: 'us-east-1' }],
  ])('the client refuses %s as its exchange, saying where the factories are', (_name, value) => {
    expect(() => new DelegationClient({ clientID: 'c', domain: 'tenant.auth0.com', exchange: value as never })).toThrow(expect.objectContaining({ code: 'invalid_configuration', message: expect.stringContaining('auth0-aws-delegation/web-identity') }));
  });
});

describe('the exchange\'s id (what clients and tabs share a cache by)', () => {
  const namer = (team: string) => (sub: string) => `${team}-${sub}`;
  it('two session-name closures of one source text, capturing other values, have other ids', () => {
    const [a, b] = [namer('a'), namer('b')];
    expect(String(a)).toBe(String(b));
    expect(webIdentity({ ...settings, roleSessionName: a }).id).not.toBe(webIdentity({ ...settings, roleSessionName: b }).id);
  });

  it('a function is never equal to another exchange value\'s, even the same function (it cannot be compared across tabs)', () => {
    const a = namer('a');
    expect(webIdentity({ ...settings, roleSessionName: a }).id).not.toBe(webIdentity({ ...settings, roleSessionName: a }).id);
  });

  it('control: one exchange value keeps its id, and equal strings give equal ids', () => {
    const exchange = webIdentity({ ...settings, roleSessionName: namer('a') });
    expect(exchange.id).toBe(exchange.id);
    expect(webIdentity({ ...settings, roleSessionName: 'fixed' }).id).toBe(webIdentity({ ...settings, roleSessionName: 'fixed' }).id);
    expect(webIdentity({ ...settings, roleSessionName: 'fixed' }).id).not.toBe(webIdentity({ ...settings, roleSessionName: 'other' }).id);
  });
});

describe('sessionNameFor', () => {
  const VALID = /^[\w+=,.@-]{2,64}$/;
  it.each([
    ['auth0|alice', 'auth0-alice=17gqshzkehj'],
    ['google-oauth2|1130154011234', 'google-oauth2-1130154011234=1m3fmkn9dqc'],
    ['a', 'a=262p94epp1d'],
    [`auth0|${'x'.repeat(80)}`, `auth0-${'x'.repeat(46)}=09k44py0wf8`],
  ])('%s -> %s: rewritten, then told apart by a hash of the sub (2-64 characters of [\\w+=,.@-])', (sub, name) => {
    expect(sessionNameFor(sub)).toBe(name);
    expect(name).toMatch(VALID);
  });

  it.each(['auth0-alice', 'alice@example.com', 'samlp-Corp-j.doe', 'ab', 'x'.repeat(64)])('control: %s is already a session name, without "=": kept as it is', (sub) => {
    expect(sessionNameFor(sub)).toBe(sub);
  });

  it('never gives two subs one name (auth0|alice and auth0-alice used to share one)', () => {
    const subs = ['auth0|alice', 'auth0-alice', 'auth0 alice', 'auth0/alice', 'auth0=alice', 'auth0-alice=17gqshzkehj', 'a', 'a-', 'a=', 'é', 'è', `auth0|${'x'.repeat(80)}`, `auth0|${'x'.repeat(81)}`, `auth0-${'x'.repeat(80)}`, 'samlp|Corp|j.doe@corp.example', 'samlp|Corp/j.doe@corp.example'];
    const names = subs.map(sessionNameFor);
    expect(new Set(names).size).toBe(subs.length);
    for (const name of names) expect(name).toMatch(VALID);
    expect(subs.map(sessionNameFor)).toEqual(names);
  });
});

describe('AssumeRoleWithWebIdentity', () => {
  it('sends the ID token, role and mapped session name; answers in the usual credential shape', async () => {
    const { client, requests } = setup();
    const credentials = await client.getCredentials({ idToken: alice });
    expect(credentials).toMatchObject({ accessKeyId: 'ASIASTS000000000001', secretAccessKey: 'stsSECRETstsSECRET0123456789', sessionToken: 'stsSESSIONstsSESSION0123456789', subject: 'auth0|alice', assumedRoleArn: 'arn:aws:sts::123456789012:assumed-role/s3-per-user/auth0-alice=17gqshzkehj' });
    expect(Object.fromEntries(requests[0]!)).toMatchObject({ Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: ROLE, RoleSessionName: 'auth0-alice=17gqshzkehj', WebIdentityToken: alice, DurationSeconds: '3600' });
  });

  it('shares one request among 50 callers and serves the cache afterwards', async () => {
    const { client, requests } = setup();
    await Promise.all(Array.from({ length: 50 }, () => client.getCredentials({ idToken: alice })));
    await client.getCredentials({ idToken: alice });
    expect(requests).toHaveLength(1);
  });

  it('sends the current ID token on every refresh (fromWebToken alone re-sends a fixed one)', async () => {
    const start = Date.now();
    vi.useFakeTimers({ now: start, toFake: ['Date'] });
    const { client, requests } = setup();
    let token = alice;
    const provider = fromDelegation(client, { idToken: () => token });
    await provider();
    token = makeIdToken({ sub: 'auth0|alice', exp: FAR_EXP, iat: 42 });
    vi.setSystemTime(start + 51 * MINUTE);
    await provider();
    expect(requests.map((params) => params.get('WebIdentityToken'))).toEqual([alice, token]);
  });

  it.each([
    ['InvalidIdentityToken', 400, 'invalid_identity_token', 1],
    ['ExpiredTokenException', 400, 'id_token_expired', 1],
    ['AccessDenied', 403, 'access_denied', 1],
    ['IDPCommunicationError', 400, 'idp_communication_error', 3],
  ])('maps STS %s (%i) to %s after %i attempt(s), without quoting the token', async (code, status, mapped, attempts) => {
    vi.useFakeTimers();
    const { client, requests } = setup(() => stsError(status, code, `refused token ${alice}`));
    const outcome = client.getCredentials({ idToken: alice }).catch((error: unknown) => error);
    const error = (await settleOnFakeTime(outcome)) as Error;
    expect(error).toMatchObject({ name: 'DelegationError', code: mapped, status });
    expect(requests).toHaveLength(attempts);
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(alice);
  });

  it('recovers from one IDPCommunicationError', async () => {
    vi.useFakeTimers();
    const { client, requests } = setup((params, attempt) => (attempt === 1 ? stsError(400, 'IDPCommunicationError', 'try again') : stsAnswer(params)));
    const outcome = client.getCredentials({ idToken: alice });
    await expect(settleOnFakeTime(outcome)).resolves.toMatchObject({ accessKeyId: 'ASIASTS000000000001' });
    expect(requests).toHaveLength(2);
  });

  it('retries network errors, then reports network_error', async () => {
    vi.useFakeTimers();
    const requests: unknown[] = [];
    server.use(http.post(STS, () => {
      requests.push(1);
      return HttpResponse.error();
    }));
    const client = new DelegationClient({ clientID: 'client-abc', domain: 'tenant.auth0.com', exchange: webIdentity(settings) });
    const outcome = client.getCredentials({ idToken: alice }).catch((error: unknown) => error);
    expect(await settleOnFakeTime(outcome)).toMatchObject({ code: 'network_error', status: 0 });
    expect(requests).toHaveLength(3);
  });

  it('honours durationSeconds, a fixed session name and a session-name function', async () => {
    const fixed = setup(undefined, { durationSeconds: 900, roleSessionName: 'web-session' });
    await fixed.client.getCredentials({ idToken: alice });
    expect(fixed.requests[0]!.get('DurationSeconds')).toBe('900');
    expect(fixed.requests[0]!.get('RoleSessionName')).toBe('web-session');
    const computed = setup(undefined, { roleSessionName: (sub) => `u-${sub.length}` });
    await computed.client.getCredentials({ idToken: alice });
    expect(computed.requests.at(-1)!.get('RoleSessionName')).toBe('u-11');
  });

  it('refuses a refresh token, which STS cannot exchange', async () => {
    const { client, requests } = setup();
    await expect(client.getCredentials({ refreshToken: 'refresh-token-0123456789' })).rejects.toMatchObject({ code: 'invalid_configuration' });
    expect(requests).toHaveLength(0);
  });
});
