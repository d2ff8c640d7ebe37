import { describe, expect, it, vi } from 'vitest';
import { Auth0, DelegationClient, isDelegationError } from '../../../src/index';
import type { Auth0DelegationError, DelegationCallback, DelegationResult } from '../../../src/index';
import { CLIENT_ID, DOMAIN, awsResult, delegationEndpoint, jsonResponse } from '../../support/delegation-endpoint';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';
import { settleOnFakeTime } from '../../support/fake-time';

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

  it('accepts every constructor option auth0.js 7.6.1 reads (audience, __tenant, __token_issuer, ...)', () => {
    const v7 = { responseMode: 'form_post', useCordovaSocialPlugins: false, scope: 'openid', audience: 'https://api.example.com', __tenant: 'tenant', __token_issuer: 'https://tenant.auth0.com/' };
    expect(() => new Auth0({ clientID: CLIENT_ID, domain: DOMAIN, callbackURL: 'dummy', ...v7 })).not.toThrow();
  });

  it('can be called without new, as v7\'s own tests did, and is still an Auth0', () => {
    const auth0 = Auth0({ clientID: CLIENT_ID, domain: DOMAIN, callbackURL: 'dummy' });
    expect(auth0).toBeInstanceOf(Auth0);
    expect(new Auth0({ clientID: CLIENT_ID, domain: DOMAIN })).toBeInstanceOf(Auth0);
    expect(auth0.client).toBeInstanceOf(DelegationClient);
  });

  it.each([
    [{ domain: DOMAIN, callbackURL: 'dummy' }, 'clientID is required.'],
    [{ clientID: CLIENT_ID, callbackURL: 'dummy' }, 'domain is required.'],
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

  it('calls back once with the server\'s error body, as v7 did, as an Error with status and the SDK\'s error as cause', async () => {
    const { auth0 } = setup(() => jsonResponse({ error: 'unauthorized', error_description: 'invalid token', statusCode: 401 }, { status: 401 }));
    const calls = await callbackCalls(auth0, { id_token: idToken, api: 'aws' });
    expect(calls).toHaveLength(1);
    const [error, result] = calls[0] as [Auth0DelegationError, unknown];
    expect(result).toBeUndefined();
    expect(error).toBeInstanceOf(Error);
    expect({ ...error }).toEqual({ error: 'unauthorized', error_description: 'invalid token', statusCode: 401, status: 401 });
    expect(isDelegationError(error.cause)).toBe(true);
    expect(error.cause).toMatchObject({ code: 'unauthorized', status: 401, description: 'invalid token' });
  });

  it('reports a network failure as v7\'s LoginError: code Unknown, name connection_refused_timeout, status 0', async () => {
    vi.useFakeTimers();
    const { auth0 } = setup(() => Response.error());
    const outcome = auth0.getDelegationToken({ id_token: idToken, api: 'aws' }).catch((error: unknown) => error);
    const error = (await settleOnFakeTime(outcome)) as Auth0DelegationError;
    expect({ ...error }).toEqual({ status: 0, name: 'connection_refused_timeout', code: 'Unknown', details: { code: 'connection_refused_timeout' }, message: 'Unknown error.' });
    expect(error.cause).toMatchObject({ code: 'network_error' });
  });

  it('reports offline as v7 did when the browser says so (navigator.onLine false)', async () => {
    vi.useFakeTimers();
    vi.stubGlobal('navigator', { onLine: false });
    try {
      const { auth0 } = setup(() => Response.error());
      const outcome = auth0.getDelegationToken({ id_token: idToken, api: 'aws' }).catch((error: unknown) => error);
      expect({ ...(await settleOnFakeTime(outcome)) as object }).toEqual({ status: 0, name: 'offline', code: 'offline', details: { code: 'offline' } });
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('calls back with this the global object, as v7\'s plain call did', async () => {
    const { auth0 } = setup();
    const self = await new Promise<unknown>((resolve) => auth0.getDelegationToken({ id_token: idToken, api: 'aws' }, function (this: unknown) {
      resolve(this);
    }));
    expect(self).toBe(globalThis);
  });

  it('throws synchronously, as v7 did, when neither id_token nor refresh_token is given', () => {
    const { auth0, endpoint } = setup();
    const callback = vi.fn();
    expect(() => auth0.getDelegationToken({ api: 'aws' }, callback)).toThrow('You must send either an id_token or a refresh_token to get a delegation token.');
    expect(() => auth0.getDelegationToken(undefined as never, callback)).toThrow(expect.objectContaining({ code: 'missing_token' }));
    expect(callback).not.toHaveBeenCalled();
    expect(endpoint.requests).toHaveLength(0);
  });

  it('reports other bad input through the callback, not by throwing: the SDK\'s own error (v7 had none)', async () => {
    const { auth0 } = setup();
    const calls = await callbackCalls(auth0, { id_token: 'not-a-jwt', api: 'aws' });
    expect(calls).toHaveLength(1);
    expect(isDelegationError(calls[0]![0])).toBe(true);
    expect(calls[0]![0]).toMatchObject({ code: 'malformed_id_token' });
  });

  it('returns a promise when no callback is given', async () => {
    const { auth0 } = setup();
    await expect(auth0.getDelegationToken({ id_token: idToken, api: 'aws' })).resolves.toMatchObject({ Subject: 'auth0|alice' });
    await expect(auth0.getDelegationToken({ id_token: 'x.y.z', api: 'aws' })).rejects.toMatchObject({ code: 'malformed_id_token' });
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

  it('hands each v7 caller its own error object (fields never leak between callers)', async () => {
    const { auth0 } = setup(() => jsonResponse({ error: 'unauthorized' }, { status: 401 }));
    const [first, second] = await Promise.all([auth0.getDelegationToken({ id_token: idToken, api: 'aws' }).catch((e: unknown) => e), auth0.getDelegationToken({ id_token: idToken, api: 'aws' }).catch((e: unknown) => e)]);
    expect(first).not.toBe(second);
    expect(first).toMatchObject({ error: 'unauthorized', status: 401 });
  });
});

describe('v7\'s other delegation calls: sent as v7 sent them, answered as the endpoint answered, not cached', () => {
  const firebase = { id_token: 'eyJ.firebase', token_type: 'Bearer', expires_in: 36000 };

  it.each([
    ['getDelegationToken with api firebase', (auth0: Auth0, cb: DelegationCallback) => auth0.getDelegationToken({ id_token: idToken, api: 'firebase' }, cb), { api_type: 'firebase', id_token: idToken }],
    ['getDelegationToken without api (api_type sent empty)', (auth0: Auth0, cb: DelegationCallback) => auth0.getDelegationToken({ id_token: idToken }, cb), { api_type: '', id_token: idToken }],
    ['renewIdToken', (auth0: Auth0, cb: DelegationCallback) => auth0.renewIdToken(idToken, cb), { api_type: 'auth0', id_token: idToken, scope: 'passthrough' }],
    ['refreshToken', (auth0: Auth0, cb: DelegationCallback) => auth0.refreshToken('REFRESHtokenREFRESH0123', cb), { api_type: 'auth0', refresh_token: 'REFRESHtokenREFRESH0123', scope: 'passthrough' }],
  ])('%s', async (_name, call, sent) => {
    const { auth0, endpoint } = setup(() => jsonResponse(firebase));
    for (let round = 0; round < 2; round++) {
      const [error, result] = await new Promise<unknown[]>((resolve) => call(auth0, (...args) => resolve(args)));
      expect(error).toBeNull();
      expect(result).toEqual(firebase);
    }
    // Twice called, twice sent: only AWS answers are cached.
    expect(endpoint.requests).toHaveLength(2);
    expect(endpoint.requests[0]!.body).toEqual({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', client_id: CLIENT_ID, target: CLIENT_ID, ...sent });
  });

  it('negative control: api aws is cached (the same two calls make one request)', async () => {
    const { auth0, endpoint } = setup();
    for (let round = 0; round < 2; round++) await auth0.getDelegationToken({ id_token: idToken, api: 'aws' });
    expect(endpoint.requests).toHaveLength(1);
  });
});

describe('an error body with the names of an Error\'s own machinery', () => {
  const failWith = async (bodyText: string) => {
    const { auth0 } = setup(() => new Response(bodyText, { status: 400, headers: { 'content-type': 'application/json' } }));
    return (await auth0.getDelegationToken({ id_token: idToken, api: 'aws' }).catch((error: unknown) => error)) as Auth0DelegationError;
  };

  it('"__proto__" is a field, as in v7\'s parsed body: the server does not choose the error\'s prototype', async () => {
    for (const proto of ['{"polluted":"yes","toString":1}', 'null']) {
      const error = await failWith(`{"error":"invalid_request","__proto__":${proto}}`);
      expect(Object.getPrototypeOf(error)).toBe(Error.prototype);
      expect(error).toBeInstanceOf(Error);
      expect(String(error)).toContain('Error');
      expect(Object.prototype.hasOwnProperty.call(error, '__proto__')).toBe(true);
      expect(error).toMatchObject({ error: 'invalid_request', status: 400 });
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('"cause" in the body does not replace the SDK\'s DelegationError', async () => {
    const error = await failWith('{"error":"invalid_request","cause":"from the server","message":"m","name":"n"}');
    expect(isDelegationError(error.cause)).toBe(true);
    expect(error).toMatchObject({ message: 'm', name: 'n', error: 'invalid_request' });
  });

  it('negative control: the other fields of such a body are all there, as v7 handed them over', async () => {
    const error = await failWith('{"error":"invalid_request","constructor":"c","hasOwnProperty":"h","statusCode":400}');
    expect(error).toMatchObject({ error: 'invalid_request', constructor: 'c', hasOwnProperty: 'h', statusCode: 400, status: 400 });
    expect(Object.getPrototypeOf(error)).toBe(Error.prototype);
  });
});
