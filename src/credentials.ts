import { DelegationError } from './errors';
import { isPlainObject } from './guards';

/**
 * S3's codes for which new credentials would pass (STS credentials refused before their expiry), one
 * list for both recovery paths: the fetch entry's `signedFetch` and the AWS SDK plugin.
 * `InvalidAccessKeyId` is a key the store no longer knows (a revoked session, a store that forgot its
 * keys): kept, it would refuse every request until `refreshAt`, an upload's cleanup included. Uppy asks
 * for new credentials on it too.
 */
export const REFUSED_CREDENTIAL_CODES: readonly string[] = ['ExpiredToken', 'InvalidToken', 'TokenRefreshRequired', 'InvalidAccessKeyId'];

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
  /** Cognito identity pools: the user's identity ID (`REGION:UUID`), the name of their folder. */
  IdentityId?: string;
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
  /** `IdentityId`: with a Cognito identity pool, the user's identity ID (Amplify's `private/{identityId}/`). */
  readonly identityId: string | undefined;
}

/** A validated AWS delegation response, with the expiry as the server wrote it. */
export interface ParsedAwsResponse {
  readonly result: DelegationResult;
  readonly expirationMs: number;
}

/** When credentials expire on the local clock, and the clock offset that was believed to say so. */
export interface Timing {
  /** Server clock minus local clock, from the `Date` header; 0 when absent or not believable. */
  readonly offsetMs: number;
  /** How long the credentials are taken to last from `receivedAtMs`. */
  readonly lifetimeMs: number;
  readonly expiresAtMs: number;
}

/** A `Date` header further than this from the local clock is not believed: more likely wrong than the page. */
export const MAX_CLOCK_OFFSET_MS = 24 * 3_600_000;
/** A delegation answer is under 4 KB; no body is read past this (`invalid_response`). */
export const MAX_BODY_BYTES = 65_536;
/** STS never issues credentials for longer (`DurationSeconds` 43200): a longer claim is not trusted. */
export const MAX_LIFETIME_MS = 12 * 3_600_000;

const REQUIRED_STRINGS = ['AccessKeyId', 'SecretAccessKey', 'SessionToken'] as const;

/**
 * Validates an `api_type: 'aws'` response before anything is cached: `Credentials` with non-empty
 * `AccessKeyId`, `SecretAccessKey`, `SessionToken`, and an `Expiration` that parses (whether it has
 * passed is `timing`'s to say). Messages name the field, never its value.
 * @throws {DelegationError} `invalid_response`
 */
export function parseAwsResponse(json: unknown, status: number): ParsedAwsResponse {
  const credentials = isPlainObject(json) ? json['Credentials'] : undefined;
  if (!isPlainObject(credentials)) throw invalidResponse('no "Credentials" object', status);
  for (const field of REQUIRED_STRINGS) {
    const value = credentials[field];
    if (typeof value !== 'string' || value === '') throw invalidResponse(`no "Credentials.${field}" string`, status);
  }
  const expiration = credentials['Expiration'];
  const expirationMs = typeof expiration === 'string' ? Date.parse(expiration) : Number.NaN;
  if (Number.isNaN(expirationMs)) throw invalidResponse('no "Credentials.Expiration" date', status);
  return { result: json as DelegationResult, expirationMs };
}

/**
 * How long credentials last on the local clock. The `Date` header corrects a page clock that is off, but
 * only by up to a day, and only ever to shorten what the page's own clock says: the lifetime is the
 * shortest of the local one (`Expiration` read on the page's clock), the corrected one (`Expiration -
 * Date`, the server's clock) and 12 hours. The corrected one alone decides only when the local one says
 * the credentials have already expired (a page clock far ahead of the server's). So a `Date` up to a day
 * behind cannot keep dead keys (a real hour, `Date` 23 hours behind, was once taken as 12 hours), and a
 * page clock ahead of the server still gets its keys. The price: a page clock ahead by less than the
 * lifetime refreshes that much early (30 minutes ahead: a one-hour key is kept 30 minutes).
 * @throws {DelegationError} `invalid_response` when `Expiration` has passed on both clocks.
 */
export function timing(expirationMs: number, dateHeader: string | null, receivedAtMs: number, status: number): Timing {
  const serverMs = dateHeader === null ? Number.NaN : Date.parse(dateHeader);
  const seen = serverMs - receivedAtMs;
  // NaN (no or unreadable header) fails the comparison too.
  const offsetMs = Math.abs(seen) <= MAX_CLOCK_OFFSET_MS ? seen : 0;
  const local = expirationMs - receivedAtMs;
  const claimed = serverMs < expirationMs ? expirationMs - serverMs : Infinity;
  const corrected = Math.min(local - offsetMs, claimed);
  const lifetimeMs = Math.min(local > 0 ? Math.min(local, corrected) : corrected, MAX_LIFETIME_MS);
  if (!(lifetimeMs > 0)) throw invalidResponse('"Credentials.Expiration" has passed', status);
  return { offsetMs, lifetimeMs, expiresAtMs: receivedAtMs + lifetimeMs };
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
    identityId: typeof result.IdentityId === 'string' ? result.IdentityId : undefined,
  };
}

/** The `invalid_response` error: `reason` names the field, never its value. */
export function invalidResponse(reason: string, status: number, responseText?: string): DelegationError {
  return new DelegationError({
    code: 'invalid_response',
    status,
    responseText,
    message: `The delegation response (${status}) is unusable: ${reason}. Check the domain and the AWS add-on.`,
  });
}
