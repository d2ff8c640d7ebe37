// Issue 23, point 1: the sandbox's Auth0 tenant is oidc-provider configured as the app's tenant. Its
// discovery document and routes; Authorization Code with PKCE (S256) only: no PKCE, `plain`, a wrong
// verifier, the implicit and hybrid response types and unregistered redirect URIs are refused; refresh
// tokens rotate (an old one is refused); the ID token lifetime follows the sandbox option; /oauth/token
// answers CORS for the Allowed Web Origins only; /v2/logout ends the tenant's session.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../sandbox/server.mjs';
import { authorizeUrl, browserLike, pkcePair, redirectOf, signInOverHttp } from '../../../sandbox/sign-in-flow.mjs';
import { signedByAnotherKey } from '../../support/another-key';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
const WEB_ORIGIN = 'http://127.0.0.1:1';
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, webOrigins: [WEB_ORIGIN] });
});
afterAll(() => sandbox?.stop());

const appOrigin = () => new URL(sandbox.appUrl).origin;
const tenant = (path: string) => `${sandbox.authUrl}${path}`;
/** The app's /authorize with PKCE, with some parameters changed (null removes one). */
function authorize(changes: Record<string, string | null> = {}, challenge = pkcePair().challenge): URL {
  const url = authorizeUrl({ domain: sandbox.authUrl, clientID: sandbox.config.clientID, redirectUri: sandbox.appUrl, scope: 'openid profile', state: 'st', challenge });
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) url.searchParams.delete(name);
    else url.searchParams.set(name, value);
  }
  return url;
}
const signIn = (user: string, extra: { scope?: string; nonce?: string } = {}, on = sandbox) =>
  signInOverHttp({ domain: on.authUrl, clientID: on.config.clientID, redirectUri: on.appUrl, user, ...extra });
const token = (body: Record<string, string>, origin?: string) =>
  fetch(tenant('/oauth/token'), { method: 'POST', headers: origin ? { origin } : {}, body: new URLSearchParams({ client_id: sandbox.config.clientID, ...body }) });
/** Where a redirect of the tenant sends the browser, with the query as an object. */
const sentTo = (response: Response) => {
  const url = new URL(response.headers.get('location') ?? '', sandbox.authUrl);
  return { page: `${url.origin}${url.pathname}`, query: Object.fromEntries(url.searchParams), hash: url.hash };
};

