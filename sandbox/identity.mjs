// @ts-check
// The sandbox's Auth0 tenant: panva's oidc-provider (a certified OpenID provider) configured as the
// tenant of the example app (oidc-config.mjs), signing with an RS256 key made at start-up (jose). The
// same key's public half verifies ID tokens for /delegation, STS and Cognito, as Auth0's /delegation and
// AWS check them against the tenant's JWKS. `issue` gets a token by signing in over HTTP (sign-in-flow.mjs).
import { randomBytes } from 'node:crypto';
import { SignJWT, createLocalJWKSet, decodeJwt, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { offlineAccessAsAuth0, tenantConfiguration } from './oidc-config.mjs';
import { signInOverHttp } from './sign-in-flow.mjs';
import { USER_ID } from './sign-in-page.mjs';

const KEY_ID = 'sandbox-rs256-1';
const UNSUPPORTED_RUNTIME = 'oidc-provider WARNING: Unsupported runtime';

/**
 * oidc-provider's module, imported once. On Node 20 (which this project supports and tests the sandbox on)
 * it warns on import that it wants Node 22; that one line is dropped so that `npm start` and the
 * sandbox's stderr stay clean. Any other warning passes.
 */
const oidcProvider = await (async () => {
  const warn = console.warn;
  console.warn = (...args) => {
    if (!String(args[0]).includes(UNSUPPORTED_RUNTIME)) warn(...args);
  };
  try {
    return await import('oidc-provider');
  } finally {
    console.warn = warn;
  }
})();

/**
 * @typedef {object} TenantOptions
 * @property {string} issuer `http://127.0.0.1:PORT/` (with the slash, as Auth0's and as auth0-spa-js expects)
 * @property {string} clientID
 * @property {string[]} redirectUris the app's pages (Allowed Callback URLs); the first is where `issue` signs in
 * @property {string[]} webOrigins Allowed Web Origins (CORS of /oauth/token)
 * @property {number} [idTokenLifetimeSec] default 3600
 * @property {string} clientName the application's name, shown at the login step
 */

/** @param {TenantOptions} options */
export async function createIdentityProvider({ issuer, clientID, redirectUris, webOrigins, idTokenLifetimeSec = 3600, clientName }) {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const header = { alg: 'RS256', use: 'sig', kid: KEY_ID };
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), ...header }] };
  const keySet = createLocalJWKSet(jwks);
  const signingKey = { ...(await exportJWK(privateKey)), ...header };
  const provider = new oidcProvider.default(issuer, tenantConfiguration({ clientID, clientName, redirectUris, webOrigins, signingKey, cookieKey: randomBytes(32).toString('base64url'), idTokenLifetimeSec, interactionPolicy: oidcProvider.interactionPolicy }));
  provider.use(offlineAccessAsAuth0);
  const domain = issuer.replace(/\/$/, '');
  return {
    provider,
    jwks,
    /**
     * An ID token for `sub` from the tenant: signs in over HTTP (the code flow with PKCE) and takes the
     * ID token /oauth/token answers. A token the tenant would never issue (another audience, an expiry
     * other than its lifetime, already expired, a `sub` the login step refuses: a `/`, `*` or `?`, which
     * other connections of a real tenant can hand out) is that token's claims changed and signed again
     * with the tenant's key, for the tests of what verifies ID tokens and what a sub may widen.
     * @param {string} sub e.g. `auth0|alice`
     * @param {{ audience?: string, expiresInSec?: number, nonce?: string }} [options]
     */
    async issue(sub, { audience = clientID, expiresInSec = idTokenLifetimeSec, nonce } = {}) {
      const user = USER_ID.test(sub) ? sub : 'auth0|stand-in';
      const { id_token: idToken } = await signInOverHttp({ domain, clientID, redirectUri: /** @type {string} */ (redirectUris[0]), user, ...(nonce ? { nonce } : {}) });
      if (user === sub && audience === clientID && expiresInSec === idTokenLifetimeSec) return idToken;
      const claims = decodeJwt(idToken);
      return new SignJWT({ ...claims, sub, aud: audience, exp: Number(claims.iat) + expiresInSec }).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: KEY_ID }).sign(privateKey);
    },
    /**
     * Verifies signature, issuer, audience (the client ID) and expiry; resolves to the claims.
     * @param {string} token
     */
    async verify(token) {
      const { payload } = await jwtVerify(token, keySet, { issuer, audience: clientID, algorithms: ['RS256'] });
      return payload;
    },
  };
}
