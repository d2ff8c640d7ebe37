import { describe, expect, it } from 'vitest';
import { Auth0, DelegationClient, isDelegationError } from '../../src/index';
import { CLIENT_ID, DOMAIN, delegationEndpoint, jsonResponse, perUserResult } from '../support/delegation-endpoint';
import { makeIdToken } from '../support/tokens';
import { useWorker, worker } from './worker';

useWorker();

const FAR_EXP = Date.parse('2100-01-01T00:00:00Z') / 1000;
const alice = makeIdToken({ sub: 'auth0|alice', exp: FAR_EXP });
const bob = makeIdToken({ sub: 'auth0|bob', exp: FAR_EXP });

function setup(respond?: Parameters<typeof delegationEndpoint>[0]) {
  const endpoint = delegationEndpoint(respond);
  worker.use(endpoint.handler);
  return { endpoint, client: new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN }) };
}

describe('DelegationClient in the browser', () => {
  it('gets credentials cross-origin and serves 50 concurrent callers with one request', async () => {
    const { client, endpoint } = setup((request) => perUserResult(request));
    const results = await Promise.all(Array.from({ length: 50 }, () => client.getCredentials({ idToken: alice })));
    expect(endpoint.requests).toHaveLength(1);
    expect(results[49]).toMatchObject({ subject: 'auth0|alice', accessKeyId: 'ASIAAUTH0ALICE' });
    expect(results[0]!.expiration).toBeInstanceOf(Date);
  });

  it('keeps two users apart and refetches after clearCache', async () => {
    const { client, endpoint } = setup((request) => perUserResult(request));
    expect((await client.getCredentials({ idToken: alice })).subject).toBe('auth0|alice');
    expect((await client.getCredentials({ idToken: bob })).subject).toBe('auth0|bob');
    client.clearCache();
    await client.getCredentials({ idToken: bob });
    expect(endpoint.requests).toHaveLength(3);
  });

  it('sends v7\'s form body, with v7\'s content type (a CORS simple request)', async () => {
    const { client, endpoint } = setup();
    await client.getDelegationToken({ id_token: alice, api: 'aws' });
    expect(endpoint.requests[0]!.bodyText).toBe(`grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&client_id=${CLIENT_ID}&target=${CLIENT_ID}&api_type=aws&id_token=${alice}`);
    expect(endpoint.requests[0]!.contentType).toBe('application/x-www-form-urlencoded');
  });

  it('maps an Auth0 error to a DelegationError and leaves no trace in storage', async () => {
    const { client } = setup(() => jsonResponse({ error: 'unauthorized', error_description: 'expired' }, { status: 401 }));
    const error = await client.getCredentials({ idToken: alice }).catch((caught: unknown) => caught);
    expect(isDelegationError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'unauthorized', status: 401, description: 'expired' });
    expect(localStorage.length + sessionStorage.length).toBe(0);
  });

  it('refuses an expired ID token without a request', async () => {
    const { client, endpoint } = setup();
    await expect(client.getCredentials({ idToken: makeIdToken({ exp: 1 }) })).rejects.toMatchObject({ code: 'id_token_expired' });
    expect(endpoint.requests).toHaveLength(0);
  });
});

describe('the v7 facade in the browser', () => {
  it('calls back once with the delegation result, sharing the client cache', async () => {
    const { endpoint } = setup();
    const auth0 = new Auth0({ clientID: CLIENT_ID, domain: DOMAIN, callbackURL: 'dummy' });
    const calls: unknown[][] = [];
    await new Promise<void>((resolve) => {
      auth0.getDelegationToken({ id_token: alice, api: 'aws' }, (...args) => {
        calls.push(args);
        resolve();
      });
    });
    await auth0.client.getCredentials({ idToken: alice });
    expect(calls).toHaveLength(1);
    expect(calls[0]![0]).toBeNull();
    expect(calls[0]![1]).toMatchObject({ Credentials: { AccessKeyId: 'ASIAEXAMPLEKEY000001' } });
    expect(endpoint.requests).toHaveLength(1);
  });
});
