import { inspect } from 'node:util';
import { runInNewContext } from 'node:vm';
import { HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { Auth0, DelegationClient, DelegationError, isDelegationError } from '../../src/index';
import { CLIENT_ID, DOMAIN, SECRET_ACCESS_KEY, SESSION_TOKEN, awsResult, delegationEndpoint, jsonResponse } from '../support/delegation-endpoint';
import { makeIdToken } from '../support/tokens';
import { server } from './setup';
import { settleOnFakeTime } from '../support/fake-time';

describe('DelegationError', () => {
  it('carries code, status, description and cause; JSON shows no cause', () => {
    const cause = new TypeError('fetch failed');
    const error = new DelegationError({ code: 'network_error', message: 'POST x failed', cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'DelegationError', code: 'network_error', status: 0, description: '', message: 'POST x failed', cause });
    expect(JSON.parse(JSON.stringify(error))).toEqual({ name: 'DelegationError', code: 'network_error', status: 0, description: '' });
    expect(String(error)).toBe('DelegationError: POST x failed');
  });

  it('isDelegationError matches across realms by name, and nothing else', () => {
    const foreign = runInNewContext('const e = new Error("x"); e.name = "DelegationError"; e.code = "timeout"; e.status = 0; e');
    expect(foreign instanceof DelegationError).toBe(false);
    expect(isDelegationError(foreign)).toBe(true);
    expect(isDelegationError(new DelegationError({ code: 'timeout', message: 'x' }))).toBe(true);
    for (const other of [new Error('x'), { name: 'DelegationError' }, { name: 'DelegationError', code: 1, status: 0 }, null, undefined, 'DelegationError', 42]) {
      expect(isDelegationError(other)).toBe(false);
    }
  });
});

describe('secrets never leak into errors', () => {
  const idToken = makeIdToken({ exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });
  const refreshToken = 'REFRESHtokenREFRESHtoken0123456789';
  const secrets = [idToken, refreshToken, SECRET_ACCESS_KEY, SESSION_TOKEN];

  function everythingObservable(error: unknown): string {
    const value = error as Error;
    return [value.message, String(value), JSON.stringify(value), inspect(value, { depth: 10, showHidden: true }), value.stack ?? ''].join('\n');
  }

  // A server may echo what it was sent; the SDK redacts the tokens it sent (it cannot know other secrets).
  /** A JSON body as a server that escapes every letter writes it (`\u0061` for `a`): the same JSON. */
  const jsonText = (body: unknown, status: number) => new HttpResponse(JSON.stringify(body).replace(/[A-Za-z]/g, (letter) => `\\u${letter.charCodeAt(0).toString(16).padStart(4, '0')}`), { status, headers: { 'content-type': 'application/json' } });
  const echo = (request: { bodyText: string }) => `server saw ${request.bodyText}`;
  it.each<[string, Parameters<typeof delegationEndpoint>[0]]>([
    ['an Auth0 error that echoes the request', (request) => jsonResponse({ error: 'unauthorized', error_description: echo(request) }, { status: 401 })],
    // JSON lets a server write any character as \u0065: the token must be found in what the body means.
    ['an Auth0 error that echoes the request with JSON escapes', (request) => jsonText({ error: 'unauthorized', error_description: echo(request), echoed: { [request.bodyText]: request.body } }, 401)],
    ['an HTML error page that echoes it and holds secrets', (request) => new HttpResponse(`<pre>${echo(request)} ${SECRET_ACCESS_KEY} ${SESSION_TOKEN}</pre>`, { status: 400 })],
    ['invalid credentials (no SessionToken) with a secret key', () => jsonResponse({ Credentials: { AccessKeyId: 'A', SecretAccessKey: SECRET_ACCESS_KEY, Expiration: new Date(Date.now() + 60_000).toISOString() } })],
    ['an expired Expiration next to real secrets', () => jsonResponse(awsResult(Date.now(), -1_000))],
    ['a network error', () => HttpResponse.error()],
  ])('%s', async (_name, respond) => {
    vi.useFakeTimers();
    const endpoint = delegationEndpoint(respond);
    server.use(endpoint.handler);
    const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, retries: 0 });
    for (const call of [() => client.getCredentials({ idToken }), () => client.getDelegationToken({ refresh_token: refreshToken, api: 'aws' })]) {
      const outcome = call().catch((error: unknown) => error);
      const error = await settleOnFakeTime(outcome);
      expect(isDelegationError(error)).toBe(true);
      const text = everythingObservable(error);
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
  });

  it.each<[string, Parameters<typeof delegationEndpoint>[0]]>([
    ['an echo', (request) => jsonResponse({ error: 'unauthorized', error_description: echo(request), echoed: request.body }, { status: 401 })],
    ['an echo with JSON escapes', (request) => jsonText({ error: 'unauthorized', error_description: echo(request), echoed: { [request.bodyText]: request.body } }, 401)],
  ])('the v7 facade\'s error (every field of the body, details, cause) for %s', async (_name, respond) => {
    const endpoint = delegationEndpoint(respond);
    server.use(endpoint.handler);
    const auth0 = new Auth0({ clientID: CLIENT_ID, domain: DOMAIN, retries: 0 });
    for (const options of [{ id_token: idToken, api: 'aws' }, { refresh_token: refreshToken, api: 'aws' }, { id_token: idToken, api: 'auth0' }]) {
      const error = (await auth0.getDelegationToken(options).catch((thrown: unknown) => thrown)) as Error & Record<string, unknown>;
      expect(error['error']).toBe('unauthorized');
      const text = [everythingObservable(error), JSON.stringify(error['details']), everythingObservable(error.cause)].join('\n');
      for (const secret of secrets) expect(text).not.toContain(secret);
      // The fields are there, the tokens in them redacted.
      expect(JSON.stringify(error)).toContain('[redacted]');
    }
  });

  it('negative control: the escaped body means the token, and the check would see it', () => {
    const text = JSON.stringify({ token: idToken }).replace(/[A-Za-z]/g, (letter) => `\\u${letter.charCodeAt(0).toString(16).padStart(4, '0')}`);
    expect(text).not.toContain(idToken);
    expect(everythingObservable(Object.assign(new Error('x'), JSON.parse(text) as object))).toContain(idToken);
  });
});
