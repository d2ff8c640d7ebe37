import { jwtDecode } from 'jwt-decode';
import { describe, expect, it, vi } from 'vitest';
import { DelegationClient } from '../../src/index';
import { CLIENT_ID, DOMAIN, delegationEndpoint } from '../support/delegation-endpoint';
import { makeIdToken, makeRawToken } from '../support/tokens';
import { server } from './setup';

// The real jwt-decode, watched: the SDK reads claims with it, not with a decoder of its own.
vi.mock('jwt-decode', async (importOriginal) => {
  const original = await importOriginal<typeof import('jwt-decode')>();
  return { ...original, jwtDecode: vi.fn(original.jwtDecode) };
});

function setup() {
  const endpoint = delegationEndpoint();
  server.use(endpoint.handler);
  return { endpoint, client: new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN }) };
}

describe('the ID token pre-check (its payload decoded, not verified), before any request', () => {
  it.each<[string, unknown]>([
    ['not a JWT', 'not-a-jwt'],
    ['two parts', 'aGVsbG8.d29ybGQ'],
    ['a payload that is not base64url JSON', 'eyJhbGciOiJub25lIn0.%%%%.sig'],
    ['a JSON payload that is not an object', makeRawToken('null')],
    ['a number payload', makeRawToken('42')],
    ['no sub claim', makeIdToken({ sub: undefined })],
    ['an empty sub', makeIdToken({ sub: '' })],
    ['a numeric sub', makeIdToken({ sub: 12 })],
    ['an exp that is a string', makeIdToken({ exp: 'tomorrow' })],
    ['a token that is a number', 12345],
  ])('%s -> malformed_id_token, nothing sent', async (_name, token) => {
    const { endpoint, client } = setup();
    const error = await client.getCredentials({ idToken: token as string }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'malformed_id_token', status: 0 });
    expect(endpoint.requests).toHaveLength(0);
    if (typeof token === 'string') expect(String((error as Error).message)).not.toContain(token);
  });

  it.each<[string, string]>([
    ['padded base64', makeIdToken({ sub: 'auth0|ab' }).replace(/\.([^.]+)\./, (_all, payload: string) => `.${payload}${'='.repeat((4 - (payload.length % 4)) % 4)}.`)],
    ['unpadded base64url with - and _ (a UTF-8 sub)', makeIdToken({ sub: 'auth0|Zoë-ünïcødé?>>~' })],
  ])('decodes %s (negative control: the pre-check passes and the request goes out)', async (_name, token) => {
    const { endpoint, client } = setup();
    await client.getCredentials({ idToken: token });
    expect(endpoint.requests).toHaveLength(1);
  });

  it('reads the claims with jwt-decode, and its InvalidTokenError is malformed_id_token', async () => {
    const { client } = setup();
    vi.mocked(jwtDecode).mockClear();
    const token = makeIdToken({ sub: 'auth0|read-by-jwt-decode' });
    await client.getCredentials({ idToken: token });
    expect(vi.mocked(jwtDecode)).toHaveBeenCalledWith(token);
    vi.mocked(jwtDecode).mockClear();
    const error = await client.getCredentials({ idToken: 'only.two' }).catch((caught: unknown) => caught);
    expect(vi.mocked(jwtDecode)).toHaveBeenCalledOnce();
    expect(vi.mocked(jwtDecode).mock.results[0]).toMatchObject({ type: 'throw', value: { name: 'InvalidTokenError' } });
    expect(error).toMatchObject({ name: 'DelegationError', code: 'malformed_id_token' });
  });

  it('does not quote the decoded payload in its message', async () => {
    const { client } = setup();
    const token = makeRawToken('{"sub": "auth0|carol", "broken": ');
    const error = (await client.getCredentials({ idToken: token }).catch((caught: unknown) => caught)) as Error;
    expect(error.message).not.toContain('carol');
  });

  it('refuses an expired token with id_token_expired and the expiry time, sending nothing', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-29T12:00:00Z') });
    const { endpoint, client } = setup();
    const token = makeIdToken({ exp: Date.parse('2026-11-29T11:59:59Z') / 1000 });
    await expect(client.getCredentials({ idToken: token })).rejects.toMatchObject({ code: 'id_token_expired', message: expect.stringContaining('2026-11-29T11:59:59.000Z') });
    expect(endpoint.requests).toHaveLength(0);
  });

  it('accepts a token one second before its exp (negative control), and one without exp', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-29T12:00:00Z'), toFake: ['Date'] });
    const { endpoint, client } = setup();
    await client.getCredentials({ idToken: makeIdToken({ exp: Date.parse('2026-11-29T12:00:01Z') / 1000 }) });
    client.clearCache();
    await client.getCredentials({ idToken: makeIdToken({ exp: undefined }) });
    expect(endpoint.requests).toHaveLength(2);
  });
});
