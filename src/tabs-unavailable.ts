// Stands in for tabs.ts in the core script builds (rollup.config.mjs), which stay within their size
// budget without it: there, each tab has its own cache.
import { SingleFlightCache } from './cache';
import type { ResolvedOptions } from './options';

export const createCache = <T>({ now }: ResolvedOptions) => new SingleFlightCache<T>(now);
