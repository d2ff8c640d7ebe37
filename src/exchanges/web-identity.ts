import { DelegationError, configurationError } from '../errors';
import { isPlainObject, rejectUnknownKeys } from '../guards';
import { decodeIdToken } from '../id-token';
import { checkTokenUrl } from '../urls';
import { REGION, clientConfig, delegationShaped, serviceError, withRetries } from './aws-provider';
import type { ErrorCodes } from './aws-provider';
import type { Exchange, ExchangeContext, ExchangeRequest, ExchangeResponse } from './exchange';
import { sessionNameFor } from './session-name';

/**
 * Settings of the STS `AssumeRoleWithWebIdentity` exchange: the ID token goes straight to AWS STS (an IAM
 * OpenID Connect provider for the Auth0 tenant trusts it), instead of to Auth0's `/delegation`.
 */
export interface WebIdentityOptions {
  /** The role the OIDC provider's trust policy lets users assume. */
  roleArn: string;
  /** The STS region, e.g. `us-east-1`. */
  region: string;
  /** Lifetime of the credentials, 900 to 43200 seconds (and at most the role's maximum). @default 3600 */
  durationSeconds?: number;
  /**
   * The role session name, or a function of the user's `sub` returning it (a function is told apart from
   * another by its value, not its source: two clients share a cache only when given the same function).
   * @default `sessionNameFor(sub)`: the `sub` when STS takes it as it is; otherwise with every character
   * STS refuses replaced by `-`, and a hash of the `sub` after an `=`, so two users never share a name.
   */
  roleSessionName?: string | ((sub: string) => string);
  /**
   * Another STS endpoint (a VPC endpoint, a local stand-in): https, or http on a loopback host only.
   * @default the region's public endpoint
   */
  endpoint?: string;
}

const KEYS = ['roleArn', 'region', 'durationSeconds', 'roleSessionName', 'endpoint'];
const ROLE_ARN = /^arn:(aws[\w-]*):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;
/** STS's errors -> this SDK's codes. */
const STS_ERRORS: ErrorCodes = {
  InvalidIdentityToken: 'invalid_identity_token',
  ExpiredToken: 'id_token_expired',
  IDPCommunicationError: 'idp_communication_error',
  IDPRejectedClaim: 'idp_rejected_claim',
  AccessDenied: 'access_denied',
  RegionDisabled: 'region_disabled',
  MalformedPolicyDocument: 'invalid_configuration',
  PackedPolicyTooLarge: 'invalid_configuration',
};

/**
 * The STS `AssumeRoleWithWebIdentity` exchange, on the AWS SDK's `fromWebToken`
 * (`@aws-sdk/credential-provider-web-identity`, an optional peer: install it; it is loaded on the first
 * exchange only). The ID token is read again on every refresh; passing failures are retried like the
 * delegation call; STS's errors get this SDK's codes; the role session name is the user's `sub`, made
 * acceptable to STS.
 * @throws {DelegationError} `invalid_configuration`, naming the field, for a bad setting.
 * @example
 * import { webIdentity } from 'auth0-aws-delegation/web-identity';
 * const client = new DelegationClient({ clientID, domain, exchange: webIdentity({ roleArn: 'arn:aws:iam::123456789012:role/s3-per-user', region: 'us-east-1' }) });
 */
export function webIdentity(options: WebIdentityOptions): Exchange {
  const settings = checkOptions(options);
  const { roleSessionName = '' } = settings;
  const sessionNameId = typeof roleSessionName === 'function' ? functionId() : roleSessionName;
  const id = JSON.stringify(['web-identity', settings.roleArn, settings.region, settings.durationSeconds ?? 3600, sessionNameId, settings.endpoint ?? '']);
  return { id, exchange: (request, context) => assumeRole(settings, request, context) };
}