describe('the discovery document and the routes', () => {
  it("names Auth0's routes under the issuer with its trailing slash; code and S256 only", async () => {
    const discovery = (await (await fetch(tenant('/.well-known/openid-configuration'))).json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({
      issuer: `${sandbox.authUrl}/`,
      authorization_endpoint: tenant('/authorize'),
      token_endpoint: tenant('/oauth/token'),
      jwks_uri: tenant('/.well-known/jwks.json'),
      userinfo_endpoint: tenant('/userinfo'),
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
    expect(discovery['end_session_endpoint']).toBeUndefined();
  });

  it('serves the public half of the key that /delegation, STS and Cognito verify with', async () => {
    const served = (await (await fetch(tenant('/.well-known/jwks.json'))).json()) as { keys: Record<string, unknown>[] };
    expect(served).toEqual(sandbox.identity.jwks);
    expect(served.keys).toHaveLength(1);
    expect(served.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: 'sandbox-rs256-1' });
    expect(Object.keys(served.keys[0]!).filter((name) => ['d', 'p', 'q', 'dp', 'dq', 'qi'].includes(name))).toEqual([]);
  });

  it('answers /userinfo for an access token it issued with the profile, and refuses a made-up one (control)', async () => {
    const { access_token: accessToken } = await signIn('auth0|profile');
    const answer = await fetch(tenant('/userinfo'), { headers: { authorization: `Bearer ${accessToken}` } });
    expect(await answer.json()).toEqual({ sub: 'auth0|profile', name: 'profile', nickname: 'profile' });
    expect((await fetch(tenant('/userinfo'), { headers: { authorization: 'Bearer made-up' } })).status).toBe(401);
  });
});

describe('Authorization Code with PKCE', () => {
  it("signs a user in: an RS256 ID token with Auth0's claims, which the sandbox's verification accepts", async () => {
    const { id_token: idToken, expires_in: expiresIn } = await signIn('auth0|alice', { nonce: 'n-123' });
    const claims = await sandbox.identity.verify(idToken);
    expect(claims).toMatchObject({ iss: `${sandbox.authUrl}/`, sub: 'auth0|alice', aud: sandbox.config.clientID, nonce: 'n-123', name: 'alice', nickname: 'alice' });
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(expiresIn).toBe(3600);
  });

  it('refuses an ID token signed by another key with the same kid (control of the above)', async () => {
    const forged = await signedByAnotherKey((await signIn('auth0|forged')).id_token);
    await expect(sandbox.identity.verify(forged)).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  it.each<[string, Record<string, string | null>]>([
    ['without PKCE', { code_challenge: null, code_challenge_method: null }],
    ['with the plain method', { code_challenge_method: 'plain' }],
    ['without a method (plain by default)', { code_challenge_method: null }],
  ])('refuses an authorization request %s: back to the app with invalid_request, no code', async (_name, changes) => {
    const answer = await browserLike().go(authorize(changes));
    expect(answer.status).toBe(303);
    const { page, query } = sentTo(answer);
    expect(page).toBe(sandbox.appUrl);
    expect(query).toMatchObject({ error: 'invalid_request', state: 'st' });
    expect(query['code']).toBeUndefined();
  });

  it('sends a request with an S256 challenge to the login step (control)', async () => {
    const answer = await browserLike().go(authorize());
    expect(answer.status).toBe(303);
    expect(sentTo(answer).page).toMatch(new RegExp(`^${sandbox.authUrl}/u/login/[\\w-]+$`));
  });

  it('exchanges a code only with its own verifier: a wrong one is invalid_grant, the right one gets tokens', async () => {
    const exchange = async (codeVerifier?: string) => {
      const { verifier, challenge } = pkcePair();
      const browser = browserLike();
      const login = await redirectOf(await browser.go(authorize({}, challenge)), '/authorize');
      const resume = await redirectOf(await browser.go(login, { method: 'POST', body: new URLSearchParams({ user: 'auth0|pkce' }) }), 'login');
      const code = sentTo(await browser.go(resume)).query['code']!;
      return token({ grant_type: 'authorization_code', code, redirect_uri: sandbox.appUrl, code_verifier: codeVerifier ?? verifier });
    };
    const wrong = await exchange(pkcePair().verifier);
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });
    const right = await exchange();
    expect(right.status).toBe(200);
    expect(decodeJwt(((await right.json()) as { id_token: string }).id_token).sub).toBe('auth0|pkce');
  });

  it.each(['id_token', 'id_token token', 'token', 'code id_token', 'code token', 'code id_token token'])(
    'refuses response_type=%s (implicit or hybrid): an error, and no token in the redirect, query or fragment',
    async (responseType) => {
      const answer = await browserLike().go(authorize({ response_type: responseType, nonce: 'n', response_mode: null }));
      expect(answer.status).toBe(303);
      const { page, query, hash } = sentTo(answer);
      expect(page).toBe(sandbox.appUrl);
      // The error goes where that response type would have put its answer: the fragment for implicit.
      const answered = { ...query, ...Object.fromEntries(new URLSearchParams(hash.slice(1))) };
      expect(answered).toMatchObject({ error: 'unsupported_response_type', state: 'st' });
      expect(Object.keys(answered).sort()).toEqual(['error', 'error_description', 'iss', 'state']);
    },
  );

  it.each([
    ['a path the app does not have', (page: string) => `${page}evil`],
    ['the page without its trailing slash', (page: string) => page.slice(0, -1)],
    ['the page with a query', (page: string) => `${page}?next=/`],
    ["the app's origin alone", (page: string) => `${new URL(page).origin}/`],
    ['another origin', () => 'http://127.0.0.1:1/s3-uploader/'],
  ])('refuses a redirect URI that is not registered exactly (%s): an error page, no redirect', async (_name, redirect) => {
    const answer = await browserLike().go(authorize({ redirect_uri: redirect(sandbox.appUrl) }));
    expect(answer.status).toBe(400);
    expect(answer.headers.get('location')).toBeNull();
    expect(await answer.text()).toContain('redirect_uri');
  });

  it.each(['/s3-uploader/', '/spa/', '/lean/'])('accepts each example page as a redirect URI (control): %s', async (path) => {
    const answer = await browserLike().go(authorize({ redirect_uri: `${appOrigin()}${path}` }));
    expect(answer.status).toBe(303);
    expect(sentTo(answer).page).toContain('/u/login/');
  });

  it('refuses an unknown client with an error page', async () => {
    const answer = await browserLike().go(authorize({ client_id: 'another-client' }));
    expect(answer.status).toBe(400);
    expect(answer.headers.get('location')).toBeNull();
  });
});

describe('refresh tokens with rotation', () => {
  it('gives a refresh token for offline_access; each use rotates it and the used one is refused after', async () => {
    const first = await signIn('auth0|rotate', { scope: 'openid profile email offline_access' });
    expect(first.refresh_token).toEqual(expect.any(String));
    expect(first.scope.split(' ')).toContain('offline_access');
    const renewed = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token! });
    expect(renewed.status).toBe(200);
    const second = (await renewed.json()) as { id_token: string; refresh_token: string };
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(decodeJwt(second.id_token)).toMatchObject({ sub: 'auth0|rotate', aud: sandbox.config.clientID });
    expect(await sandbox.identity.verify(second.id_token)).toMatchObject({ sub: 'auth0|rotate' });
    const replayed = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token! });
    expect(replayed.status).toBe(400);
    expect(await replayed.json()).toMatchObject({ error: 'invalid_grant' });
    // Reuse detection, as Auth0's: the replay revokes the whole family, the newest token included.
    expect((await token({ grant_type: 'refresh_token', refresh_token: second.refresh_token })).status).toBe(400);
  });

  it('gives no refresh token without offline_access (control)', async () => {
    expect((await signIn('auth0|no-offline', { scope: 'openid profile email' })).refresh_token).toBeUndefined();
  });
});

