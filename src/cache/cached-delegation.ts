import type { Loaded } from './single-flight';
import { MAX_BODY_BYTES, MAX_CLOCK_OFFSET_MS, MAX_LIFETIME_MS, parseAwsResponse, toAwsCredentials } from '../credentials';
import type { AwsCredentials, DelegationResult } from '../credentials';

/**
 * What the cache holds for one key: the answer's text and the credentials read from it. Not the parsed
 * answer too: nothing reads it once the credentials are made, and it cost about 450 B per cached user
 * (with a 1,529-character answer).
 */
export interface CachedDelegation {
  /** The answer as the endpoint sent it: every copy handed out is parsed from it, and tabs share it. */
  readonly text: string;
  readonly credentials: AwsCredentials;
}

/** An entry as it crosses the tabs' channel: the answer's text and its local times, no object graph. */
export interface SharedEntry {
  readonly text: string;
  readonly freshUntil: number;
  readonly expiresAt: number;
}

/** The cache entry for a validated answer, on the local clock. */
export function toCachedEntry(text: string, result: DelegationResult, expiresAt: number, freshUntil: number): Loaded<CachedDelegation> {
  return { value: { text, credentials: toAwsCredentials(result, expiresAt, freshUntil) }, freshUntil, expiresAt };
}

/** What another tab receives: text and numbers only (a deep answer cannot overflow the channel). */
export function toShared({ value, freshUntil, expiresAt }: Loaded<CachedDelegation>): SharedEntry {
  return { text: value.text, freshUntil, expiresAt };
}

/**
 * An entry another tab sent, checked as if it were a response: an AWS answer whose `Expiration` is
 * within the clock-offset bound of `expiresAt`, fresh now, and never more than 12 hours away. Anything
 * else is `undefined` (ignored).
 */
export function fromShared(shared: Partial<Record<keyof SharedEntry, unknown>>, nowMs: number): Loaded<CachedDelegation> | undefined {
  const { text, freshUntil, expiresAt } = shared;
  // No answer is longer than the exchange reads (characters, at most as many as bytes).
  if (typeof text !== 'string' || text.length > MAX_BODY_BYTES || typeof freshUntil !== 'number' || typeof expiresAt !== 'number') return undefined;
  // NaN fails every comparison.
  if (!(nowMs < freshUntil && freshUntil <= expiresAt && expiresAt <= nowMs + MAX_LIFETIME_MS)) return undefined;
  try {
    const { result, expirationMs } = parseAwsResponse(JSON.parse(text), 200);
    if (!(Math.abs(expiresAt - expirationMs) <= MAX_CLOCK_OFFSET_MS)) return undefined;
    return toCachedEntry(text, result, expiresAt, freshUntil);
  } catch {
    return undefined;
  }
}

/** Whether a cached answer holds the credentials `accessKeyId` (S3 refused them: they are forgotten). */
export function holding(accessKeyId: string): (value: CachedDelegation) => boolean {
  return (value) => value.credentials.accessKeyId === accessKeyId;
}
