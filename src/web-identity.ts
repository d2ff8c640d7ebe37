import { abortedError } from './cache';
import type { DelegationResult } from './credentials';
import { DelegationError, configurationError } from './errors';
import type { ExchangeResponse } from './exchange';
import { isPlainObject, rejectUnknownKeys } from './guards';
import type { ResolvedOptions } from './options';
import { redact } from './redact';
import { sessionNameFor } from './session-name';
import { checkTokenUrl } from './urls';
import { decodePayload } from './id-token';

/**
 * The `exchange` option for STS `AssumeRoleWithWebIdentity`: the ID token goes straight to AWS STS (an
 * IAM OpenID Connect provider for the Auth0 tenant trusts it), instead of to Auth0's `/delegation`.
 * `@aws-sdk/client-sts` is loaded on the first exchange only (install it next to this package).
 */
export interface WebIdentityExchange {
  /** Selects STS `AssumeRoleWithWebIdentity` instead of `/delegation`. */
  type: 'web-identity';
  /** The role the OIDC provider's trust policy lets users assume. */
  roleArn: string;
  /** The STS region, e.g. `us-east-1`. */
  region: string;
  /** Lifetime of the credentials, 900 to 43200 seconds (and at most the role's maximum). @default 3600 */
  durationSeconds?: number;
  /**
   * The role session name, or a function of the user's `sub` returning it. @default `sessionNameFor(sub)`:
   * the `sub` with every character STS refuses replaced by `-`, cut to 64 characters.
   */
  roleSessionName?: string | ((sub: string) => string);
  /**
   * Another STS endpoint (a VPC endpoint, a local stand-in): https, or http on a loopback host only.
   * @default the region's public endpoint
   */
  endpoint?: string;
}

/** The client option this module adds (the core script builds, without it, refuse it as unknown). */
export const EXCHANGE_OPTIONS = ['exchange'];
const KEYS = ['type', 'roleArn', 'region', 'durationSeconds', 'roleSessionName', 'endpoint'];
const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
/** STS's own error codes (the AWS SDK may add `Exception`) -> this SDK's. */
const STS_ERRORS: Record<string, string> = {
  InvalidIdentityToken: 'invalid_identity_token',
  ExpiredToken: 'id_token_expired',
  IDPCommunicationError: 'idp_communication_error',
  IDPRejectedClaim: 'idp_rejected_claim',
  AccessDenied: 'access_denied',
  RegionDisabled: 'region_disabled',
};

/**
 * Checks the `exchange` option at construction.
 * @throws {DelegationError} `invalid_configuration`, naming the field.
 */
