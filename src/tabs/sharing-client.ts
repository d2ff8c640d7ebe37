import type { CredentialCache } from '../cache/single-flight';
import type { CachedDelegation } from '../cache/cached-delegation';
import { DelegationClient as TabLocalClient } from '../client';
import type { ResolvedOptions } from '../options';
import { createCache } from './tab-cache';

/**
 * Gets temporary AWS credentials for the signed-in user (from Auth0's `/delegation` by default, or from
 * the `exchange` given), keeps them in memory until they are about to expire, makes one request for all
 * concurrent callers, and shares them with the origin's other tabs: a Web Lock per cache key lets one tab
 * at a time ask, a BroadcastChannel hands its answer to the others (`shareAcrossTabs: false` keeps the
 * cache to this tab). An entry is served only to the exact token (and settings) that earned it.
 *
 * @example
 * const client = new DelegationClient({ clientID: 'abc123', domain: 'tenant.auth0.com' });
 * const { accessKeyId, secretAccessKey, sessionToken, expiration } = await client.getCredentials({ idToken });
 */
export class DelegationClient extends TabLocalClient {
  /** @internal Shared with the origin's other tabs where the browser allows it (see tabs.ts). */
  protected override createCache(options: ResolvedOptions): CredentialCache<CachedDelegation> {
    return createCache(options);
  }
}
