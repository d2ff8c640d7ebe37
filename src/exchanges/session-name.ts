/** Characters of the hash a rewritten name ends with: 53 bits in base 36. */
const HASH_CHARS = 11;

/**
 * An STS role session name for an Auth0 `sub`: STS allows 2 to 64 characters of `[\w+=,.@-]`, and a sub
 * such as `auth0|5f7c...` has a `|`. A sub that is already such a name, without `=`, is the name. Any
 * other is rewritten, and told apart by a hash of the whole sub after an `=`: the characters STS refuses
 * (and `=`) become `-`, the result is cut to 52 characters, then `=` and 11 characters of hash follow:
 * `auth0|alice` -> `auth0-alice=17gqshzkehj`. So two subs never share a name (`auth0|alice` and
 * `auth0-alice` used to), short of a 53-bit hash collision between two rewritten ones, and a name
 * without `=` is the sub itself. Deterministic, so one user keeps one name.
 * @example
 * sessionNameFor('google-oauth2|1130154011234') // 'google-oauth2-1130154011234=1m3fmkn9dqc'
 * sessionNameFor('alice@example.com') // 'alice@example.com'
 */
export function sessionNameFor(sub: string): string {
  if (/^[\w+,.@-]{2,64}$/.test(sub)) return sub;
  return `${sub.replace(/[^\w+,.@-]/g, '-').slice(0, 64 - 1 - HASH_CHARS)}=${hash53(sub).toString(36).padStart(HASH_CHARS, '0')}`;
}

/** cyrb53 (bryc, public domain): a 53-bit string hash, the same in every engine. Not a secret's guard: a name's. */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
