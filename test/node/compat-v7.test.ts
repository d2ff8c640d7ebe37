import { describe, expect, it, vi } from 'vitest';
import { Auth0, DelegationClient, isDelegationError } from '../../src/index';
import type { Auth0DelegationError, DelegationResult } from '../../src/index';
import { CLIENT_ID, DOMAIN, awsResult, delegationEndpoint, jsonResponse } from '../support/delegation-endpoint';
import { makeIdToken } from '../support/tokens';
import { server } from './setup';

const idToken = makeIdToken({ exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });

function setup(respond?: Parameters<typeof delegationEndpoint>[0]) {
  const endpoint = delegationEndpoint(respond);
  server.use(endpoint.handler);
  return { endpoint, auth0: new Auth0({ clientID: CLIENT_ID, domain: DOMAIN, callbackURL: 'dummy' }) };
}

/** Runs v7-style callback code and resolves with the arguments of every callback call, after a tick. */
function callbackCalls(auth0: Auth0, options: Parameters<Auth0['getDelegationToken']>[0]) {
  const calls: unknown[][] = [];
  const done = new Promise<unknown[][]>((resolve) => {
    auth0.getDelegationToken(options, (...args) => {
      calls.push(args);
      setTimeout(() => resolve(calls), 20);
    });
  });
  return done;
}

describe('new Auth0(options), as in auth0.js v7', () => {
  it('accepts v7\'s constructor options, ignoring those delegation does not use', () => {
    expect(() => new Auth0({ clientID: CLIENT_ID, domain: DOMAIN, callbackURL: 'dummy', responseType: 'token', callbackOnLocationHash: true, forceJSONP: false, sendSDKClientInfo: true })).not.toThrow();
  });

  it('passes the SDK options on to its client', () => {
    const auth0 = new Auth0({ clientID: CLIENT_ID, domain: 'http://127.0.0.1:4000', callbackURL: 'dummy', timeoutMs: 1_000 });
    expect(auth0.client).toBeInstanceOf(DelegationClient);
    expect(auth0.client.endpoint).toBe('http://127.0.0.1:4000/delegation');
  });

  it.each([
    [{ domain: DOMAIN, callbackURL: 'dummy' }, '"clientID"'],
    [{ clientID: CLIENT_ID, callbackURL: 'dummy' }, '"domain"'],
    [{ clientID: CLIENT_ID, domain: DOMAIN, clientid: 'x' }, '"clientid"'],
    [undefined, 'new Auth0({ clientID, domain, callbackURL })'],
  ])('throws invalid_configuration synchronously for %j', (options, text) => {
    expect(() => new Auth0(options as never)).toThrow(expect.objectContaining({ code: 'invalid_configuration', message: expect.stringContaining(text) }));
  });
});

describe('auth0.getDelegationToken(options, callback)', () => {
  it('calls back once with (null, delegationResult) as the endpoint sent it', async () => {
    const { auth0, endpoint } = setup();
    const calls = await callbackCalls(auth0, { id_token: idToken, api: 'aws' });
    expect(calls).toHaveLength(1);
    expect(calls[0]![0]).toBeNull();
    expect((calls[0]![1] as DelegationResult).Credentials.AccessKeyId).toBe('ASIAEXAMPLEKEY000001');
    expect(endpoint.requests[0]!.body).toMatchObject({ client_id: CLIENT_ID, target: CLIENT_ID, api_type: 'aws', id_token: idToken });
  });

  it('calls back once with an Error carrying v7\'s status, code and details', async () => {
    const { auth0 } = setup(() => jsonResponse({ error: 'unauthorized', error_description: 'invalid token' }, { status: 401 }));
    const calls = await callbackCalls(auth0, { id_token: idToken, api: 'aws' });
    expect(calls).toHaveLength(1);
    const [error, result] = calls[0] as [Auth0DelegationError, unknown];
    expect(result).toBeUndefined();
    expect(error).toBeInstanceOf(Error);
    expect(isDelegationError(error)).toBe(true);
    expect(error).toMatchObject({ status: 401, code: 'unauthorized', message: expect.stringContaining('invalid token') });
    expect(error.details).toEqual({ error: 'unauthorized', error_description: 'invalid token', code: 'unauthorized', description: 'invalid token' });
  });

  it('keeps the status on network failures (v7 lost it on its CORS path)', async () => {
    const { auth0 } = setup(() => Response.error());
    const calls = await callbackCalls(auth0, { id_token: idToken, api: 'aws', });
    expect(calls[0]![0]).toMatchObject({ code: 'network_error', status: 0, details: { code: 'network_error' } });
  }, 10_000);

  it('throws synchronously, as v7 did, when neither id_token nor refresh_token is given', () => {
    const { auth0, endpoint } = setup();
    const callback = vi.fn();
    expect(() => auth0.getDelegationToken({ api: 'aws' }, callback)).toThrow('You must send either an id_token or a refresh_token to get a delegation token.');
    expect(() => auth0.getDelegationToken(undefined as never, callback)).toThrow(expect.objectContaining({ code: 'missing_token' }));
    expect(callback).not.toHaveBeenCalled();
    expect(endpoint.requests).toHaveLength(0);
  });

  it('reports other bad input through the callback, not by throwing', async () => {
    const { auth0 } = setup();
    const calls = await callbackCalls(auth0, { id_token: 'not-a-jwt', api: 'aws' });
    expect(calls).toHaveLength(1);
    expect(calls[0]![0]).toMatchObject({ code: 'malformed_id_token' });
  });

  it('returns a promise when no callback is given', async () => {
    const { auth0 } = setup();
    await expect(auth0.getDelegationToken({ id_token: idToken, api: 'aws' })).resolves.toMatchObject({ Subject: 'auth0|alice' });
    await expect(auth0.getDelegationToken({ id_token: 'x.y.z', api: 'aws' })).rejects.toMatchObject({ code: 'malformed_id_token', details: { code: 'malformed_id_token' } });
  });

  it('never calls back twice when the callback throws; the exception surfaces asynchronously', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const { auth0 } = setup();
    const callback = vi.fn(() => {
      throw new Error('page bug');
    });
    auth0.getDelegationToken({ id_token: idToken, api: 'aws' }, callback);
    // setImmediate is not faked: let the (real) request finish without running the faked setTimeout.
    while (callback.mock.calls.length === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(() => vi.runOnlyPendingTimers()).toThrow('page bug');
    expect(callback).toHaveBeenCalledTimes(1);
  });

  it('uses the client cache: the facade, getCredentials and 20 concurrent callbacks share one request', async () => {
    const { auth0, endpoint } = setup(() => jsonResponse(awsResult(Date.now())));
    await Promise.all([
      ...Array.from({ length: 20 }, () => callbackCalls(auth0, { id_token: idToken, api: 'aws' })),
      auth0.client.getCredentials({ idToken }),
      auth0.getDelegationToken({ id_token: idToken, api: 'aws' }),
    ]);
    expect(endpoint.requests).toHaveLength(1);
  });

  it('hands each v7 caller its own error object (details never leak between callers)', async () => {
    const { auth0 } = setup(() => jsonResponse({ error: 'unauthorized' }, { status: 401 }));
    const [first, second] = await Promise.all([auth0.getDelegationToken({ id_token: idToken, api: 'aws' }).catch((e: unknown) => e), auth0.getDelegationToken({ id_token: idToken, api: 'aws' }).catch((e: unknown) => e)]);
    expect(first).not.toBe(second);
    expect(first).toMatchObject({ code: 'unauthorized', status: 401 });
  });
});
