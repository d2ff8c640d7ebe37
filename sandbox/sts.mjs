// @ts-check
// An STS stand-in for AssumeRoleWithWebIdentity, the path Auth0 recommends now that /delegation is off
// for new tenants: an unsigned, form-encoded POST carrying the ID token, answered in STS's XML, with
// STS's validation and errors. Issued keys are registered in the S3 gate like delegated ones.
import { roleSessionName } from './delegation.mjs';
import { assumedRoleUser, issueKey } from './issue.mjs';

const VERSION = '2011-06-15';
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const ROLE_ARN = /^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/** @param {string} text */
const xml = (text) => text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * @typedef {object} StsOptions
 * @property {string} roleArn the only role the web identity trust policy lets users assume
 * @property {{ verify(token: string): Promise<import('jose').JWTPayload> }} identity
 * @property {Map<string, import('./s3-gate.mjs').IssuedKey>} keys
 * @property {string} issuerHost the IAM OIDC provider, as in the policy variable `${issuerHost:sub}`
 * @property {number} [maxSessionDurationSec] the role's maximum (default 3600)
 * @property {() => number} [now] default Date.now
 */

/** @param {number} status @param {string} code @param {string} message */
function stsError(status, code, message) {
  const body = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/${VERSION}/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xml(message)}</Message></Error><RequestId>${crypto.randomUUID()}</RequestId></ErrorResponse>`;
  return { status, body };
}

/** @param {StsOptions} options */
export function createStsEndpoint({ roleArn, identity, keys, issuerHost, maxSessionDurationSec = 3600, now = () => Date.now() }) {
  const stats = { issued: 0 };

  /** @param {URLSearchParams} params */
  function validate(params) {
    if (params.get('Action') !== 'AssumeRoleWithWebIdentity') return stsError(400, 'InvalidAction', `Could not find operation ${params.get('Action') ?? ''} for version ${VERSION}.`);
    if (params.get('Version') !== VERSION) return stsError(400, 'InvalidParameterValue', `Version must be ${VERSION}.`);
    for (const name of ['RoleArn', 'RoleSessionName', 'WebIdentityToken']) {
      if (!params.get(name)) return stsError(400, 'MissingParameter', `The request must contain the parameter ${name}.`);
    }
    if (!ROLE_ARN.test(params.get('RoleArn') ?? '')) return stsError(400, 'ValidationError', 'RoleArn is not a valid role ARN.');
    if (!SESSION_NAME.test(params.get('RoleSessionName') ?? '')) return stsError(400, 'ValidationError', "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length 2 to 64");
    const duration = Number(params.get('DurationSeconds') ?? 3600);
    if (!Number.isInteger(duration) || duration < 900 || duration > maxSessionDurationSec) {
      return stsError(400, 'ValidationError', `The requested DurationSeconds exceeds the MaxSessionDuration set for this role (900 to ${maxSessionDurationSec}).`);
    }
    return undefined;
  }

  /**
   * @param {string} text the form-encoded body
   * @returns {Promise<{ status: number, body: string }>}
   */
  async function handle(text) {
    const params = new URLSearchParams(text);
    const invalid = validate(params);
    if (invalid) return invalid;
    let claims;
    try {
      claims = await identity.verify(params.get('WebIdentityToken') ?? '');
    } catch (error) {
      const code = /** @type {{ code?: string }} */ (error).code;
      if (code === 'ERR_JWT_EXPIRED') return stsError(400, 'ExpiredTokenException', 'Token expired: current date/time must be before the expiration date/time.');
      return stsError(400, 'InvalidIdentityToken', code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' ? 'Incorrect token audience or issuer.' : 'The web identity token signature could not be verified.');
    }
    if (params.get('RoleArn') !== roleArn) return stsError(403, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
    const sub = String(claims.sub ?? '');
    const session = params.get('RoleSessionName') ?? roleSessionName(sub);
    const key = issueKey(keys, { subject: sub, expiresAt: now() + Number(params.get('DurationSeconds') ?? 3600) * 1000, policyVariable: `${issuerHost}:sub`, exchange: 'web-identity' });
    stats.issued++;
    const role = assumedRoleUser(roleArn, session);
    const body = `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/${VERSION}/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>${xml(sub)}</SubjectFromWebIdentityToken>
    <Audience>${xml(String(claims.aud))}</Audience>
    <AssumedRoleUser>
      <Arn>${xml(role.Arn)}</Arn>
      <AssumedRoleId>${xml(role.AssumedRoleId)}</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${key.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${key.secretAccessKey}</SecretAccessKey>
      <SessionToken>${key.sessionToken}</SessionToken>
      <Expiration>${new Date(key.expiresAt).toISOString()}</Expiration>
    </Credentials>
    <Provider>${xml(issuerHost)}</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>${crypto.randomUUID()}</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`;
    return { status: 200, body };
  }

  return { handle, stats };
}
