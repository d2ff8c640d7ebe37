// Script-tag entry (the core build): rollup exposes these exports on the global `Auth0AwsDelegation`.
// Its `DelegationClient` keeps its cache to its tab (no tab-sharing code), the exchange is Auth0's
// `/delegation` unless another value is given, and the v7 facade lives in the v7 build (global-v7.ts):
// what keeps this file within its size budget, by composition, with nothing swapped at build time.
export { DelegationClient } from '../client';
export { delegation } from '../exchanges/delegation';
export { DelegationError, isDelegationError } from '../errors';
