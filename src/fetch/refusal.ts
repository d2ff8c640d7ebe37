import { boundedText } from '../bounded-text';
import { REFUSED_CREDENTIAL_CODES } from '../credentials';

/** What a refused request says about what would make it pass: new credentials, or the server's clock. */
export interface Refusal {
  /** S3's `<Code>`, e.g. `ExpiredToken`. */
  readonly code: string;
  /** The credentials were refused before their time: ask for new ones. */
  readonly credentials: boolean;
  /** The server's clock (ms) when it refused the request's time. */
  readonly serverTimeMs: number | undefined;
}

/** S3's error bodies are under 1 KB; none is read past this (the delegation answer's cap). */
export const MAX_ERROR_BYTES = 65_536;


/** S3's error code from an XML error body, or `undefined`. */
export function errorCode(text: string): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
}

/**
 * Whether `response` is a refusal that one more attempt could turn around: an `ExpiredToken` (or
 * `InvalidToken`, `InvalidAccessKeyId`) for credentials that were still believed valid, or `RequestTimeTooSkewed` or a POST
 * policy's "Policy expired" (a page clock that is off). Reads a copy of the body of 400 and 403 answers only, up to 64 KB.
 */
export async function refusalOf(response: Response): Promise<Refusal | undefined> {
  if (response.status !== 400 && response.status !== 403) return undefined;
  const text = (await boundedText(response.clone(), MAX_ERROR_BYTES).catch(() => undefined)) ?? '';
  const code = errorCode(text) ?? '';
  if (REFUSED_CREDENTIAL_CODES.includes(code)) return { code, credentials: true, serverTimeMs: undefined };
  // A POST policy that expired on S3's clock (post-object.ts): the page's clock is behind. S3 names no
  // time then; its Date header does (the bucket's CORS exposes Date).
  const expiredPolicy = code === 'AccessDenied' && text.includes('Policy expired');
  if (code !== 'RequestTimeTooSkewed' && !expiredPolicy) return undefined;
  // S3 names its time in the body; the Date header is the other witness (exposed by CORS or not).
  const serverTimeMs = Date.parse(/<ServerTime>([^<]*)<\/ServerTime>/.exec(text)?.[1] ?? response.headers.get('date') ?? '');
  return Number.isNaN(serverTimeMs) ? undefined : { code, credentials: false, serverTimeMs };
}