describe('the ID token lifetime', () => {
  it('is idTokenLifetimeSec when the sandbox shortens it (the access token too), 3600 s by default (control)', async () => {
    const short = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, idTokenLifetimeSec: 120 });
    try {
      const answer = await signIn('auth0|short', { scope: 'openid offline_access' }, short);
      const claims = decodeJwt(answer.id_token);
      expect(claims.exp! - claims.iat!).toBe(120);
      expect(answer.expires_in).toBe(120);
      const renewed = (await (await fetch(`${short.authUrl}/oauth/token`, { method: 'POST', body: new URLSearchParams({ client_id: short.config.clientID, grant_type: 'refresh_token', refresh_token: answer.refresh_token! }) })).json()) as { id_token: string };
      expect(decodeJwt(renewed.id_token).exp! - decodeJwt(renewed.id_token).iat!).toBe(120);
      const issued = decodeJwt(await short.identity.issue('auth0|short-helper'));
      expect(issued.exp! - issued.iat!).toBe(120);
    } finally {
      await short.stop();
    }
    const normal = decodeJwt(await sandbox.identity.issue('auth0|normal'));
    expect(normal.exp! - normal.iat!).toBe(3600);
  });
});

describe('CORS of /oauth/token (Allowed Web Origins)', () => {
  it.each([
    ['the app', () => appOrigin()],
    ['a configured web origin', () => WEB_ORIGIN],
  ])('answers a refresh from %s with its origin allowed', async (_name, origin) => {
    const { refresh_token: refreshToken } = await signIn('auth0|cors', { scope: 'openid offline_access' });
    const answer = await token({ grant_type: 'refresh_token', refresh_token: refreshToken! }, origin());
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe(origin());
  });

  it('refuses a call from another origin, and allows it no CORS', async () => {
    const { refresh_token: refreshToken } = await signIn('auth0|cors-other', { scope: 'openid offline_access' });
    const answer = await token({ grant_type: 'refresh_token', refresh_token: refreshToken! }, 'http://evil.example');
    expect(answer.status).toBe(400);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(await answer.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe("Auth0's /v2/logout", () => {
  it('ends the tenant session and goes back to an allowed returnTo: the next sign-in asks for the user again', async () => {
    const browser = browserLike();
    const login = await redirectOf(await browser.go(authorize()), '/authorize');
    await browser.go(await redirectOf(await browser.go(login, { method: 'POST', body: new URLSearchParams({ user: 'auth0|leaving' }) }), 'login'));
    // Signed in at the tenant: another /authorize goes back to the app at once (single sign-on)...
    const again = sentTo(await browser.go(authorize()));
    expect(again.page).toBe(sandbox.appUrl);
    expect(again.query['code']).toEqual(expect.any(String));
    const logout = await browser.go(tenant(`/v2/logout?${new URLSearchParams({ client_id: sandbox.config.clientID, returnTo: sandbox.appUrl })}`));
    expect(logout.status).toBe(302);
    expect(logout.headers.get('location')).toBe(sandbox.appUrl);
    // ...and after the logout it shows the login step.
    expect(sentTo(await browser.go(authorize())).page).toContain('/u/login/');
  });

  it.each([
    ['a returnTo that is not an Allowed Logout URL', { client_id: 'sandbox-client', returnTo: 'https://evil.example/' }],
    ['an unknown client_id', { client_id: 'another-client', returnTo: 'http://127.0.0.1:4000/s3-uploader/' }],
  ])('refuses %s with an error page, without redirecting', async (_name, query) => {
    const answer = await fetch(tenant(`/v2/logout?${new URLSearchParams(query)}`), { redirect: 'manual' });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('location')).toBeNull();
  });

  it('says the user is signed out when there is no returnTo', async () => {
    const answer = await fetch(tenant('/v2/logout'), { redirect: 'manual' });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain('You are signed out');
  });
});

describe('the login step', () => {
  async function loginStep(browser = browserLike()) {
    return { browser, url: await redirectOf(await browser.go(authorize()), '/authorize') };
  }

  it('escapes a hostile user id it refuses, then signs the same user in with a valid id (control)', async () => {
    const { browser, url } = await loginStep();
    const hostile = '"><img src=x onerror=alert(1)>&<script>alert(2)</script>';
    const refused = await browser.go(url, { method: 'POST', body: new URLSearchParams({ user: hostile }) });
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('value="&#34;&#62;&#60;img src=x onerror=alert(1)&#62;&#38;&#60;script&#62;alert(2)&#60;/script&#62;"');
    expect(html).toMatch(/role="alert"[^>]*>A user id is 2 to 128/);
    const accepted = await browser.go(url, { method: 'POST', body: new URLSearchParams({ user: 'auth0|valid' }) });
    expect(accepted.status).toBe(303);
  });

  it.each([
    ['129 characters', 400, `auth0|${'x'.repeat(123)}`],
    ['128 characters', 303, `auth0|${'x'.repeat(122)}`],
    ['an IAM wildcard', 400, 'auth0|*'],
    ['one character', 400, 'a'],
  ])('takes the user id rule: %s -> %i', async (_name, status, user) => {
    const { browser, url } = await loginStep();
    expect((await browser.go(url, { method: 'POST', body: new URLSearchParams({ user }) })).status).toBe(status);
  });

  it("refuses an interaction that is not this browser's, or has no cookie", async () => {
    const { url } = await loginStep();
    const elsewhere = await browserLike().go(url);
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.text()).toContain('expired or did not start in this browser');
    const { browser } = await loginStep();
    expect((await browser.go(url)).status).toBe(400);
  });
});

describe("the app's copy of auth0-spa-js (the script-tag page loads it; no CDN)", () => {
  it("serves @auth0/auth0-spa-js's own browser file, byte for byte, and nothing else of node_modules (control)", async () => {
    const served = await fetch(`${appOrigin()}/vendor/auth0-spa-js.production.js`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toContain('text/javascript');
    const file = readFileSync(join(__dirname, '../../../node_modules/@auth0/auth0-spa-js/dist/auth0-spa-js.production.js'));
    expect(Buffer.from(await served.arrayBuffer()).equals(file)).toBe(true);
    for (const path of ['/vendor/auth0-spa-js.development.js', '/vendor/', '/vendor/../package.json', '/node_modules/@auth0/auth0-spa-js/package.json']) {
      expect((await fetch(`${appOrigin()}${path}`)).status, path).toBe(404);
    }
  });
});

describe('identity.issue, the helper of the tests', () => {
  it("gives the tenant's own token by default, and variants it would not issue signed with its key", async () => {
    const plain = decodeJwt(await sandbox.identity.issue('auth0|helper', { nonce: 'n-9' }));
    expect(plain).toMatchObject({ iss: `${sandbox.authUrl}/`, sub: 'auth0|helper', aud: sandbox.config.clientID, nonce: 'n-9', name: 'helper' });
    const other = await sandbox.identity.issue('auth0|helper', { audience: 'another-client' });
    expect(decodeJwt(other)).toMatchObject({ sub: 'auth0|helper', aud: 'another-client' });
    await expect(sandbox.identity.verify(other)).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' });
    const expired = await sandbox.identity.issue('auth0|helper', { expiresInSec: -5 });
    await expect(sandbox.identity.verify(expired)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
  });
});
