// @ts-check
// The sandbox's identity provider: an RS256 key made at start-up (jose), ID tokens for a chosen user,
// its JWKS, and verification as Auth0's /delegation does it (signature, issuer, audience, expiry).
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose';

const KEY_ID = 'sandbox-rs256-1';

/**
 * @param {{ issuer: string, clientID: string, tokenLifetimeSec?: number }} options
 */
export async function createIdentityProvider({ issuer, clientID, tokenLifetimeSec = 3600 }) {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: KEY_ID, alg: 'RS256', use: 'sig' }] };
  const keySet = createLocalJWKSet(jwks);
  return {
    jwks,
    /**
     * An ID token for `sub`, as Auth0 would issue it after sign-in.
     * @param {string} sub
     * @param {{ audience?: string, expiresInSec?: number, nonce?: string }} [options]
     */
    async issue(sub, { audience = clientID, expiresInSec = tokenLifetimeSec, nonce } = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ name: sub, ...(nonce ? { nonce } : {}) })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: KEY_ID })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(sub)
        .setIssuedAt(now)
        .setExpirationTime(now + expiresInSec)
        .sign(privateKey);
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
