// @ts-check
// What several benchmarks share: an unsigned test ID token and an in-process delegation endpoint (a
// `fetch` the client is given) that counts requests and answers like Auth0, optionally registering the
// keys it issues in the local verifying S3.
import { randomUUID } from 'node:crypto';

/**
 * An ID token valid until 2100 (the SDK decodes, the endpoint would verify), with `claims` besides.
 * @param {string} sub @param {Record<string, unknown>} [claims] @param {string} [signature]
 */
export function idTokenFor(sub, claims = {}, signature = 'signature') {
  const part = (/** @type {object} */ value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ ...claims, sub, aud: 'bench', exp: Date.parse('2100-01-01T00:00:00Z') / 1000 })}.${signature}`;
}

/**
 * @param {{ keys?: Map<string, import('../../sandbox/s3-gate.mjs').IssuedKey>, latencyMs?: number }} [options]
 */
export function fakeDelegation({ keys, latencyMs = 2 } = {}) {
  const counter = { requests: 0 };
  /** @type {typeof globalThis.fetch} */
  const fetch = async () => {
    counter.requests++;
    await new Promise((resolve) => setTimeout(resolve, latencyMs));
    const accessKeyId = `ASIABENCH${String(counter.requests).padStart(11, '0')}`;
    const key = { secretAccessKey: `secret-${randomUUID()}`, sessionToken: `session-${randomUUID()}`, expiresAt: Date.now() + 3_600_000, subject: 'auth0|bench' };
    keys?.set(accessKeyId, key);
    const body = { Credentials: { AccessKeyId: accessKeyId, SecretAccessKey: key.secretAccessKey, SessionToken: key.sessionToken, Expiration: new Date(key.expiresAt).toISOString() }, Subject: 'auth0|bench' };
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json', date: new Date().toUTCString() } });
  };
  return { fetch, counter };
}
