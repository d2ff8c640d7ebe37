// The sandbox's /delegation answers as Auth0 did, errors included, and the SDK reads them.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.mjs';
import { DelegationClient } from '../../src/index';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
/** The sandbox clock held still where a test reads a lifetime off it (`heldAt`), else the real one. */
let heldAt: number | undefined;
beforeAll(async () => {
  sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, credentialLifetimeSec: 900, now: () => heldAt ?? Date.now() });
});
afterEach(() => {
  heldAt = undefined;
});
afterAll(() => sandbox?.stop());

function body(overrides: Record<string, unknown>) {
  return { client_id: sandbox.config.clientID, grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', target: sandbox.config.clientID, api_type: 'aws', ...overrides };
}

async function post(payload: unknown, raw?: string) {
  const response = await fetch(`${sandbox.authUrl}/delegation`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw ?? JSON.stringify(payload) });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> };
}

describe('starting the sandbox', () => {
  it('says which port is in use and how to choose another', async () => {
    const busy = new URL(sandbox.authUrl).port;
    await expect(startSandbox({ appPort: 0, authPort: Number(busy), s3Port: 0 })).rejects.toThrow(`Port ${busy} on 127.0.0.1 is in use. Stop what uses it, or choose other ports (SANDBOX_APP_PORT, SANDBOX_AUTH_PORT, SANDBOX_S3_PORT).`);
  });
});

describe('POST /delegation of the sandbox', () => {
  it('answers the guide\'s shape, with a SessionToken and the configured lifetime', async () => {
    // Held: the lifetime is then exact, not 900 s less however long a loaded machine took to read it.
    heldAt = Date.now();
    const { status, json } = await post(body({ id_token: await sandbox.identity.issue('auth0|contract-ok') }));
    expect(status).toBe(200);
    expect(json).toMatchObject({
      Credentials: { AccessKeyId: expect.stringMatching(/^ASIA[0-9A-F]{16}$/), SecretAccessKey: expect.any(String), SessionToken: expect.any(String), Expiration: expect.any(String) },
      AssumedRoleUser: { Arn: 'arn:aws:sts::123456789012:assumed-role/auth0-s3-per-user/auth0-contract-ok' },
      Subject: 'auth0|contract-ok',
      Audience: 'https://signin.aws.amazon.com/saml',
    });
    expect(Date.parse((json['Credentials'] as { Expiration: string }).Expiration)).toBe(heldAt + 900_000);
  });

  it('reads v7\'s form body as it reads JSON; a form with a wrong client_id is refused alike (control)', async () => {
    const form = (fields: Record<string, string>) => fetch(`${sandbox.authUrl}/delegation`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
    const good = await form(body({ id_token: await sandbox.identity.issue('auth0|contract-form') }) as Record<string, string>);
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ Subject: 'auth0|contract-form', Credentials: { SessionToken: expect.any(String) } });
    const bad = await form(body({ client_id: 'other', id_token: await sandbox.identity.issue('auth0|contract-form') }) as Record<string, string>);
    expect(bad.status).toBe(401);
  });

  it.each<[string, () => Promise<Record<string, unknown>>, number, string, RegExp]>([
    ['a wrong client_id', async () => body({ client_id: 'other', id_token: await sandbox.identity.issue('auth0|c1') }), 401, 'invalid_client', /client_id/],
    ['a wrong grant_type', async () => body({ grant_type: 'password', id_token: await sandbox.identity.issue('auth0|c2') }), 400, 'unsupported_grant_type', /grant_type/],
    ['an unknown target', async () => body({ target: 'nope', id_token: await sandbox.identity.issue('auth0|c3') }), 400, 'invalid_request', /target/],
    ['an unknown api_type', async () => body({ api_type: 'firebase', id_token: await sandbox.identity.issue('auth0|c4') }), 400, 'invalid_request', /api_type "firebase"/],
    ['no id_token', async () => body({}), 400, 'invalid_request', /id_token is required/],
    ['a wrong audience', async () => body({ id_token: await sandbox.identity.issue('auth0|c5', { audience: 'another-client' }) }), 401, 'invalid_token', /audience/],
    ['an expired ID token', async () => body({ id_token: await sandbox.identity.issue('auth0|c6', { expiresInSec: -10 }) }), 401, 'invalid_token', /expired/],
    ['a badly signed ID token', async () => {
      const [header, payload] = (await sandbox.identity.issue('auth0|c7')).split('.');
      return body({ id_token: `${header}.${payload}.${'A'.repeat(342)}` });
    }, 401, 'invalid_token', /signature/],
    ['a user id too long for a RoleSessionName', async () => body({ id_token: await sandbox.identity.issue(`auth0|${'x'.repeat(64)}`) }), 400, 'invalid_request', /2 to 64/],
  ])('refuses %s with Auth0\'s error shape', async (_name, make, status, error, description) => {
    const answer = await post(await make());
    expect(answer.status).toBe(status);
    expect(answer.json).toEqual({ error, error_description: expect.stringMatching(description) });
  });

  it('refuses a body that is not JSON, and one over 64 KB', async () => {
    expect((await post(undefined, '{nope')).json).toMatchObject({ error: 'invalid_request' });
    expect((await post(body({ id_token: 'x'.repeat(70_000) }))).status).toBe(413);
  });

  it('allows 10 requests a minute per user, then 429 with Retry-After and X-RateLimit-*; other users go on', async () => {
    const idToken = await sandbox.identity.issue('auth0|rate');
    const statuses = [];
    for (let index = 0; index < 11; index++) statuses.push((await post(body({ id_token: idToken }))).status);
    expect(statuses).toEqual([...Array.from({ length: 10 }, () => 200), 429]);
    const limited = await post(body({ id_token: idToken }));
    expect(limited.json).toEqual({ error: 'too_many_requests', error_description: expect.any(String) });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect((await post(body({ id_token: await sandbox.identity.issue('auth0|rate-other') }))).status).toBe(200);
  });

  it('gives the SDK errors it can act on', async () => {
    const client = new DelegationClient({ clientID: sandbox.config.clientID, domain: sandbox.authUrl, retries: 0 });
    await expect(client.getCredentials({ idToken: await sandbox.identity.issue('auth0|sdk', { audience: 'x' }) })).rejects.toMatchObject({ code: 'invalid_token', status: 401 });
    await expect(client.getCredentials({ idToken: await sandbox.identity.issue('auth0|sdk') })).resolves.toMatchObject({ subject: 'auth0|sdk', assumedRoleArn: expect.stringContaining('auth0-sdk') });
  });
});
