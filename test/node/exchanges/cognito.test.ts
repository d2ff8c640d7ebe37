// The Cognito identity pool exchange: the AWS SDK's fromCognitoIdentityPool (GetId, then
// GetCredentialsForIdentity; msw stands in for Cognito Identity) behind the same client, cache, provider
// and errors as the other exchanges.
import { HttpResponse, http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { cognitoIdentityPool } from '../../../src/entries/cognito';
import type { CognitoIdentityPoolOptions } from '../../../src/entries/cognito';
import { DelegationClient, isDelegationError } from '../../../src/index';
import { COGNITO_URL, IDENTITY_POOL_ID, identityIdOf, issuingCognito } from '../../support/issuer';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';
import { settleOnFakeTime } from '../../support/fake-time';

const FAR_EXP = Date.parse('2100-01-01T00:00:00Z') / 1000;
const alice = makeIdToken({ sub: 'auth0|alice', exp: FAR_EXP });
const bob = makeIdToken({ sub: 'auth0|bob', exp: FAR_EXP });

function setup(extra: Partial<CognitoIdentityPoolOptions> = {}, clientOptions: { retries?: number } = {}) {
  const cognito = issuingCognito({ keys: new Map() });
  server.use(cognito.handler);
  const client = new DelegationClient({ clientID: 'client-abc', domain: 'tenant.auth0.com', exchange: cognitoIdentityPool({ identityPoolId: IDENTITY_POOL_ID, ...extra }), ...clientOptions });
  return { cognito, client };
}

/** Cognito Identity's error answer (AWS JSON): `__type` and the x-amzn-ErrorType header. */
const cognitoError = (status: number, type: string, message: string) =>
  new HttpResponse(JSON.stringify({ __type: type, message }), { status, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type } });

describe('cognitoIdentityPool(settings)', () => {
  it.each<[string, unknown, string]>([
    ['no settings', undefined, 'cognitoIdentityPool({ identityPoolId })'],
    ['a pool ID that is not one', { identityPoolId: 'my-pool' }, '"identityPoolId"'],
    ['a region that is not one', { identityPoolId: IDENTITY_POOL_ID, region: 'Europe' }, '"region"'],
    ['a provider name with a space', { identityPoolId: IDENTITY_POOL_ID, providerName: 'tenant auth0' }, '"providerName"'],
    ['a custom role that is not a role ARN', { identityPoolId: IDENTITY_POOL_ID, customRoleArn: 'admin' }, '"customRoleArn"'],
    ['an unknown key', { identityPoolId: IDENTITY_POOL_ID, roleArn: 'x' }, '"roleArn"'],
  ])('refuses %s with invalid_configuration naming it', (_name, value, named) => {
    expect(() => cognitoIdentityPool(value as CognitoIdentityPoolOptions)).toThrow(expect.objectContaining({ code: 'invalid_configuration', message: expect.stringContaining(named) }));
  });

  it('negative control: accepts a pool ID alone (its region is the pool\'s)', () => {
    expect(() => cognitoIdentityPool({ identityPoolId: IDENTITY_POOL_ID })).not.toThrow();
  });
});

