import { HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DelegationClient } from '../../../src/index';
import type { DelegationClientOptions } from '../../../src/index';
import { CLIENT_ID, DOMAIN, awsResult, delegationEndpoint, jsonResponse } from '../../support/delegation-endpoint';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';
import { settleOnFakeTime } from '../../support/fake-time';

const idToken = makeIdToken({ exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });
const ok = () => jsonResponse(awsResult(Date.now()));

function setup(respond: Parameters<typeof delegationEndpoint>[0], options: Partial<DelegationClientOptions> = {}) {
  vi.useFakeTimers();
  const endpoint = delegationEndpoint(respond);
  server.use(endpoint.handler);
  const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, ...options });
  return { endpoint, client };
}

/** Starts a call and runs the fake clock until it settles; resolves to its result or error. */
async function settle<T>(promise: Promise<T>): Promise<T | unknown> {
  return settleOnFakeTime(promise.catch((error: unknown) => error));
}

afterEach(() => vi.restoreAllMocks());

describe('retries', () => {
  it.each([500, 502, 503, 504, 408, 429, 599])('retries %i twice (3 attempts), then fails with its status', async (status) => {
    const { client, endpoint } = setup(() => new HttpResponse(null, { status }));
    const error = await settle(client.getCredentials({ idToken }));
    expect(error).toMatchObject({ name: 'DelegationError', status, code: status === 429 ? 'rate_limited' : status === 408 ? 'http_error' : 'server_error' });
    expect(endpoint.requests).toHaveLength(3);
  });

  it.each([400, 401, 403, 404, 413])('does not retry %i', async (status) => {
    const { client, endpoint } = setup(() => jsonResponse({ error: 'invalid_request', error_description: 'bad' }, { status }));
    expect(await settle(client.getCredentials({ idToken }))).toMatchObject({ status, code: 'invalid_request', description: 'bad' });
    expect(endpoint.requests).toHaveLength(1);
  });

  it('recovers when a retry succeeds', async () => {
    const { client, endpoint } = setup((_request, attempt) => (attempt < 3 ? new HttpResponse(null, { status: 503 }) : ok()));
    expect(await settle(client.getCredentials({ idToken }))).toMatchObject({ subject: 'auth0|alice' });
    expect(endpoint.requests).toHaveLength(3);
  });

  it('retries network errors, then fails with network_error and status 0', async () => {
    const { client, endpoint } = setup(() => HttpResponse.error());
    const error = await settle(client.getCredentials({ idToken }));
    expect(error).toMatchObject({ code: 'network_error', status: 0 });
    expect((error as Error).message).toContain(`POST https://${DOMAIN}/delegation`);
    expect((error as Error).cause).toBeInstanceOf(TypeError);
    expect(endpoint.requests).toHaveLength(3);
  });

  it('honours retries: 0', async () => {
    const { client, endpoint } = setup(() => new HttpResponse(null, { status: 503 }), { retries: 0 });
    await settle(client.getCredentials({ idToken }));
    expect(endpoint.requests).toHaveLength(1);
  });

  it.each([
    [0, 250, 500],
    [0.5, 375, 750],
  ])('backs off 500 ms then 1 s, scaled by jitter to 50-100 %% (Math.random() = %s: %i ms, then %i ms)', async (random, first, second) => {
    vi.spyOn(Math, 'random').mockReturnValue(random);
    const { client, endpoint } = setup(() => new HttpResponse(null, { status: 500 }));
    const outcome = client.getCredentials({ idToken }).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(first - 1);
    expect(endpoint.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(endpoint.requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(second - 1);
    expect(endpoint.requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(endpoint.requests).toHaveLength(3);
    await outcome;
  });

  it('waits what Retry-After says on 429', async () => {
    const { client, endpoint } = setup((_request, attempt) => (attempt === 1 ? jsonResponse({ error: 'too_many_requests' }, { status: 429, headers: { 'retry-after': '7' } }) : ok()));
    const outcome = client.getCredentials({ idToken });
    await vi.advanceTimersByTimeAsync(6_999);
    expect(endpoint.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(outcome).resolves.toMatchObject({ subject: 'auth0|alice' });
    expect(endpoint.requests).toHaveLength(2);
  });

  it('waits until X-RateLimit-Reset (epoch seconds, as Auth0 sends it)', async () => {
    const { client, endpoint } = setup((_request, attempt) => (attempt === 1 ? new HttpResponse(null, { status: 429, headers: { 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 20) } }) : ok()));
    const start = Date.now();
    const outcome = client.getCredentials({ idToken });
    await vi.advanceTimersByTimeAsync(19_000);
    expect(endpoint.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2_000);
    await outcome;
    expect(endpoint.requests).toHaveLength(2);
    expect(Date.now() - start).toBeGreaterThanOrEqual(19_000);
  });

  // A wait header that names no wait still to come: the backoff, neither at once nor maxRetryAfterMs
  // (ky alone retries a past date at once and waits maxRetryAfter for garbage). Control: the valid
  // Retry-After above is waited in full.
  it.each([
    ['garbage', () => 'soon-ish'],
    ['an HTTP date in the past', () => new Date(Date.now() - 60_000).toUTCString()],
    ['epoch seconds in the past', () => String(Math.floor(Date.now() / 1000) - 60)],
    ['zero', () => '0'],
    ['a negative number', () => '-5'],
  ])('a 429 whose Retry-After is %s is retried after the backoff, not at once', async (_name, value) => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { client, endpoint } = setup((_request, attempt) => (attempt === 1 ? new HttpResponse(null, { status: 429, headers: { 'retry-after': value() } }) : ok()));
    const outcome = client.getCredentials({ idToken });
    await vi.advanceTimersByTimeAsync(249);
    expect(endpoint.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(outcome).resolves.toMatchObject({ subject: 'auth0|alice' });
    expect(endpoint.requests).toHaveLength(2);
  });

  it('caps a long Retry-After at maxRetryAfterMs', async () => {
    const { client, endpoint } = setup((_request, attempt) => (attempt === 1 ? new HttpResponse(null, { status: 503, headers: { 'retry-after': '3600' } }) : ok()), { maxRetryAfterMs: 5_000 });
    const outcome = client.getCredentials({ idToken });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(endpoint.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await outcome;
    expect(endpoint.requests).toHaveLength(2);
  });
});

describe('timeouts and aborts', () => {
  it('times out an attempt after timeoutMs (default 10 s) and does not retry it', async () => {
    const { client, endpoint } = setup(() => new Promise<Response>(() => undefined));
    const outcome = client.getCredentials({ idToken }).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(endpoint.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toMatchObject({ code: 'timeout', status: 0, message: expect.stringContaining('10000 ms') });
    expect(endpoint.requests).toHaveLength(1);
  });

  it('times out a body that never finishes', async () => {
    const encoder = new TextEncoder();
    const stalled = () => new HttpResponse(new ReadableStream({ start: (controller) => controller.enqueue(encoder.encode('{"Credentials":')) }), { headers: { 'content-type': 'application/json' } });
    const { client } = setup(stalled, { timeoutMs: 2_000 });
    const outcome = client.getCredentials({ idToken }).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await outcome).toMatchObject({ code: 'timeout' });
  });

  it('counts the body in the attempt: headers at once and a body that stalls time out at timeoutMs, not before, and are not retried', async () => {
    const encoder = new TextEncoder();
    const stalled = () => new HttpResponse(new ReadableStream({ start: (controller) => controller.enqueue(encoder.encode('{"Credentials":')) }), { headers: { 'content-type': 'application/json' } });
    const { client, endpoint } = setup(stalled, { timeoutMs: 2_000 });
    let settled = false;
    const outcome = client.getCredentials({ idToken }).catch((error: unknown) => error).finally(() => (settled = true));
    await vi.advanceTimersByTimeAsync(1_999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toMatchObject({ code: 'timeout', status: 0 });
    expect(endpoint.requests).toHaveLength(1);
  });

  it('retries a body that breaks as it is read, like a failed fetch; control: with retries: 0 it is one attempt, network_error', async () => {
    const encoder = new TextEncoder();
    const broken = () => new HttpResponse(new ReadableStream({ start: (controller) => (controller.enqueue(encoder.encode('{"Credentials":')), controller.error(new TypeError('terminated'))) }), { headers: { 'content-type': 'application/json' } });
    const retried = setup((_request, attempt) => (attempt === 1 ? broken() : ok()));
    expect(await settle(retried.client.getCredentials({ idToken }))).toMatchObject({ accessKeyId: expect.any(String) });
    expect(retried.endpoint.requests).toHaveLength(2);
    const once = setup(broken, { retries: 0 });
    expect(await settle(once.client.getCredentials({ idToken }))).toMatchObject({ name: 'DelegationError', code: 'network_error', status: 0 });
    expect(once.endpoint.requests).toHaveLength(1);
  });

  it('rejects at once with aborted, sending nothing, when the signal is already aborted', async () => {
    const { client, endpoint } = setup(ok);
    const controller = new AbortController();
    controller.abort();
    await expect(client.getCredentials({ idToken, signal: controller.signal })).rejects.toMatchObject({ code: 'aborted', status: 0 });
    expect(endpoint.requests).toHaveLength(0);
  });

  it('aborts the request when its only caller aborts, caches nothing, and the next call works', async () => {
    let seenSignal: AbortSignal | undefined;
    const { client, endpoint } = setup((_request, attempt) => (attempt === 1 ? new Promise<Response>(() => undefined) : ok()));
    server.events.on('request:start', ({ request }) => {
      seenSignal = request.signal;
    });
    const controller = new AbortController();
    const outcome = client.getCredentials({ idToken, signal: controller.signal }).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    expect(await outcome).toMatchObject({ code: 'aborted' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(endpoint.requests).toHaveLength(1);
    expect(seenSignal?.aborted).toBe(true);
    expect(await settle(client.getCredentials({ idToken }))).toMatchObject({ subject: 'auth0|alice' });
    expect(endpoint.requests).toHaveLength(2);
    server.events.removeAllListeners();
  });

  it('stops retrying when the caller aborts during the backoff', async () => {
    const { client, endpoint } = setup(() => new HttpResponse(null, { status: 503 }));
    const controller = new AbortController();
    const outcome = client.getCredentials({ idToken, signal: controller.signal }).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(10);
    expect(endpoint.requests).toHaveLength(1);
    controller.abort();
    expect(await outcome).toMatchObject({ code: 'aborted' });
    await vi.runAllTimersAsync();
    expect(endpoint.requests).toHaveLength(1);
  });

  it('keeps the shared request going while another caller still waits', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { client, endpoint } = setup(async () => {
      await gate;
      return ok();
    });
    const controller = new AbortController();
    const quitter = client.getCredentials({ idToken, signal: controller.signal }).catch((error: unknown) => error);
    const stayer = client.getCredentials({ idToken });
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    expect(await quitter).toMatchObject({ code: 'aborted' });
    release();
    await expect(stayer).resolves.toMatchObject({ subject: 'auth0|alice' });
    expect(endpoint.requests).toHaveLength(1);
  });
});

describe('error mapping', () => {
  it.each([
    ['an Auth0 error body', 401, JSON.stringify({ error: 'unauthorized', error_description: 'invalid id_token' }), 'unauthorized', 'invalid id_token'],
    ['an Auth0 error body on 403', 403, JSON.stringify({ error: 'access_denied', error_description: 'Rule blocked the delegation' }), 'access_denied', 'Rule blocked the delegation'],
    ['an HTML page', 404, '<html><body>Not Found</body></html>', 'http_error', ''],
    ['an empty 400', 400, '', 'http_error', ''],
    ['an error without a description', 400, JSON.stringify({ error: 'invalid_request' }), 'invalid_request', ''],
    ['an error that is not a string', 400, JSON.stringify({ error: 42, error_description: 7 }), 'http_error', ''],
  ])('maps %s to code and description', async (_name, status, body, code, description) => {
    const { client } = setup(() => new HttpResponse(body, { status }));
    const error = (await settle(client.getCredentials({ idToken }))) as Error & { code: string; description: string };
    expect(error).toMatchObject({ code, status, description });
    expect(error.message).toContain(`POST https://${DOMAIN}/delegation answered ${status} ${code}`);
  });

  it('redacts the ID token from a description that echoes it', async () => {
    const { client } = setup((request) => jsonResponse({ error: 'invalid_token', error_description: `bad token ${String(request.body['id_token'])}` }, { status: 401 }));
    const error = (await settle(client.getCredentials({ idToken }))) as Error & { description: string };
    expect(error.description).toBe('bad token [redacted]');
    expect(error.message).not.toContain(idToken);
  });

  it.each([
    ['not JSON', '<html>ok</html>'],
    ['an empty body', ''],
    ['truncated JSON', '{"Credentials": {"AccessKeyId": "A'],
  ])('answers a 200 with %s with invalid_response', async (_name, body) => {
    const { client, endpoint } = setup(() => new HttpResponse(body, { status: 200 }));
    expect(await settle(client.getCredentials({ idToken }))).toMatchObject({ code: 'invalid_response', status: 200 });
    expect(endpoint.requests).toHaveLength(1);
  });
});
