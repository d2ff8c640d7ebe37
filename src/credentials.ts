import { DelegationError } from './errors';
import { isPlainObject } from './guards';

/** The `Credentials` object of a delegation response for `api_type: 'aws'` (STS's shape). */
export interface StsCredentials {
  /** The temporary access key ID (`ASIA...`). */
  AccessKeyId: string;
  /** The secret that signs requests. Never logged or put in an error by this SDK. */
  SecretAccessKey: string;
  /** The session token sent with every signed request (`x-amz-security-token`). */
  SessionToken: string;
  /** ISO 8601 time, on the server's clock. */
  Expiration: string;
}

/** The endpoint's JSON for `api_type: 'aws'`, as it sent it (validated, other fields kept). */
export interface DelegationResult {
  /** The temporary credentials. */
  Credentials: StsCredentials;
  /** The assumed role session the credentials belong to. */
  AssumedRoleUser?: {
    /** `ROLE_ID:session-name`. */
    AssumedRoleId?: string;
    /** `arn:aws:sts::ACCOUNT:assumed-role/ROLE/session-name`. */
    Arn?: string;
  };
  /** The user the credentials were issued for (the SAML subject, the ID token's `sub`). */
  Subject?: string;
  /** How `Subject` is formatted, e.g. `persistent`. */
  SubjectType?: string;
  /** The identity provider that vouched for the user. */
  Issuer?: string;
  /** The SAML audience, usually `https://signin.aws.amazon.com/saml`. */
  Audience?: string;
  /** A hash of the issuer, account and provider name, identifying the user together with `Subject`. */
  NameQualifier?: string;
  [key: string]: unknown;
}

/**
 * Temporary AWS credentials in the AWS SDK v3's shape, plus who they were issued to.
 * `expiration` is on this machine's clock (the server's `Expiration` corrected by the clock offset seen
 * in the response's `Date` header), so comparing it with `Date.now()` is right even on a skewed clock.
 */
export interface AwsCredentials {
  /** The temporary access key ID. */
  readonly accessKeyId: string;
  /** The secret that signs requests. */
  readonly secretAccessKey: string;
  /** The session token sent with every signed request. */
  readonly sessionToken: string;
  /** When the credentials stop working, on this machine's clock. */
  readonly expiration: Date;
  /**
   * When the client will fetch new credentials instead of serving these (local clock): `expiration` minus
   * the refresh window, capped at half the lifetime.
   */
  readonly refreshAt: Date;
  /** `AssumedRoleUser.Arn`, e.g. `arn:aws:sts::123456789012:assumed-role/role/session`. */
  readonly assumedRoleArn: string | undefined;
  /** `Subject`: the user the credentials were issued for. */
  readonly subject: string | undefined;
}

/** A validated AWS delegation response, with the expiry on the server's clock. */
export interface ParsedAwsResponse {
  readonly result: DelegationResult;
  readonly expirationMs: number;
}

const REQUIRED_STRINGS = ['AccessKeyId', 'SecretAccessKey', 'SessionToken'] as const;

/**
 * Validates an `api_type: 'aws'` response before anything is cached: `Credentials` with non-empty
 * `AccessKeyId`, `SecretAccessKey`, `SessionToken`, and an `Expiration` that parses and is after
 * `serverNowMs`. Messages name the field, never its value.
 * @throws {DelegationError} `invalid_response`
 */
export function parseAwsResponse(json: unknown, serverNowMs: number, status: number): ParsedAwsResponse {
  const credentials = isPlainObject(json) ? json['Credentials'] : undefined;
  if (!isPlainObject(credentials)) throw invalidResponse('no "Credentials" object', status);
  for (const field of REQUIRED_STRINGS) {
    const value = credentials[field];
    if (typeof value !== 'string' || value === '') throw invalidResponse(`no "Credentials.${field}" string`, status);
  }
  const expiration = credentials['Expiration'];
  const expirationMs = typeof expiration === 'string' ? Date.parse(expiration) : Number.NaN;
  if (Number.isNaN(expirationMs)) throw invalidResponse('no "Credentials.Expiration" date', status);
  if (expirationMs <= serverNowMs) throw invalidResponse('"Credentials.Expiration" has passed', status);
  return { result: json as DelegationResult, expirationMs };
}

/** Maps a validated response to the AWS SDK's credential shape, times on the local clock. */
export function toAwsCredentials(result: DelegationResult, expiresAtLocalMs: number, refreshAtLocalMs: number): AwsCredentials {
  const { AccessKeyId, SecretAccessKey, SessionToken } = result.Credentials;
  const arn = result.AssumedRoleUser?.Arn;
  return {
    accessKeyId: AccessKeyId,
    secretAccessKey: SecretAccessKey,
    sessionToken: SessionToken,
    expiration: new Date(expiresAtLocalMs),
    refreshAt: new Date(refreshAtLocalMs),
    assumedRoleArn: typeof arn === 'string' ? arn : undefined,
    subject: typeof result.Subject === 'string' ? result.Subject : undefined,
  };
}

/**
 * Server clock minus local clock, from the response's `Date` header (second resolution), or 0 when the
 * header is absent or unreadable (cross-origin responses hide it unless CORS exposes it).
 */
export function clockOffset(dateHeader: string | null, localNowMs: number): number {
  const serverMs = dateHeader === null ? Number.NaN : Date.parse(dateHeader);
  return Number.isNaN(serverMs) ? 0 : serverMs - localNowMs;
}

export function invalidResponse(reason: string, status: number): DelegationError {
  return new DelegationError({
    code: 'invalid_response',
    status,
    message: `The delegation response (${status}) is unusable: ${reason}. Check the domain and the AWS add-on.`,
  });
}
