// @ts-check
// An Auth0-compatible POST /delegation for api_type "aws": checks the request as Auth0 did, verifies
// the ID token, applies the rule-like AWS settings, limits each user to 10 requests a minute, and issues
// temporary keys that the S3 gate accepts (with a session token, for a configurable duration).
import { randomBytes } from 'node:crypto';
import { assumedRoleUser, issueKey } from './issue.mjs';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** STS RoleSessionName: 2 to 64 characters of [\w+=,.@-]. */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/**
 * @typedef {object} AwsAddon the rule's context.addonConfiguration.aws
 * @property {string} role role ARN
 * @property {string} principal SAML provider ARN
 * @property {string} region
 * @property {Record<string, string>} mappings SAML attribute -> user property, as in the guide
 */

/**
 * @typedef {object} DelegationOptions
 * @property {string} clientID the only client (and target) this tenant knows
 * @property {string} domain tenant host, for Issuer
 * @property {{ verify(token: string): Promise<import('jose').JWTPayload> }} identity
 * @property {Map<string, import('./s3-gate.mjs').IssuedKey>} keys where issued keys go (the S3 gate's)
 * @property {AwsAddon} aws
 * @property {number} credentialLifetimeSec
 * @property {number} [rateLimitPerMinute] default 10
 * @property {() => number} [now] default Date.now
 */

/** @param {number} status @param {string} error @param {string} description @param {Record<string, string>} [headers] */
function failure(status, error, description, headers = {}) {
  return { status, headers, body: { error, error_description: description } };
}


/**
 * The session name AWS would show: the user's sub with characters STS refuses ("|" in "auth0|alice")
 * replaced by "-". Its length must still be 2 to 64, as the guide warns.
 * @param {string} sub
 */
export function roleSessionName(sub) {
  return sub.replace(/[^\w+=,.@-]/g, '-');
}

/** @param {DelegationOptions} options */
export function createDelegationEndpoint(options) {
  const { clientID, domain, identity, keys, aws, credentialLifetimeSec, rateLimitPerMinute = 10, now = () => Date.now() } = options;
  /** Request times per user, for the rate limit. @type {Map<string, number[]>} */
  const recent = new Map();
  const stats = { answered: 0, issued: 0 };

  /** @param {string} sub */
  function rateLimited(sub) {
    const windowStart = now() - 60_000;
    const times = (recent.get(sub) ?? []).filter((time) => time > windowStart);
    recent.set(sub, times);
    if (times.length < rateLimitPerMinute) {
      times.push(now());
      return undefined;
    }
    const resetMs = (times[0] ?? now()) + 60_000;
    return failure(429, 'too_many_requests', `Too many delegation requests: ${rateLimitPerMinute} per minute per user.`, {
      'retry-after': String(Math.max(1, Math.ceil((resetMs - now()) / 1000))),
      'x-ratelimit-limit': String(rateLimitPerMinute),
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.ceil(resetMs / 1000)),
    });
  }

  /** @param {string} sub */
  function issue(sub) {
    const key = issueKey(keys, { subject: sub, expiresAt: now() + credentialLifetimeSec * 1000 });
    stats.issued++;
    const { Arn, AssumedRoleId } = assumedRoleUser(aws.role, roleSessionName(sub));
    return {
      ResponseMetadata: { RequestId: crypto.randomUUID() },
      Credentials: { AccessKeyId: key.accessKeyId, SecretAccessKey: key.secretAccessKey, SessionToken: key.sessionToken, Expiration: new Date(key.expiresAt).toISOString() },
      AssumedRoleUser: { AssumedRoleId, Arn },
      Subject: sub,
      SubjectType: 'persistent',
      Issuer: `urn:${domain}`,
      Audience: 'https://signin.aws.amazon.com/saml',
      NameQualifier: randomBytes(20).toString('base64'),
    };
  }

  /**
   * Answers one request body (already parsed JSON, or undefined when it was not JSON).
   * @param {unknown} input
   * @returns {Promise<{ status: number, headers: Record<string, string>, body: object }>}
   */
  async function handle(input) {
    stats.answered++;
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return failure(400, 'invalid_request', 'The body must be a JSON object.');
    const body = /** @type {Record<string, unknown>} */ (input);
    if (body['client_id'] !== clientID) return failure(401, 'invalid_client', 'Unknown client_id.');
    if (body['grant_type'] !== JWT_BEARER) return failure(400, 'unsupported_grant_type', `grant_type must be ${JWT_BEARER}.`);
    if (body['target'] !== clientID) return failure(400, 'invalid_request', 'Unknown target client.');
    if (body['api_type'] !== 'aws') return failure(400, 'invalid_request', `api_type "${String(body['api_type'])}" is not enabled for this client (only "aws").`);
    if (typeof body['id_token'] !== 'string' || body['id_token'] === '') return failure(400, 'invalid_request', 'id_token is required.');
    let sub;
    try {
      sub = String((await identity.verify(body['id_token'])).sub ?? '');
    } catch (error) {
      const code = /** @type {{ code?: string }} */ (error).code;
      const reason = code === 'ERR_JWT_EXPIRED' ? 'id_token expired' : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' ? 'id_token audience or issuer is invalid' : 'id_token signature is invalid';
      return failure(401, 'invalid_token', reason);
    }
    if (!SESSION_NAME.test(roleSessionName(sub))) return failure(400, 'invalid_request', 'The user name must be 2 to 64 characters long to be an AWS RoleSessionName.');
    return rateLimited(sub) ?? { status: 200, headers: {}, body: issue(sub) };
  }

  return { handle, stats };
}