/**
 * What stands for a session-name function in the exchange's `id`: a random name, new with each exchange
 * value. Its source text would not do: two closures of one source with other captured values name
 * sessions differently, and would have shared a cache. A function cannot be compared with another tab's
 * either, so clients share credentials only when they were given the same exchange value (in one tab);
 * two `webIdentity()` calls with the same function each ask STS once.
 */
function functionId(): string {
  return `function ${Array.from(crypto.getRandomValues(new Uint32Array(4)), (word) => word.toString(36)).join('-')}`;
}

/** @throws {DelegationError} `invalid_configuration`, naming the field. */
function checkOptions(options: unknown): WebIdentityOptions {
  if (!isPlainObject(options)) throw configurationError('webIdentity() needs its settings: webIdentity({ roleArn, region }).');
  rejectUnknownKeys(options, KEYS, 'webIdentity');
  const { roleArn, region, durationSeconds, roleSessionName, endpoint } = options;
  if (typeof roleArn !== 'string' || !ROLE_ARN.test(roleArn)) throw configurationError('"roleArn" must be a role ARN: arn:aws:iam::123456789012:role/NAME.');
  if (typeof region !== 'string' || !REGION.test(region)) throw configurationError('"region" must be an AWS region such as "us-east-1".');
  if (durationSeconds !== undefined && !(Number.isInteger(durationSeconds) && Number(durationSeconds) >= 900 && Number(durationSeconds) <= 43_200)) {
    throw configurationError('"durationSeconds" must be a whole number from 900 to 43200.');
  }
  if (roleSessionName !== undefined && typeof roleSessionName !== 'function' && !(typeof roleSessionName === 'string' && /^[\w+=,.@-]{2,64}$/.test(roleSessionName))) {
    throw configurationError('"roleSessionName" must be 2 to 64 characters of letters, digits and +=,.@_- (or a function of the sub).');
  }
  // The ID token goes there: the same rule as for `domain`.
  if (endpoint !== undefined) checkTokenUrl(endpoint, 'endpoint');
  return options as unknown as WebIdentityOptions;
}

async function assumeRole(settings: WebIdentityOptions, request: ExchangeRequest, context: ExchangeContext): Promise<ExchangeResponse> {
  const { idToken, signal, secrets } = request;
  if (idToken === undefined) throw configurationError('The web-identity exchange needs an ID token (a refresh token cannot be exchanged with STS).');
  const sub = subOf(idToken);
  const roleSessionName = sessionName(settings, sub);
  const { fromWebToken } = await import('@aws-sdk/credential-provider-web-identity');
  const provider = fromWebToken({
    roleArn: settings.roleArn,
    roleSessionName,
    webIdentityToken: idToken,
    durationSeconds: settings.durationSeconds ?? 3600,
    clientConfig: clientConfig(settings.region, settings.endpoint, context),
  });
  const toError = (error: unknown) => serviceError('STS AssumeRoleWithWebIdentity', error, STS_ERRORS, secrets);
  const credentials = await withRetries(() => provider(), context, signal, toError, ['idp_communication_error']);
  // fromWebToken hands back the keys only: the assumed role's ARN is what STS names it.
  const [, partition, account, roleName] = ROLE_ARN.exec(settings.roleArn) ?? [];
  return delegationShaped(credentials, { AssumedRoleUser: { Arn: `arn:${partition}:sts::${account}:assumed-role/${roleName}/${roleSessionName}` }, Subject: sub }, context);
}

/** The client decoded this token before: it has a string `sub`. */
function subOf(idToken: string): string {
  const { sub } = decodeIdToken(idToken);
  return sub;
}

/** The role session name for this user; a caller's function that throws is a configuration error. */
function sessionName({ roleSessionName }: WebIdentityOptions, sub: string): string {
  if (typeof roleSessionName !== 'function') return roleSessionName ?? sessionNameFor(sub);
  try {
    return roleSessionName(sub);
  } catch (cause) {
    throw new DelegationError({ code: 'invalid_configuration', message: 'The "roleSessionName" function threw: see cause.', cause });
  }
}
