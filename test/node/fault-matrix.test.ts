// Every fault the delegation endpoint or the network can produce, one row each: the error code and
// status, the exact number of attempts, no unhandled rejection, nothing cached (the next call, once the
// endpoint recovers, makes one new request and succeeds), and no secret in anything observable.
import { inspect } from 'node:util';
import { HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DelegationClient, isDelegationError } from '../../src/index';
import { CLIENT_ID, DOMAIN, SECRET_ACCESS_KEY, SESSION_TOKEN, awsResult, delegationEndpoint, jsonResponse } from '../support/delegation-endpoint';
import { makeIdToken } from '../support/tokens';
import { server } from './setup';
import { settleOnFakeTime } from '../support/fake-time';

const idToken = makeIdToken({ exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });
const REFRESH_TOKEN = 'REFRESHtokenREFRESHtoken0123456789';
const SECRETS = [idToken, REFRESH_TOKEN, SECRET_ACCESS_KEY, SESSION_TOKEN];
const valid = () => awsResult(Date.now()) as { Credentials: Record<string, unknown> } & Record<string, unknown>;
const without = (field: string) => {
  const body = valid();
  delete body.Credentials[field];
  return body;
};
const withCredential = (field: string, value: unknown) => {
  const body = valid();
  body.Credentials[field] = value;
  return body;
};
const networkFailure = (code: string) => new TypeError('fetch failed', { cause: Object.assign(new Error(`${code} delegation endpoint`), { code }) });
const never = () => new Promise<Response>(() => undefined);

interface Fault {
  /** What the endpoint answers while it is failing. */
  respond?: () => Response | Promise<Response>;
  /** A transport failure the fetch rejects with instead. */
  transport?: () => Error;
  code: string;
  status: number;
  attempts: number;
  /** Aborts the caller's signal this long after the call. */
  abortAfterMs?: number;
}

const FAULTS: Record<string, Fault> = {
  '429 with Retry-After': { respond: () => new HttpResponse(null, { status: 429, headers: { 'retry-after': '2' } }), code: 'rate_limited', status: 429, attempts: 3 },
  '429 with X-RateLimit-Reset': { respond: () => new HttpResponse(null, { status: 429, headers: { 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 3) } }), code: 'rate_limited', status: 429, attempts: 3 },
  '429 with Auth0\'s body': { respond: () => jsonResponse({ error: 'too_many_requests', error_description: 'Too many requests' }, { status: 429, headers: { 'retry-after': '1' } }), code: 'too_many_requests', status: 429, attempts: 3 },
  500: { respond: () => new HttpResponse(null, { status: 500 }), code: 'server_error', status: 500, attempts: 3 },
  502: { respond: () => new HttpResponse(null, { status: 502 }), code: 'server_error', status: 502, attempts: 3 },
  503: { respond: () => new HttpResponse(null, { status: 503 }), code: 'server_error', status: 503, attempts: 3 },
  504: { respond: () => new HttpResponse(null, { status: 504 }), code: 'server_error', status: 504, attempts: 3 },
  'connection reset': { transport: () => networkFailure('ECONNRESET'), code: 'network_error', status: 0, attempts: 3 },
  'DNS failure': { transport: () => networkFailure('ENOTFOUND'), code: 'network_error', status: 0, attempts: 3 },
  'a generic network error': { respond: () => HttpResponse.error(), code: 'network_error', status: 0, attempts: 3 },
  'a response that never arrives': { respond: never, code: 'timeout', status: 0, attempts: 1 },
  'an aborted signal': { respond: never, abortAfterMs: 50, code: 'aborted', status: 0, attempts: 1 },
  'an HTML error page (500)': { respond: () => new HttpResponse('<html><h1>Internal error</h1></html>', { status: 500, headers: { 'content-type': 'text/html' } }), code: 'server_error', status: 500, attempts: 3 },
  'an HTML page with 200': { respond: () => new HttpResponse('<html>Login</html>', { status: 200, headers: { 'content-type': 'text/html' } }), code: 'invalid_response', status: 200, attempts: 1 },
  'an empty body': { respond: () => new HttpResponse('', { status: 200 }), code: 'invalid_response', status: 200, attempts: 1 },
  'truncated JSON': { respond: () => new HttpResponse(JSON.stringify(valid()).slice(0, 60), { status: 200 }), code: 'invalid_response', status: 200, attempts: 1 },
  'JSON with wrong types': { respond: () => jsonResponse({ Credentials: { AccessKeyId: 1, SecretAccessKey: true, SessionToken: [], Expiration: {} } }), code: 'invalid_response', status: 200, attempts: 1 },
  ...Object.fromEntries(['AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration'].map((field) => [`Credentials without ${field}`, { respond: () => jsonResponse(without(field)), code: 'invalid_response', status: 200, attempts: 1 }])),
  'an Expiration in the past': { respond: () => jsonResponse(withCredential('Expiration', new Date(Date.now() - 60_000).toISOString())), code: 'invalid_response', status: 200, attempts: 1 },
  'an unparseable Expiration': { respond: () => jsonResponse(withCredential('Expiration', 'tomorrow-ish')), code: 'invalid_response', status: 200, attempts: 1 },
  '400 with Auth0\'s body': { respond: () => jsonResponse({ error: 'invalid_request', error_description: 'target is invalid' }, { status: 400 }), code: 'invalid_request', status: 400, attempts: 1 },
  '401 with Auth0\'s body': { respond: () => jsonResponse({ error: 'unauthorized', error_description: 'invalid id_token' }, { status: 401 }), code: 'unauthorized', status: 401, attempts: 1 },
  '403 with Auth0\'s body': { respond: () => jsonResponse({ error: 'access_denied', error_description: 'Rule denied delegation' }, { status: 403 }), code: 'access_denied', status: 403, attempts: 1 },
};

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
  vi.restoreAllMocks();
});

