import type { SharedEntry } from '../cache/cached-delegation';
import { isPlainObject } from '../guards';

/** Another tab's answer: the entry's fields are still unchecked (`fromShared` checks them). */
export interface EntryMessage extends Partial<Record<keyof SharedEntry, unknown>> {
  readonly type: 'entry';
  readonly key: string;
  /** When the request that earned it started (a tab drops answers to requests older than its last clear). */
  readonly since: number;
}

/** A request under way in another tab, and when it started (dropped by a tab that cleared since). */
export interface LoadingMessage {
  readonly type: 'loading';
  readonly key: string;
  readonly since: number;
}

/**
 * What tabs say to each other: `loading` (a request for the key is under way), `entry` (its answer, or
 * an answer to an `ask`), `failed`, `ask` (a tab that heard another hold the key wants a copy) and
 * `clear` (a sign-out or user switch: `clearCache()`), `drop` (credentials S3 refused were forgotten: not a
 * sign-out, so the other tabs forget too but do not call `onClearedInAnotherTab`). Keys are SHA-256 digests: no token ever crosses the channel.
 */
export type TabMessage = LoadingMessage | EntryMessage | { readonly type: 'failed' | 'ask'; readonly key: string } | { readonly type: 'clear' } | { readonly type: 'drop' };

/** Base64 of a SHA-256 digest, as `digest` makes it. */
const KEY = /^[A-Za-z0-9+/]{43}=$/;

/**
 * A message from the channel, if it has a known type and the fields that type needs; `undefined` for
 * anything else (every same-origin page can post there).
 */
export function readMessage(data: unknown): TabMessage | undefined {
  if (!isPlainObject(data)) return undefined;
  const { type, key, since, text, freshUntil, expiresAt } = data;
  if (type === 'clear' || type === 'drop') return { type };
  if (typeof key !== 'string' || !KEY.test(key)) return undefined;
  if (type === 'failed' || type === 'ask') return { type, key };
  if (!Number.isFinite(since)) return undefined;
  if (type === 'loading') return { type, key, since: since as number };
  if (type === 'entry') return { type, key, since: since as number, text, freshUntil, expiresAt };
  return undefined;
}
