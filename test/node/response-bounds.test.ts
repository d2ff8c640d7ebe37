// Issue 11, points 6, 8 and 9 (responses): the token never follows a redirect, a response body is capped
// at 64 KB, and a strange but small answer (a deeply nested extra field) never escapes as a raw error.
import { HttpResponse, http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { DelegationClient } from '../../src/index';
import { CLIENT_ID, DOMAIN, ENDPOINT, awsResult, delegationEndpoint, jsonResponse } from '../support/delegation-endpoint';
import { makeIdToken } from '../support/tokens';
import { server } from './setup';
import { settleOnFakeTime } from '../support/fake-time';

const idToken = makeIdToken({ exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });
const KB = 1024;

/** The endpoint answers `first` once, then a valid answer (to show nothing was cached or broken). */
function firstThenValid(first: () => Response) {
  const endpoint = delegationEndpoint((_request, attempt) => (attempt === 1 ? first() : jsonResponse(awsResult(Date.now()))));
  server.use(endpoint.handler);
  return endpoint;
}

const client = (options: Record<string, unknown> = {}) => new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, ...options });

describe('the token never follows a redirect (point 6)', () => {
  it.each([301, 302, 303, 307, 308])('%i to another origin: redirect_refused, one attempt, nothing sent there', async (status) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const collected: string[] = [];
    server.use(http.post('https://collector.example/steal', async ({ request }) => {
      collected.push(await request.text());
      return HttpResponse.json(awsResult(Date.now()));
    }), http.get('https://collector.example/steal', ({ request }) => {
      collected.push(request.url);
      return HttpResponse.json(awsResult(Date.now()));
    }));
    const endpoint = firstThenValid(() => new HttpResponse(null, { status, headers: { location: 'https://collector.example/steal' } }));
    const delegation = client();
    const outcome = delegation.getCredentials({ idToken }).catch((error: unknown) => error);
    const error = await settleOnFakeTime(outcome);
    expect(error).toMatchObject({ name: 'DelegationError', code: 'redirect_refused', status });
    expect((error as Error).message).not.toContain(idToken);
    expect(endpoint.requests).toHaveLength(1);
    expect(collected).toEqual([]);
    vi.useRealTimers();
    await expect(delegation.getCredentials({ idToken })).resolves.toMatchObject({ subject: 'auth0|alice' });
  });

  it('negative control: the same collector would have been reached by a plain fetch that follows', async () => {
    const collected: string[] = [];
    server.use(http.get('https://collector.example/steal', ({ request }) => {
      collected.push(request.url);
      return HttpResponse.json({});
    }), http.get(ENDPOINT, () => new HttpResponse(null, { status: 302, headers: { location: 'https://collector.example/steal' } })));
    await fetch(ENDPOINT);
    expect(collected).toHaveLength(1);
  });
});

describe('responses are bounded (point 8)', () => {
  const padded = (bytes: number) => JSON.stringify({ ...awsResult(Date.now()), padding: 'x'.repeat(bytes) });

  it.each([
    ['200 with a 300 KB body', 200, 'invalid_response', 1],
    ['500 with a 300 KB body (retried as any 5xx, its body not read past the cap)', 500, 'server_error', 3],
  ])('%s -> %s', async (_name, status, code, attempts) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const endpoint = delegationEndpoint((_request, attempt) => (attempt <= attempts ? new HttpResponse(padded(300 * KB), { status, headers: { 'content-type': 'application/json' } }) : jsonResponse(awsResult(Date.now()))));
    server.use(endpoint.handler);
    const delegation = client();
    const outcome = delegation.getCredentials({ idToken }).catch((error: unknown) => error);
    expect(await settleOnFakeTime(outcome)).toMatchObject({ name: 'DelegationError', code, status });
    expect(endpoint.requests).toHaveLength(attempts);
    vi.useRealTimers();
    await expect(delegation.getCredentials({ idToken })).resolves.toMatchObject({ subject: 'auth0|alice' });
  });

  it.each([
    [200, 'invalid_response'],
    [503, 'server_error'],
  ])('stops reading a streamed %i body without Content-Length soon after 64 KB (a 32 MB answer is never read): %s', async (status, code) => {
    let pulled = 0;
    const chunk = new TextEncoder().encode(`{"Credentials":{},"padding":"${'x'.repeat(16 * KB)}`);
    const filler = new TextEncoder().encode('x'.repeat(16 * KB));
    const huge = () => new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += filler.byteLength;
        controller.enqueue(pulled === filler.byteLength ? chunk : filler);
        if (pulled >= 32 * KB * KB) controller.close();
      },
    });
    const fetch = vi.fn(async () => new Response(huge(), { status, headers: { 'content-type': 'application/json' } }));
    const error = await client({ fetch, retries: 0 }).getCredentials({ idToken }).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ name: 'DelegationError', code, status });
    expect(pulled).toBeLessThan(1024 * KB);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('negative control: an answer just under 64 KB is accepted', async () => {
    firstThenValid(() => new HttpResponse(padded(60 * KB), { status: 200, headers: { 'content-type': 'application/json' } }));
    await expect(client().getCredentials({ idToken })).resolves.toMatchObject({ subject: 'auth0|alice' });
  });
});

describe('no raw error escapes from a strange answer (point 9)', () => {
  /** 20,000 levels of arrays: about 40 KB, under the cap; structuredClone and JSON.stringify overflow on it. */
  const deep = () => `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
  const nestedAnswer = () => new HttpResponse(JSON.stringify(awsResult(Date.now())).replace(/}$/, `,"extra":${deep()}}`), { status: 200, headers: { 'content-type': 'application/json', date: new Date().toUTCString() } });

  it('a 40 KB deeply nested extra field: getDelegationToken and getCredentials keep working, every time', async () => {
    const endpoint = delegationEndpoint(() => nestedAnswer());
    server.use(endpoint.handler);
    const delegation = client();
    for (let round = 0; round < 2; round++) {
      const result = await delegation.getDelegationToken({ id_token: idToken, api: 'aws' });
      expect(Array.isArray(result['extra'])).toBe(true);
      expect(result.Credentials.AccessKeyId).toBe('ASIAEXAMPLEKEY000001');
      await expect(delegation.getCredentials({ idToken })).resolves.toMatchObject({ subject: 'auth0|alice' });
    }
    expect(endpoint.requests).toHaveLength(1);
  });

  it('negative control: that field is what overflows structuredClone', () => {
    expect(() => structuredClone(JSON.parse(deep()))).toThrow(RangeError);
  });
});
