// Unsigned test JWTs: the SDK decodes, never verifies (the endpoint does), so a signature is not needed.
const encoder = new TextEncoder();

function base64url(text: string): string {
  let binary = '';
  for (const byte of encoder.encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A JWT whose payload holds `claims`; `exp` defaults to one hour after `nowMs`. */
export function makeIdToken(claims: Record<string, unknown> = {}, nowMs = Date.now()): string {
  const payload = { iss: 'https://tenant.auth0.com/', aud: 'client-abc', sub: 'auth0|alice', iat: Math.floor(nowMs / 1000), exp: Math.floor(nowMs / 1000) + 3600, ...claims };
  return `${base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${base64url(JSON.stringify(payload))}.c2lnbmF0dXJlLW9mLXRoZS10b2tlbi0xMjM0NTY3ODkw`;
}

/** A JWT with an arbitrary payload text (for malformed-payload cases). */
export function makeRawToken(payloadText: string): string {
  return `${base64url('{"alg":"none"}')}.${base64url(payloadText)}.sig`;
}
