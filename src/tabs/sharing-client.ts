import type { CredentialCache } from '../cache/single-flight';
import type { CachedDelegation } from '../cache/cached-delegation';
import { DelegationClient as TabLocalClient } from '../client';
import type { ResolvedOptions } from '../options';
import { createCache } from './tab-cache';

/**
 * Gets temporary AWS credentials for the signed-in user (from Auth0's `/delegation` by default, or from
 * the `exchange` given), keeps them in memory until they are about to expire, makes one request for all
 * concurrent callers, and shares them with the origin's other tabs (in a browser; `shareAcrossTabs`
 * decides): a tab's first request leaves at once and is announced on a BroadcastChannel beside it, a tab
 * that heard it waits for that request (its Web Lock) and takes its answer, and a tab that heard another
 * hold an answer asks it for a copy. An entry is served only to the exact token (and settings) that
 * earned it.
 *
 * @example
 * const client = new DelegationClient({ clientID: 'abc123', domain: 'tenant.auth0.com' });
 * const { accessKeyId, secretAccessKey, sessionToken, expiration } = await client.getCredentials({ idToken });
 */
export class DelegationClient extends TabLocalClient {
  /** @internal Shared with the origin's other tabs where the browser allows it (see tab-cache.ts). */
  protected override createCache(options: ResolvedOptions): CredentialCache<CachedDelegation> {
    return createCache(options);
  }
}
