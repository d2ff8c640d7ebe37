import { jwtDecode } from 'jwt-decode';
import { DelegationError } from './errors';

/** The claims of an ID token this SDK relies on. */
export interface IdTokenIdentity {
  /** The user, e.g. `auth0|5f7c...` (unverified: never enough to serve credentials, see the cache key). */
  readonly sub: string;
  /** Expiry in seconds since the epoch, when the token has one. */
  readonly exp: number | undefined;
}

/**
 * Returns a reader that decodes (does not verify: the server does) an ID token and checks it is still
 * valid at `nowMs`. It remembers the last token it decoded, because a page asks with the same token
 * again and again and decoding is most of the cost of a cache hit; the expiry is checked on every call.
 * Error messages never quote the token nor its decoded parts.
 * @throws {DelegationError} `malformed_id_token` when it is not a JWT with a `sub`;
 *   `id_token_expired` when its `exp` has passed.
 */
export function createIdTokenReader(): (token: unknown, nowMs: number) => IdTokenIdentity {
  let lastToken: unknown;
  let last: IdTokenIdentity | undefined;
  return (token, nowMs) => {
    if (last === undefined || token !== lastToken) {
      last = decodeIdToken(token);
      lastToken = token;
    }
    return assertNotExpired(last, nowMs);
  };
}

/**
 * The token's `sub` and `exp`, read by jwt-decode: not verified and not checked against a clock.
 * @throws {DelegationError} `malformed_id_token`.
 */
export function decodeIdToken(token: unknown): IdTokenIdentity {
  let claims: unknown;
  try {
    claims = jwtDecode<unknown>(token as string);
  } catch {
    // jwt-decode throws InvalidTokenError only; its message can quote the decoded payload, so it is
    // not passed on.
    throw malformed('not a JWT');
  }
  // Object(): a payload of `null` or a number reads as having no claims.
  const { sub, exp } = Object(claims) as { sub?: unknown; exp?: unknown };
  // An exp beyond what a Date can hold (|exp| > 8.64e12 s) is no time at all.
  if (typeof sub !== 'string' || sub === '' || (exp !== undefined && !(typeof exp === 'number' && Math.abs(exp) <= 8.64e12))) {
    throw malformed('it needs a "sub" string and a numeric "exp"');
  }
  return { sub, exp };
}

/**
 * The identity, when its `exp` has not passed at `nowMs`.
 * @throws {DelegationError} `id_token_expired`, saying when it expired.
 */
export function assertNotExpired(identity: IdTokenIdentity, nowMs: number): IdTokenIdentity {
  const { exp } = identity;
  if (exp !== undefined && exp * 1000 <= nowMs) {
    throw new DelegationError({
      code: 'id_token_expired',
      message: `The ID token expired at ${new Date(exp * 1000).toISOString()}: sign in again. Nothing was sent.`,
    });
  }
  return identity;
}

function malformed(reason: string): DelegationError {
  return new DelegationError({
    code: 'malformed_id_token',
    message: `The ID token is malformed: ${reason}. Pass the id_token from sign-in. Nothing was sent.`,
  });
}
