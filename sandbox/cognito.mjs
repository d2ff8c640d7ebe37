// @ts-check
// A Cognito Identity stand-in for an identity pool whose login provider is the Auth0 tenant (an OpenID
// Connect provider): `GetId` and `GetCredentialsForIdentity`, AWS JSON 1.1 (`X-Amz-Target`), unsigned, as
// the AWS SDK's fromCognitoIdentityPool calls them. The ID token is checked against the sandbox's JWKS;
// each `sub` gets one stable identity ID; issued keys are registered in the S3 gate with the policy
// variable `${cognito-identity.amazonaws.com:sub}` (Amplify's `private/{identityId}/` folders).
import { createHash } from 'node:crypto';
import { issueKey } from './issue.mjs';

const TARGET_PREFIX = 'AWSCognitoIdentityService.';
/** The policy variable of Cognito's authenticated role: the caller's identity ID. */
export const COGNITO_VARIABLE = 'cognito-identity.amazonaws.com:sub';

/**
 * @typedef {object} CognitoOptions
 * @property {string} identityPoolId e.g. `us-east-1:00000000-0000-4000-8000-000000000001`
 * @property {string} providerName the Logins key the pool knows: the issuer's host
 * @property {{ verify(token: string): Promise<import('jose').JWTPayload> }} identity
 * @property {Map<string, import('./s3-gate.mjs').IssuedKey>} keys
 * @property {number} credentialLifetimeSec
 * @property {() => number} [now] default Date.now
 */

/** An AWS JSON error: `__type` in the body and `x-amzn-ErrorType`, as the service sends them. @param {number} status @param {string} type @param {string} message */
function cognitoError(status, type, message) {
  return { status, body: { __type: type, message }, headers: { 'x-amzn-errortype': type } };
}

/** @param {CognitoOptions} options */
export function createCognitoEndpoint({ identityPoolId, providerName, identity, keys, credentialLifetimeSec, now = () => Date.now() }) {
  const stats = { issued: 0, getId: 0 };
  const region = identityPoolId.split(':')[0];

  /** The identity ID of a user of this pool: the same for the same `sub`, unguessable from it. @param {string} sub */
  function identityIdOf(sub) {
    const hex = createHash('sha256').update(`${identityPoolId}\n${sub}`).digest('hex');
    return `${region}:${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  /**
   * The `sub` of a valid login of this pool's provider, or a Cognito error.
   * @param {unknown} logins @returns {Promise<{ sub: string } | ReturnType<typeof cognitoError>>}
   */
  async function login(logins) {
    const entries = logins !== null && typeof logins === 'object' ? Object.entries(logins) : [];
    if (entries.length !== 1) return cognitoError(400, 'NotAuthorizedException', 'Unauthenticated access is not supported for this identity pool.');
    const [name, token] = /** @type {[string, unknown]} */ (entries[0]);
    if (name !== providerName) return cognitoError(400, 'NotAuthorizedException', `Invalid login token. Issuer doesn't match providerName`);
    try {
      const claims = await identity.verify(String(token));
      return { sub: String(claims.sub ?? '') };
    } catch (error) {
      const expired = /** @type {{ code?: string }} */ (error).code === 'ERR_JWT_EXPIRED';
      return cognitoError(400, 'NotAuthorizedException', expired ? 'Invalid login token. Token expired.' : 'Invalid login token. Token signature invalid.');
    }
  }

  /** @param {Record<string, unknown>} input */
  async function getId(input) {
    if (input['IdentityPoolId'] !== identityPoolId) return cognitoError(400, 'ResourceNotFoundException', `IdentityPool '${String(input['IdentityPoolId'])}' not found.`);
    const user = await login(input['Logins']);
    if (!('sub' in user)) return user;
    stats.getId++;
    return { status: 200, body: { IdentityId: identityIdOf(user.sub) } };
  }

  /** @param {Record<string, unknown>} input */
  async function getCredentialsForIdentity(input) {
    const user = await login(input['Logins']);
    if (!('sub' in user)) return user;
    const identityId = identityIdOf(user.sub);
    if (input['IdentityId'] !== identityId) return cognitoError(400, 'NotAuthorizedException', "Logins don't match. Please include at least one valid login for this identity or identity pool.");
    if (input['CustomRoleArn'] !== undefined) return cognitoError(400, 'InvalidParameterException', 'CustomRoleArn is not allowed: the pool has no role rules.');
    const key = issueKey(keys, { subject: identityId, expiresAt: now() + credentialLifetimeSec * 1000, policyVariable: COGNITO_VARIABLE, exchange: 'cognito' });
    stats.issued++;
    // Timestamps in AWS JSON are epoch seconds.
    return { status: 200, body: { IdentityId: identityId, Credentials: { AccessKeyId: key.accessKeyId, SecretKey: key.secretAccessKey, SessionToken: key.sessionToken, Expiration: key.expiresAt / 1000 } } };
  }

  /**
   * @param {string | undefined} target the `X-Amz-Target` header @param {string} text the JSON body
   * @returns {Promise<{ status: number, body: unknown, headers?: Record<string, string> }>}
   */
  async function handle(target, text) {
    let input;
    try {
      input = JSON.parse(text);
    } catch {
      return cognitoError(400, 'SerializationException', 'The body is not JSON.');
    }
    if (input === null || typeof input !== 'object' || Array.isArray(input)) return cognitoError(400, 'SerializationException', 'The body is not a JSON object.');
    if (target === `${TARGET_PREFIX}GetId`) return getId(input);
    if (target === `${TARGET_PREFIX}GetCredentialsForIdentity`) return getCredentialsForIdentity(input);
    return cognitoError(400, 'UnknownOperationException', `Unknown operation ${String(target)}.`);
  }

  return { handle, stats, identityIdOf };
}
