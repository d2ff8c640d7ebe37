// A subset of the fault matrix in each engine (Chromium, Firefox ESR, WebKitGTK), with what a page can
// observe: errors, console output, request URLs, and localStorage / sessionStorage, none of which may hold
// a token or a secret.
import { HttpResponse, delay, http } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DelegationClient, isDelegationError } from '../../src/index';
import { CLIENT_ID, DOMAIN, ENDPOINT, SECRET_ACCESS_KEY, SESSION_TOKEN, awsResult, jsonResponse } from '../support/delegation-endpoint';
import { makeIdToken } from '../support/tokens';
import { useWorker, worker } from './worker';

useWorker();

const idToken = makeIdToken({ exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });
const SECRETS = [idToken, SECRET_ACCESS_KEY, SESSION_TOKEN];
const consoleCalls: unknown[][] = [];

beforeEach(() => {
  consoleCalls.length = 0;
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoleCalls.push(args));
});
afterEach(() => vi.restoreAllMocks());

/** Per attempt. Long enough that no answer is late on a loaded machine; the timeout case moves fake time. */
const TIMEOUT_MS = 60_000;
const NEVER = 'a response that never arrives';

const FAULTS: [string, () => Response | Promise<Response>, string, number, number][] = [
  ['503 twice', () => new HttpResponse(null, { status: 503 }), 'server_error', 503, 2],
  ['429 with Retry-After: 0', () => new HttpResponse(null, { status: 429, headers: { 'retry-after': '0' } }), 'rate_limited', 429, 2],
  ['a network error', () => HttpResponse.error(), 'network_error', 0, 2],
  ['401 with Auth0\'s body echoing the token', () => jsonResponse({ error: 'unauthorized', error_description: `bad ${idToken}` }, { status: 401 }), 'unauthorized', 401, 1],
  ['credentials without SessionToken', () => jsonResponse({ Credentials: { AccessKeyId: 'A', SecretAccessKey: SECRET_ACCESS_KEY, Expiration: new Date(Date.now() + 3_600_000).toISOString() } }), 'invalid_response', 200, 1],
  ['truncated JSON', () => new HttpResponse(JSON.stringify(awsResult(Date.now())).slice(0, 90), { status: 200 }), 'invalid_response', 200, 1],
  [NEVER, async () => {
    await delay('infinite');
    return new HttpResponse(null);
  }, 'timeout', 0, 1],
];

/**
 * The failing call. For the answer that never arrives, timers are faked and moved past the timeout only
 * once the request has reached the handler, so the figure does not depend on how fast the machine is.
 */
async function failingCall(name: string, client: DelegationClient, urls: string[]): Promise<unknown> {
  if (name !== NEVER) return client.getCredentials({ idToken }).catch((caught: unknown) => caught);
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  try {
    const outcome = client.getCredentials({ idToken }).catch((caught: unknown) => caught);
    await vi.waitFor(() => expect(urls).toHaveLength(1), { timeout: TIMEOUT_MS, interval: 20 });
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    return await outcome;
  } finally {
    vi.useRealTimers();
  }
}

describe.each(FAULTS)('in the browser, %s', (name, respond, code, status, attempts) => {
  it(`-> ${code} (${status}) after ${attempts} attempt(s), nothing cached, nothing leaked`, async () => {
    const urls: string[] = [];
    let recovered = false;
    worker.use(
      http.post(ENDPOINT, ({ request }) => {
        urls.push(request.url);
        return recovered ? jsonResponse(awsResult(Date.now())) : respond();
      }),
    );
    // A client ID of each test's own: the clients of earlier tests on this page still share on their
    // channel (an earlier test's credentials, shared a task after its callers had them, would be asked for).
    const client = new DelegationClient({ clientID: `${CLIENT_ID}-${crypto.randomUUID()}`, domain: DOMAIN, retries: 1, timeoutMs: TIMEOUT_MS });
    const error = await failingCall(name, client, urls);
    expect(isDelegationError(error)).toBe(true);
    expect(error).toMatchObject({ code, status });
    expect(urls).toHaveLength(attempts);
    const observable = [(error as Error).message, String(error), JSON.stringify(error), JSON.stringify(consoleCalls.map(String)), ...urls, JSON.stringify({ ...localStorage }), JSON.stringify({ ...sessionStorage })].join('\n');
    for (const secret of SECRETS) expect(observable).not.toContain(secret);
    expect(localStorage.length + sessionStorage.length).toBe(0);
    recovered = true;
    await expect(client.getCredentials({ idToken })).resolves.toMatchObject({ secretAccessKey: SECRET_ACCESS_KEY });
    expect(urls).toHaveLength(attempts + 1);
    expect(localStorage.length + sessionStorage.length).toBe(0);
  });
});