/** A client whose endpoint fails as `fault` says until `recovered.value` is set. */
function faultyClient(fault: Fault) {
  const state = { recovered: false, attempts: 0, urls: [] as string[] };
  const endpoint = delegationEndpoint(() => (state.recovered ? jsonResponse(valid()) : fault.respond!()));
  server.use(endpoint.handler);
  const fetch: typeof globalThis.fetch = async (input, init) => {
    state.attempts++;
    state.urls.push(input instanceof Request ? input.url : String(input));
    if (fault.transport && !state.recovered) throw fault.transport();
    return globalThis.fetch(input, init);
  };
  return { state, client: new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, fetch }) };
}

function observable(error: unknown, consoleCalls: unknown[][], urls: string[]): string {
  const value = error as Error;
  return [value.message, String(value), JSON.stringify(value), inspect(value, { depth: 10, showHidden: true }), ...consoleCalls.map((args) => inspect(args, { depth: 10 })), ...urls].join('\n');
}

describe.each(Object.entries(FAULTS))('fault: %s', (_name, fault) => {
  it.each([
    ['getCredentials', (client: DelegationClient, signal?: AbortSignal) => client.getCredentials({ idToken, signal })],
    ['getDelegationToken with a refresh token', (client: DelegationClient, signal?: AbortSignal) => client.getDelegationToken({ refresh_token: REFRESH_TOKEN, api: 'aws', signal })],
  ])(`%s -> ${fault.code} (${fault.status}) after ${fault.attempts} attempt(s); nothing cached; no secret shown`, async (_call, call) => {
    vi.useFakeTimers();
    const consoleCalls: unknown[][] = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoleCalls.push(args));
    const { client, state } = faultyClient(fault);
    const controller = new AbortController();
    const outcome = call(client, controller.signal).catch((error: unknown) => error);
    if (fault.abortAfterMs !== undefined) {
      await vi.advanceTimersByTimeAsync(fault.abortAfterMs);
      controller.abort();
    }
    const error = await settleOnFakeTime(outcome);

    expect(isDelegationError(error)).toBe(true);
    expect(error).toMatchObject({ code: fault.code, status: fault.status });
    expect(state.attempts).toBe(fault.attempts);
    const text = observable(error, consoleCalls, state.urls);
    for (const secret of SECRETS) expect(text).not.toContain(secret);

    state.recovered = true;
    const retry = call(client).catch((caught: unknown) => caught);
    expect(isDelegationError(await settleOnFakeTime(retry))).toBe(false);
    expect(state.attempts).toBe(fault.attempts + 1);
    // Node reports unhandled rejections after a macrotask: give it one on the real clock.
    vi.useRealTimers();
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).toEqual([]);
  });
});

describe('concurrency under faults', () => {
  it('50 concurrent callers of a failing request all get its error; the next call makes one new request', async () => {
    vi.useFakeTimers();
    const { client, state } = faultyClient(FAULTS['503']!);
    const outcomes = Array.from({ length: 50 }, () => client.getCredentials({ idToken }).catch((error: unknown) => error));
    const errors = await settleOnFakeTime(Promise.all(outcomes));
    expect(new Set(errors).size).toBe(1);
    expect(errors[0]).toMatchObject({ code: 'server_error', status: 503 });
    expect(state.attempts).toBe(3);
    state.recovered = true;
    await Promise.all(Array.from({ length: 50 }, () => client.getCredentials({ idToken })));
    expect(state.attempts).toBe(4);
  });
});
