import type { AwsCredentialIdentity } from '../aws/sdk-types';
import { fromDelegation } from '../aws/from-delegation';
import type { FromDelegationInit } from '../aws/from-delegation';
import { configurationError } from '../errors';
import { isPlainObject, rejectUnknownKeys } from '../guards';
import { isTrustedUrl, tryParseUrl } from '../urls';
import type { DelegationClient } from '../tabs/sharing-client';
import { refusalOf } from './refusal';
import { signRequest } from './sign';
import type { Outgoing } from './sign';
import { send } from './transport';
import type { UploadProgress } from './transport';

/** Options of `signedFetch(client, init)`: `fromDelegation`'s, and where the requests go. */
export interface SignedFetchInit extends FromDelegationInit {
  /** The AWS region the requests are signed for, e.g. `'us-east-1'`. */
  region: string;
  /** The AWS service the requests are signed for. @default 's3' */
  service?: string;
  /** The `fetch` that sends the signed requests. @default globalThis.fetch at call time */
  fetch?: typeof globalThis.fetch;
}

/** What a signed request takes: `fetch`'s `method`, `headers`, `body` and `signal`, and upload progress. */
export interface SignedRequestInit {
  /** @default 'GET' */
  method?: string;
  /** Sent; signed too, except those SigV4 leaves out (`content-type`, `content-length`, `range`, ...). */
  headers?: HeadersInit;
  /** Sent as is (for S3, not hashed: `UNSIGNED-PAYLOAD`). A stream cannot be sent again after `ExpiredToken`. */
  body?: BodyInit | null;
  /** Cancels the request (and its wait for credentials: `aborted`). */
  signal?: AbortSignal;
  /** Called as the body goes out (XMLHttpRequest in browsers; once, at the end, where there is none). */
  onUploadProgress?: UploadProgress;
}

/**
 * @internal A request made from the credentials and the signing clock (corrected by what S3 said of it):
 * SigV4 headers (`signRequest`), or a POST form with its policy signed (post-object.ts).
 */
export type BuildRequest = (credentials: AwsCredentialIdentity, nowMs: number) => Promise<Outgoing>;

/**
 * @internal How an operation that signs its request itself (a POST policy) sends it through the same
 * credentials and the same retry as every signed request: `[SEND_BUILT](url, build, init)`, with `url`
 * checked as `signedFetch` checks its URLs; the request is built again for the retry, so any body goes.
 */
export const SEND_BUILT = Symbol('sendBuilt');

/** A `fetch` that signs every request with the client's credentials (see `signedFetch`). */
export interface SignedFetch {
  (url: string | URL, init?: SignedRequestInit): Promise<Response>;
  /** The region its requests are signed for. */
  readonly region: string;
  /** @internal See `SEND_BUILT`. */
  readonly [SEND_BUILT]?: (url: string, build: BuildRequest, init: SignedRequestInit) => Promise<Response>;
}

const INIT_KEYS = ['idToken', 'role', 'principal', 'scope', 'targetClientId', 'onRefreshError', 'region', 'service', 'fetch'];

/**
 * A `fetch` for AWS (S3 by default) without the AWS SDK: each request is signed (SigV4, with aws4fetch)
 * with the client's cached credentials, which the client refreshes at `refreshAt` and shares with every
 * other user of the client (`fromDelegation`, other tabs). When S3 answers `ExpiredToken`,
 * `InvalidToken` or `InvalidAccessKeyId` (credentials revoked or cut short), those credentials are dropped and the request is
 * signed with new ones and sent once more; `RequestTimeTooSkewed` corrects the signing clock from S3's
 * time and sends once more. A body that cannot be sent twice (a stream) gets the first answer.
 *
 * S3's answers come back as they are, as `fetch` does (check `response.ok`); credential failures reject
 * with the client's `DelegationError` codes, a request that gets no answer with `network_error`. A
 * redirect is never followed (the session token would go along): `redirect_refused`.
 *
 * @throws {DelegationError} `invalid_configuration` (at once) for a missing `idToken` or `region`, or an
 *   unknown option; from a call, `invalid_configuration` for a URL that is not https (http on a loopback
 *   host only: the session token goes along; nothing sent), what `fromDelegation`'s provider throws,
 *   `network_error`, `aborted`, `redirect_refused`.
 * @example
 * const s3fetch = signedFetch(client, { idToken: () => auth.idToken, region: 'us-east-1' });
 * const response = await s3fetch('https://my-bucket.s3.us-east-1.amazonaws.com/auth0%7Calice/notes.txt');
 * const text = await response.text();
 */
export function signedFetch(client: DelegationClient, init: SignedFetchInit): SignedFetch {
  if (!isPlainObject(init) || typeof init.region !== 'string' || init.region === '') {
    throw configurationError('signedFetch needs { idToken, region }: the ID token (or a function returning it) and the AWS region.');
  }
  rejectUnknownKeys(init, INIT_KEYS, 'signedFetch');
  const { region, service = 's3', fetch, ...providerInit } = init;
  const provider = fromDelegation(client, providerInit);
  const scope = { region, service };
  /** Server clock minus local clock, learnt from a RequestTimeTooSkewed answer. */
  let skewMs = 0;

  const attempt = async (build: BuildRequest, options: SignedRequestInit, rejected?: string): Promise<{ credentials: AwsCredentialIdentity; response: Response }> => {
    const credentials = await provider(rejected === undefined ? undefined : { rejectedAccessKeyId: rejected });
    const request = await build(credentials, Date.now() + skewMs);
    return { credentials, response: await send(request, { fetch, signal: options.signal, onUploadProgress: options.onUploadProgress }) };
  };

  /** Sends once, and once more on a refusal new credentials or S3's clock can turn, if the body can go again. */
  const sendBuilt = async (url: string, build: BuildRequest, options: SignedRequestInit, replayable = true): Promise<Response> => {
    // The session token goes with every request: never in clear text to another machine.
    if (!isTrustedUrl(tryParseUrl(url))) throw configurationError('signedFetch sends to https URLs only (http on localhost, 127.0.0.0/8 or [::1]), with no user name or password.');
    const first = await attempt(build, options);
    const refusal = await refusalOf(first.response);
    if (refusal === undefined || !replayable) return first.response;
    if (refusal.serverTimeMs !== undefined) skewMs = refusal.serverTimeMs - Date.now();
    await first.response.body?.cancel();
    return (await attempt(build, options, refusal.credentials ? first.credentials.accessKeyId : undefined)).response;
  };

  const signed = async (url: string | URL, options: SignedRequestInit = {}): Promise<Response> => {
    const request: Outgoing = { method: (options.method ?? 'GET').toUpperCase(), url: String(url), headers: new Headers(options.headers), body: options.body };
    return sendBuilt(request.url, (credentials, nowMs) => signRequest(request, credentials, scope, nowMs), options, canSendAgain(request.body));
  };
  return Object.assign(signed, { region, [SEND_BUILT]: sendBuilt });
}

/** A body that can be sent a second time: anything but a stream. */
function canSendAgain(body: BodyInit | null | undefined): boolean {
  return !(typeof ReadableStream === 'function' && body instanceof ReadableStream);
}