export function checkExchange(exchange: unknown): void {
  if (exchange === undefined || exchange === 'delegation') return;
  if (!isPlainObject(exchange) || exchange['type'] !== 'web-identity') {
    throw configurationError('"exchange" must be "delegation" or { type: "web-identity", roleArn, region }.');
  }
  rejectUnknownKeys(exchange, KEYS, 'exchange');
  const { roleArn, region, durationSeconds, roleSessionName, endpoint } = exchange;
  if (typeof roleArn !== 'string' || !ROLE_ARN.test(roleArn)) throw configurationError('"exchange.roleArn" must be a role ARN: arn:aws:iam::123456789012:role/NAME.');
  if (typeof region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw configurationError('"exchange.region" must be an AWS region such as "us-east-1".');
  if (durationSeconds !== undefined && !(Number.isInteger(durationSeconds) && Number(durationSeconds) >= 900 && Number(durationSeconds) <= 43_200)) {
    throw configurationError('"exchange.durationSeconds" must be a whole number from 900 to 43200.');
  }
  if (roleSessionName !== undefined && typeof roleSessionName !== 'function' && !(typeof roleSessionName === 'string' && /^[\w+=,.@-]{2,64}$/.test(roleSessionName))) {
    throw configurationError('"exchange.roleSessionName" must be 2 to 64 characters of letters, digits and +=,.@_- (or a function of the sub).');
  }
  // The ID token goes there: the same rule as for `domain`.
  if (endpoint !== undefined) checkTokenUrl(endpoint, 'exchange.endpoint');
}

/**
 * Exchanges the request's ID token for credentials with STS `AssumeRoleWithWebIdentity`, retrying
 * `IDPCommunicationError` and network errors like the delegation call, and answers in the delegation
 * response's shape so the cache and the AWS provider work the same.
 * @throws {DelegationError} `invalid_identity_token`, `id_token_expired`, `idp_communication_error`,
 *   `access_denied`, `network_error`, `aborted`, `invalid_configuration` (a `roleSessionName` function
 *   that throws, with its error as `cause`), or STS's own code.
 */
export async function assumeRoleWithWebIdentity(options: ResolvedOptions, idToken: unknown, signal: AbortSignal): Promise<ExchangeResponse> {
  const exchange = options.exchange as WebIdentityExchange;
  if (typeof idToken !== 'string') throw configurationError('The web-identity exchange needs an ID token (a refresh token cannot be exchanged with STS).');
  const input = { RoleArn: exchange.roleArn, RoleSessionName: sessionName(exchange, idToken), WebIdentityToken: idToken, DurationSeconds: exchange.durationSeconds ?? 3600 };
  const { STSClient, AssumeRoleWithWebIdentityCommand } = await import('@aws-sdk/client-sts');
  // Browsers: the token never follows a redirect (Node's handler never follows one).
  const requestHandler = { requestInit: () => ({ redirect: 'error' as const }) };
  const sts = new STSClient({ region: exchange.region, maxAttempts: 1, requestHandler, ...(exchange.endpoint ? { endpoint: exchange.endpoint } : {}) });
  for (let attempt = 0; ; attempt++) {
    try {
      const output = await sts.send(new AssumeRoleWithWebIdentityCommand(input), { abortSignal: signal });
      const json = toDelegationShape(output);
      return { text: JSON.stringify(json), json, status: output.$metadata.httpStatusCode ?? 200, date: null, receivedAt: options.now() };
    } catch (error) {
      const mapped = signal.aborted ? abortedError(signal) : toDelegationError(error, idToken);
      if (!retryable(mapped) || attempt >= options.retries) throw mapped;
      await pause(500 * 2 ** attempt * (0.5 + Math.random() * 0.5), signal);
    }
  }
}

/** The role session name for this token's user; a caller's function that throws is a configuration error. */
function sessionName(exchange: WebIdentityExchange, idToken: string): string {
  // The client decoded this token before: it has a sub.
  const { sub = '' } = decodePayload(idToken) as { sub?: string };
  const { roleSessionName } = exchange;
  if (typeof roleSessionName !== 'function') return roleSessionName ?? sessionNameFor(sub);
  try {
    return roleSessionName(sub);
  } catch (cause) {
    throw new DelegationError({ code: 'invalid_configuration', message: 'The "exchange.roleSessionName" function threw: see cause.', cause });
  }
}

interface StsOutput {
  Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date };
  AssumedRoleUser?: { Arn?: string; AssumedRoleId?: string };
  SubjectFromWebIdentityToken?: string;
  Audience?: string;
  Provider?: string;
}

function toDelegationShape(output: StsOutput): DelegationResult {
  const credentials = output.Credentials ?? {};
  return {
    Credentials: {
      AccessKeyId: credentials.AccessKeyId ?? '',
      SecretAccessKey: credentials.SecretAccessKey ?? '',
      SessionToken: credentials.SessionToken ?? '',
      Expiration: credentials.Expiration instanceof Date ? credentials.Expiration.toISOString() : '',
    },
    ...(output.AssumedRoleUser ? { AssumedRoleUser: output.AssumedRoleUser } : {}),
    ...(output.SubjectFromWebIdentityToken ? { Subject: output.SubjectFromWebIdentityToken } : {}),
    ...(output.Audience ? { Audience: output.Audience } : {}),
    ...(output.Provider ? { Issuer: output.Provider } : {}),
  };
}

function toDelegationError(error: unknown, idToken: string): DelegationError {
  const { name = '', message = '', $metadata } = Object(error) as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = $metadata?.httpStatusCode ?? 0;
  const short = name.replace(/Exception$/, '');
  // Unmodelled answers are classified by status, as the delegation exchange does it.
  const code = STS_ERRORS[short] ?? (status === 0 ? 'network_error' : status >= 500 ? 'server_error' : status === 429 ? 'rate_limited' : short || 'http_error');
  if (code === 'network_error') {
    return new DelegationError({ code, message: 'STS AssumeRoleWithWebIdentity failed: no response (offline, DNS, refused or CORS).' });
  }
  const description = redact(String(message), [idToken]).slice(0, 500);
  return new DelegationError({ code, status, description, message: `STS AssumeRoleWithWebIdentity answered ${status} ${short || code}: ${description}` });
}

function retryable(error: DelegationError): boolean {
  return error.code === 'idp_communication_error' || error.code === 'network_error' || error.status >= 500;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(abortedError(signal));
    }, { once: true });
  });
}
