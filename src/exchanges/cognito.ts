import { configurationError } from '../errors';
import { isPlainObject, rejectUnknownKeys } from '../guards';
import { decodeIdToken } from '../id-token';
import { checkTokenUrl } from '../urls';
import { REGION, clientConfig, delegationShaped, serviceError, withRetries } from './aws-provider';
import type { ErrorCodes } from './aws-provider';
import type { Exchange, ExchangeContext, ExchangeRequest, ExchangeResponse } from './exchange';

/**
 * Settings of the Cognito identity pool exchange: the ID token is a login of the pool's OpenID Connect
 * provider (the Auth0 tenant), and the pool's authenticated role gives the credentials (what Amplify does).
 */
export interface CognitoIdentityPoolOptions {
  /** The pool, e.g. `us-east-1:0f1e2d3c-...`. */
  identityPoolId: string;
  /** The pool's region. @default the region the pool ID starts with */
  region?: string;
  /**
   * The `logins` key: the OpenID Connect provider's name in the pool, the issuer's host.
   * @default the host of the client's `domain`, e.g. `tenant.auth0.com`
   */
  providerName?: string;
  /** One of the pool's roles to ask for instead of its authenticated role (rules-based pools). */
  customRoleArn?: string;
  /** Another Cognito Identity endpoint (a local stand-in): https, or http on a loopback host only. */
  endpoint?: string;
}

const KEYS = ['identityPoolId', 'region', 'providerName', 'customRoleArn', 'endpoint'];
const POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d):[0-9a-f-]{36}$/;
/** Cognito Identity's errors -> this SDK's codes. */
const COGNITO_ERRORS: ErrorCodes = {
  NotAuthorized: 'not_authorized',
  ResourceNotFound: 'identity_pool_not_found',
  InvalidIdentityPoolConfiguration: 'invalid_identity_pool_configuration',
  InvalidParameter: 'invalid_request',
  TooManyRequests: 'rate_limited',
  LimitExceeded: 'rate_limited',
  ExternalService: 'idp_communication_error',
  InternalError: 'server_error',
  ResourceConflict: 'server_error',
};
/** Where `fromCognitoIdentityPool` would keep identity IDs (IndexedDB, localStorage): nowhere. */
const NO_STORAGE = { getItem: () => null, setItem: () => undefined, removeItem: () => undefined };

/**
 * The Cognito identity pool exchange, on the AWS SDK's `fromCognitoIdentityPool`
 * (`@aws-sdk/credential-provider-cognito-identity`, an optional peer: install it; it is loaded on the
 * first exchange only): `GetId` then `GetCredentialsForIdentity`, with `logins: { '<tenant host>': idToken }`
 * and a fresh token on every refresh. The credentials carry the user's `identityId` (Amplify's
 * `private/{identityId}/` folders). Nothing is kept in browser storage.
 * @throws {DelegationError} `invalid_configuration`, naming the field, for a bad setting.
 * @example
 * import { cognitoIdentityPool } from 'auth0-aws-delegation/cognito';
 * const client = new DelegationClient({ clientID, domain, exchange: cognitoIdentityPool({ identityPoolId: 'us-east-1:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0' }) });
 */
export function cognitoIdentityPool(options: CognitoIdentityPoolOptions): Exchange {
  const settings = checkOptions(options);
  const id = JSON.stringify(['cognito', settings.identityPoolId, settings.region, settings.providerName ?? '', settings.customRoleArn ?? '', settings.endpoint ?? '']);
  return { id, exchange: (request, context) => credentialsForIdentity(settings, request, context) };
}

/** @throws {DelegationError} `invalid_configuration`, naming the field. */
function checkOptions(options: unknown): CognitoIdentityPoolOptions & { region: string } {
  if (!isPlainObject(options)) throw configurationError('cognitoIdentityPool() needs its settings: cognitoIdentityPool({ identityPoolId }).');
  rejectUnknownKeys(options, KEYS, 'cognitoIdentityPool');
  const { identityPoolId, providerName, customRoleArn, endpoint } = options;
  const pool = typeof identityPoolId === 'string' ? POOL_ID.exec(identityPoolId) : null;
  if (pool === null) throw configurationError('"identityPoolId" must be a pool ID: REGION:UUID, e.g. us-east-1:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0.');
  const region = options['region'] ?? pool[1];
  if (typeof region !== 'string' || !REGION.test(region)) throw configurationError('"region" must be an AWS region such as "us-east-1".');
  if (providerName !== undefined && !(typeof providerName === 'string' && /^[\w.:-]+(\/[\w./:-]*)?$/.test(providerName))) {
    throw configurationError('"providerName" must be the OIDC provider\'s name in the pool, e.g. "tenant.auth0.com".');
  }
  if (customRoleArn !== undefined && !(typeof customRoleArn === 'string' && /^arn:aws[\w-]*:iam::\d{12}:role\/\S+$/.test(customRoleArn))) {
    throw configurationError('"customRoleArn" must be a role ARN: arn:aws:iam::123456789012:role/NAME.');
  }
  // The ID token goes there: the same rule as for `domain`.
  if (endpoint !== undefined) checkTokenUrl(endpoint, 'endpoint');
  return { ...(options as unknown as CognitoIdentityPoolOptions), region };
}

async function credentialsForIdentity(settings: CognitoIdentityPoolOptions & { region: string }, request: ExchangeRequest, context: ExchangeContext): Promise<ExchangeResponse> {
  const { idToken, signal, secrets } = request;
  if (idToken === undefined) throw configurationError('The Cognito exchange needs an ID token (a refresh token is not a login of an identity pool).');
  const logins = { [settings.providerName ?? new URL(context.origin).host]: idToken };
  const { fromCognitoIdentityPool } = await import('@aws-sdk/credential-provider-cognito-identity');
  // A new provider for each token: it keeps the logins it was made with.
  const provide = () => fromCognitoIdentityPool({
    identityPoolId: settings.identityPoolId,
    logins,
    cache: NO_STORAGE,
    ...(settings.customRoleArn === undefined ? {} : { customRoleArn: settings.customRoleArn }),
    clientConfig: clientConfig(settings.region, settings.endpoint, context),
  })();
  const toError = (error: unknown) => serviceError('Cognito Identity', error, COGNITO_ERRORS, secrets);
  const credentials = await withRetries(provide, context, signal, toError, ['idp_communication_error']);
  const { sub } = decodeIdToken(idToken);
  return delegationShaped(credentials, { IdentityId: credentials.identityId, Subject: sub }, context);
}
