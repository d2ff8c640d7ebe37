/**
 * An STS role session name for an Auth0 `sub`: STS allows 2 to 64 characters of `[\w+=,.@-]`, and a sub
 * such as `auth0|5f7c...` has a `|`. Every other character becomes `-`, the result is cut to 64
 * characters and padded to 2: `auth0|alice` -> `auth0-alice`. Deterministic, so one user keeps one name.
 * @example
 * sessionNameFor('google-oauth2|1130154011234') // 'google-oauth2-1130154011234'
 */
export function sessionNameFor(sub: string): string {
  return sub.replace(/[^\w+=,.@-]/g, '-').slice(0, 64).padEnd(2, '-');
}
