import type { SharedEntry } from '../cache/cached-delegation';
import { isPlainObject } from '../guards';

/** Another tab's answer: the entry's fields are still unchecked (`fromShared` checks them). */
export interface EntryMessage extends Partial<Record<keyof SharedEntry, unknown>> {
  readonly type: 'entry';
  readonly key: string;
  /** When the request that earned it started (a tab drops answers to requests older than its last clear). */
  readonly since: number;
}

/** What tabs say to each other. Keys are SHA-256 digests: no token ever crosses the channel. */
export type TabMessage = { readonly type: 'loading' | 'failed'; readonly key: string } | EntryMessage | { readonly type: 'clear' };

/** Base64 of a SHA-256 digest, as `digest` makes it. */
const KEY = /^[A-Za-z0-9+/]{43}=$/;

/**
 * A message from the channel, if it has a known type and the fields that type needs; `undefined` for
 * anything else (every same-origin page can post there).
 */
export function readMessage(data: unknown): TabMessage | undefined {
  if (!isPlainObject(data)) return undefined;
  const { type, key, since, text, freshUntil, expiresAt } = data;
  if (type === 'clear') return { type };
  if (typeof key !== 'string' || !KEY.test(key)) return undefined;
  if (type === 'loading' || type === 'failed') return { type, key };
  if (type === 'entry' && Number.isFinite(since)) return { type, key, since: since as number, text, freshUntil, expiresAt };
  return undefined;
}
