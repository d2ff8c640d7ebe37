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
 * `clear` (a sign-out or user switch: `clearCache()`), `drop` (credentials S3 refused, by access key ID:
 * not a sign-out, so the other tabs forget those credentials only, and do not call
 * `onClearedInAnotherTab`). Keys are SHA-256 digests: no token ever crosses the channel.
 */
export type TabMessage = LoadingMessage | EntryMessage | { readonly type: 'failed' | 'ask'; readonly key: string } | { readonly type: 'clear' } | DropMessage;

/** Credentials S3 refused: every tab forgets the entries holding them. */
export interface DropMessage {
  readonly type: 'drop';
  readonly accessKeyId: string;
}

/** An access key ID's longest length (IAM's). */
const MAX_ACCESS_KEY_ID = 128;

/** Base64 of a SHA-256 digest, as `digest` makes it. */
const KEY = /^[A-Za-z0-9+/]{43}=$/;

/**
 * A message from the channel, if it has a known type and the fields that type needs; `undefined` for
 * anything else (every same-origin page can post there).
 */
export function readMessage(data: unknown): TabMessage | undefined {
  if (!isPlainObject(data)) return undefined;
  const { type, key, since, text, freshUntil, expiresAt, accessKeyId } = data;
  if (type === 'clear') return { type };
  if (type === 'drop') return typeof accessKeyId === 'string' && accessKeyId !== '' && accessKeyId.length <= MAX_ACCESS_KEY_ID ? { type, accessKeyId } : undefined;
  if (typeof key !== 'string' || !KEY.test(key)) return undefined;
  if (type === 'failed' || type === 'ask') return { type, key };
  if (!Number.isFinite(since)) return undefined;
  if (type === 'loading') return { type, key, since: since as number };
  if (type === 'entry') return { type, key, since: since as number, text, freshUntil, expiresAt };
  return undefined;
}