describe('GetId and GetCredentialsForIdentity', () => {
  it('logs in with the tenant host as provider and the ID token; answers credentials with the identity ID', async () => {
    const { client, cognito } = setup();
    const credentials = await client.getCredentials({ idToken: alice });
    expect(cognito.calls.map((call) => call.target)).toEqual(['AWSCognitoIdentityService.GetId', 'AWSCognitoIdentityService.GetCredentialsForIdentity']);
    expect(cognito.calls[0]!.body).toMatchObject({ IdentityPoolId: IDENTITY_POOL_ID, Logins: { 'tenant.auth0.com': alice } });
    expect(cognito.calls[1]!.body).toMatchObject({ IdentityId: identityIdOf('auth0|alice'), Logins: { 'tenant.auth0.com': alice } });
    expect(credentials).toMatchObject({ accessKeyId: cognito.issued[0]!.accessKeyId, identityId: identityIdOf('auth0|alice'), subject: 'auth0|alice', expiration: expect.any(Date) });
    expect(credentials.expiration.getTime()).toBeGreaterThan(Date.now());
  });

  it('uses the providerName given instead of the tenant host', async () => {
    const { client, cognito } = setup({ providerName: 'login.example.com' });
    await client.getCredentials({ idToken: alice });
    expect(Object.keys(cognito.calls[0]!.body['Logins'] as object)).toEqual(['login.example.com']);
  });

  it('asks again with each user\'s own token, and caches per token: two users, two identities', async () => {
    const { client, cognito } = setup();
    const [a, b, again] = [await client.getCredentials({ idToken: alice }), await client.getCredentials({ idToken: bob }), await client.getCredentials({ idToken: alice })];
    expect([a.identityId, b.identityId]).toEqual([identityIdOf('auth0|alice'), identityIdOf('auth0|bob')]);
    expect(again.accessKeyId).toBe(a.accessKeyId);
    expect(cognito.requests).toHaveLength(2);
  });

  it('refuses a refresh token (not a login of an identity pool), sending nothing', async () => {
    const { client, cognito } = setup();
    await expect(client.getCredentials({ refreshToken: 'REFRESHtokenREFRESHtoken' })).rejects.toMatchObject({ code: 'invalid_configuration' });
    expect(cognito.calls).toHaveLength(0);
  });

  it('keeps nothing in browser storage (no identity ID in IndexedDB or localStorage)', async () => {
    const storage = new Map<string, string>();
    const localStorage = { getItem: (key: string) => storage.get(key) ?? null, setItem: (key: string, value: string) => void storage.set(key, value), removeItem: (key: string) => void storage.delete(key) };
    vi.stubGlobal('window', { localStorage });
    vi.stubGlobal('self', { indexedDB: { open: () => { throw new Error('no IndexedDB in this test'); } } });
    try {
      const { client } = setup();
      await client.getCredentials({ idToken: alice });
      expect(storage.size).toBe(0);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('Cognito Identity errors, in this SDK\'s codes', () => {
  it.each<[string, number, string, string, number]>([
    ['NotAuthorizedException (a bad or expired token, or an unknown provider)', 400, 'NotAuthorizedException', 'not_authorized', 1],
    ['ResourceNotFoundException (no such pool)', 400, 'ResourceNotFoundException', 'identity_pool_not_found', 1],
    ['InvalidIdentityPoolConfigurationException', 400, 'InvalidIdentityPoolConfigurationException', 'invalid_identity_pool_configuration', 1],
    ['InvalidParameterException', 400, 'InvalidParameterException', 'invalid_request', 1],
    ['TooManyRequestsException (retried)', 400, 'TooManyRequestsException', 'rate_limited', 3],
    ['ExternalServiceException (retried)', 400, 'ExternalServiceException', 'idp_communication_error', 3],
    ['InternalErrorException (retried)', 500, 'InternalErrorException', 'server_error', 3],
  ])('%s', async (_name, status, type, code, attempts) => {
    vi.useFakeTimers();
    const requests: unknown[] = [];
    server.use(http.post(COGNITO_URL, () => {
      requests.push(1);
      return cognitoError(status, type, `about ${alice}`);
    }));
    const client = new DelegationClient({ clientID: 'client-abc', domain: 'tenant.auth0.com', exchange: cognitoIdentityPool({ identityPoolId: IDENTITY_POOL_ID }) });
    const outcome = client.getCredentials({ idToken: alice }).catch((error: unknown) => error);
    const error = await settleOnFakeTime(outcome);
    expect(isDelegationError(error)).toBe(true);
    expect(error).toMatchObject({ code, status });
    expect(requests).toHaveLength(attempts);
    // The token the service echoed is not in the error.
    expect(`${(error as Error).message} ${JSON.stringify(error)}`).not.toContain(alice);
  });

  it('retries network errors, then reports network_error; the next call works (nothing cached)', async () => {
    vi.useFakeTimers();
    let down = true;
    const cognito = issuingCognito({ keys: new Map() });
    // msw asks the handlers in the order given: the outage first.
    server.use(http.post(COGNITO_URL, () => (down ? HttpResponse.error() : undefined)), cognito.handler);
    const client = new DelegationClient({ clientID: 'client-abc', domain: 'tenant.auth0.com', exchange: cognitoIdentityPool({ identityPoolId: IDENTITY_POOL_ID }) });
    const outcome = client.getCredentials({ idToken: alice }).catch((error: unknown) => error);
    expect(await settleOnFakeTime(outcome)).toMatchObject({ code: 'network_error', status: 0 });
    down = false;
    await expect(client.getCredentials({ idToken: alice })).resolves.toMatchObject({ identityId: identityIdOf('auth0|alice') });
  });
});
