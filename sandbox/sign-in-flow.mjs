// @ts-check
// A sign-in at the sandbox's Auth0 tenant over HTTP, as a browser running auth0-spa-js goes through it:
// /authorize with PKCE (S256), the login step (the user id typed), back to the app's redirect URI with a
// code, and the code exchanged at /oauth/token. What tests without a browser and `npm run token` use, so
// their ID tokens are the provider's own, issued by the same flow as the pages'.
import { createHash, randomBytes } from 'node:crypto';

/**
 * @typedef {object} SignInRequest
 * @property {string} domain the tenant's origin, e.g. `http://127.0.0.1:4001`
 * @property {string} clientID
 * @property {string} redirectUri one of the app's Allowed Callback URLs
 * @property {string} user the user id the login step is given, e.g. `auth0|alice`
 * @property {string} [nonce] put in the ID token
 * @property {string} [scope] default `openid profile email` (add `offline_access` for a refresh token)
 */

/**
 * @typedef {object} TokenResponse what /oauth/token answered
 * @property {string} id_token
 * @property {string} access_token
 * @property {number} expires_in
 * @property {string} [refresh_token] with `offline_access` in the scope
 * @property {string} scope
 */

/**
 * A browser's part of the flow without the browser: requests that keep the tenant's cookies (one tenant,
 * so by name only) and do not follow redirects, so that each step can be looked at.
 * @example
 * const browser = browserLike();
 * const answer = await browser.go('http://127.0.0.1:4001/authorize?...');
 */
export function browserLike() {
  /** @type {Map<string, string>} */
  const cookies = new Map();
  /** @param {Response} response */
  const keep = (response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const value = pair.slice(at + 1).trim();
      if (value === '') cookies.delete(pair.slice(0, at).trim());
      else cookies.set(pair.slice(0, at).trim(), value);
    }
  };
  return {
    /** @param {URL | string} url @param {RequestInit & { headers?: Record<string, string> }} [init] */
    async go(url, init = {}) {
      const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers, cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') } });
      keep(response);
      return response;
    },
  };
}

/** A PKCE verifier and its S256 challenge. */
export function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/**
 * The /authorize URL auth0-spa-js's loginWithRedirect opens (without its telemetry parameter).
 * @param {{ domain: string, clientID: string, redirectUri: string, scope: string, state: string, challenge: string, nonce?: string }} params
 */
export function authorizeUrl({ domain, clientID, redirectUri, scope, state, challenge, nonce }) {
  const url = new URL('/authorize', domain);
  url.search = new URLSearchParams({ client_id: clientID, redirect_uri: redirectUri, response_type: 'code', response_mode: 'query', scope, state, code_challenge: challenge, code_challenge_method: 'S256', ...(nonce ? { nonce } : {}) }).toString();
  return url;
}

/**
 * The redirect an answer must be, resolved against the tenant.
 * @param {Response} response @param {string} step what was asked, for the error
 * @throws {Error} when the answer is not a redirect (its status and the page's text)
 */
export async function redirectOf(response, step) {
  const location = response.headers.get('location');
  if (response.status !== 303 && response.status !== 302) {
    const text = (await response.text()).replace(/<style[\s\S]*?<\/style>/g, ' ').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
    throw new Error(`Signing in failed at ${step}: HTTP ${response.status}${text ? `: ${text}` : ''}`);
  }
  if (!location) throw new Error(`Signing in failed at ${step}: a redirect without a Location`);
  return new URL(location, response.url);
}

/**
 * Signs `user` in and exchanges the code: the tenant's tokens.
 * @param {SignInRequest} request
 * @returns {Promise<TokenResponse>}
 * @throws {Error} when a step answers otherwise than a sign-in would (the status and the page's text), or
 *   when the tenant cannot be reached (fetch's TypeError)
 * @example
 * const { id_token } = await signInOverHttp({ domain: 'http://127.0.0.1:4001', clientID: 'sandbox-client', redirectUri: 'http://127.0.0.1:4000/s3-uploader/', user: 'auth0|alice' });
 */
export async function signInOverHttp({ domain, clientID, redirectUri, user, nonce, scope = 'openid profile email' }) {
  const browser = browserLike();
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(16).toString('base64url');
  const back = await followToApp(browser, authorizeUrl({ domain, clientID, redirectUri, scope, state, challenge, ...(nonce ? { nonce } : {}) }), { redirectUri, user });
  const code = back.searchParams.get('code');
  if (!code || back.searchParams.get('state') !== state) {
    throw new Error(`Signing in failed: the tenant sent the browser back without the code and state of this sign-in (${back.searchParams.get('error') ?? 'no error given'}: ${back.searchParams.get('error_description') ?? ''})`);
  }
  const token = await fetch(new URL('/oauth/token', domain), { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientID, code, redirect_uri: redirectUri, code_verifier: verifier }) });
  if (!token.ok) throw new Error(`Signing in failed at /oauth/token: HTTP ${token.status}: ${(await token.text()).slice(0, 200)}`);
  return /** @type {Promise<TokenResponse>} */ (token.json());
}

/**
 * Follows the tenant's redirects from /authorize until it sends the browser to `redirectUri`, giving
 * the login step `user` (once) when it asks.
 * @param {ReturnType<typeof browserLike>} browser @param {URL} start @param {{ redirectUri: string, user: string }} app
 * @returns {Promise<URL>} the URL the browser is sent back to
 */
async function followToApp(browser, start, { redirectUri, user }) {
  let url = start;
  let loggedIn = false;
  for (let step = 0; step < 8; step++) {
    const answer = await browser.go(url);
    /** @type {boolean} */
    const loginStep = answer.status === 200 && url.pathname.startsWith('/u/login/') && !loggedIn;
    url = loginStep ? await redirectOf(await browser.go(url, { method: 'POST', body: new URLSearchParams({ user }) }), 'the login step') : await redirectOf(answer, url.pathname);
    loggedIn ||= loginStep;
    if (`${url.origin}${url.pathname}` === redirectUri) return url;
  }
  throw new Error('Signing in failed: the tenant kept redirecting without sending the browser back to the app');
}
