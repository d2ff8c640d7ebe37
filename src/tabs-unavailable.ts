// Stands in for tabs.ts in the core script builds (rollup.config.mjs), which stay within their size
// budget without it: there, each tab has its own cache (as with `shareAcrossTabs: false`).
import { SingleFlightCache } from './cache';
import type { CachedDelegation } from './cached-delegation';
import type { ResolvedOptions } from './options';

export const createCache = ({ now }: ResolvedOptions) => new SingleFlightCache<CachedDelegation>(now);
